package org.openpostage.spring;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.spring.internal.GracefulShutdown;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * Connects a {@link PostalClient} bean from the {@code openpostage.client.*} properties
 * ({@link OpenPostageClientProperties}) when {@code openpostage.client.endpoint} is set, and
 * configures nothing otherwise. The endpoint's scheme picks the transport, as with
 * {@link PostalClients#connect(ClientConfig)}.
 *
 * <ul>
 *   <li>{@link ClientInterceptor} beans join the client's interceptors, in their order (the
 *       Micrometer metrics of {@link OpenPostageMetricsAutoConfiguration} among them);</li>
 *   <li>{@link ClientConfigCustomizer} beans adjust the configuration last;</li>
 *   <li>on shutdown, calls still running are awaited (at most the request timeout, which no call
 *       outlives) before the client is closed, after the web server's own graceful shutdown;</li>
 *   <li>a {@link PostalClient} bean of the application's replaces this one.</li>
 * </ul>
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnClass(PostalClient.class)
@ConditionalOnProperty(prefix = OpenPostageClientProperties.PREFIX, name = "endpoint")
@EnableConfigurationProperties(OpenPostageClientProperties.class)
public class OpenPostageClientAutoConfiguration {

    /** Awaits the client's running calls when the application stops. */
    @Bean
    GracefulShutdown openPostageGracefulShutdown(OpenPostageClientProperties properties) {
        return new GracefulShutdown(properties.getRequestTimeout());
    }

    /**
     * The client, closed when the application stops.
     *
     * @throws ConfigurationException naming the property whose value cannot be used
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PostalClient postalClient(OpenPostageClientProperties properties, GracefulShutdown shutdown,
                              ObjectProvider<ClientInterceptor> interceptors,
                              ObjectProvider<ClientConfigCustomizer> customizers,
                              ObjectProvider<SslBundles> sslBundles) {
        ClientConfig.Builder b = configure(properties, sslBundles.getIfAvailable());
        b.interceptor(shutdown.interceptor()); // outermost: counts every call until it ends
        interceptors.orderedStream().forEach(b::interceptor);
        customizers.orderedStream().forEach(c -> c.customize(b));
        return PostalClients.connect(b.build());
    }

    /** The configuration the properties describe. */
    static ClientConfig.Builder configure(OpenPostageClientProperties p, @Nullable SslBundles sslBundles) {
        URI endpoint = p.getEndpoint();
        if (endpoint == null) {
            throw new ConfigurationException(OpenPostageClientProperties.PREFIX + ".endpoint is required");
        }
        ClientConfig.Builder b = ClientConfig.builder().endpoint(endpoint).apiKey(blankToNull(p.getApiKey()))
                .transport(blankToNull(p.getTransport())).connectTimeout(p.getConnectTimeout())
                .requestTimeout(p.getRequestTimeout());
        try {
            b.retryPolicy(new RetryPolicy(p.getRetry().getMaxAttempts(), p.getRetry().getInitialBackoff(),
                    p.getRetry().getMaxBackoff()));
        } catch (InvalidRequestException e) {
            throw new ConfigurationException(OpenPostageClientProperties.PREFIX + ".retry: " + e.getMessage(), e);
        }
        p.getOptions().forEach(b::option);
        TlsSettings tls = tls(p.getTls(), sslBundles);
        if (tls != null) {
            b.tls(tls);
        }
        return b;
    }

    private static @Nullable TlsSettings tls(OpenPostageClientProperties.Tls t, @Nullable SslBundles sslBundles) {
        String prefix = OpenPostageClientProperties.PREFIX + ".tls.";
        if (t.getBundle() != null) {
            if (t.getTrustCertificates() != null || t.getTrustStore() != null || t.getClientKeyStore() != null) {
                throw new ConfigurationException(prefix + "bundle names an SSL bundle: set either it or the "
                        + prefix + "trust-*/client-key-store files, not both");
            }
            if (sslBundles == null) {
                throw new ConfigurationException(prefix + "bundle is set but the application has no SSL bundles");
            }
            SslBundle bundle;
            try {
                bundle = sslBundles.getBundle(t.getBundle());
            } catch (RuntimeException e) {
                throw new ConfigurationException(prefix + "bundle '" + t.getBundle() + "': " + e.getMessage(), e);
            }
            TlsSettings.Builder b = TlsSettings.builder();
            if (bundle.getStores().getTrustStore() != null) {
                b.trustStore(bundle.getStores().getTrustStore());
            }
            if (bundle.getStores().getKeyStore() != null) {
                String password = bundle.getKey().getPassword() != null ? bundle.getKey().getPassword()
                        : bundle.getStores().getKeyStorePassword();
                b.clientKeyStore(bundle.getStores().getKeyStore(), chars(password));
            }
            return b.build();
        }
        if (t.getTrustCertificates() == null && t.getTrustStore() == null && t.getClientKeyStore() == null) {
            return null;
        }
        TlsSettings.Builder b = TlsSettings.builder();
        try {
            if (t.getTrustCertificates() != null) {
                b.trustCertificates(t.getTrustCertificates());
            }
            if (t.getTrustStore() != null) {
                b.trustStore(t.getTrustStore(), chars(t.getTrustStorePassword()));
            }
            if (t.getClientKeyStore() != null) {
                b.clientKeyStore(t.getClientKeyStore(), chars(t.getClientKeyStorePassword()));
            }
        } catch (ConfigurationException e) {
            throw new ConfigurationException(prefix + "*: " + e.getMessage(), e);
        }
        return b.build();
    }

    private static char[] chars(@Nullable String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
