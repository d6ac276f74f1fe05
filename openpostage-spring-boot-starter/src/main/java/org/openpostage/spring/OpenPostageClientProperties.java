package org.openpostage.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code openpostage.client.*} properties: what the starter needs to connect a
 * {@link org.openpostage.api.PostalClient}. Nothing is configured while {@code endpoint} is absent.
 *
 * <pre>
 * openpostage.client.endpoint=https://postal.example:8443
 * openpostage.client.api-key=${OPENPOSTAGE_API_KEY}
 * openpostage.client.tls.trust-certificates=/etc/shop/postal-ca.pem
 * </pre>
 *
 * The defaults are the SDK's ({@link org.openpostage.api.ClientConfig#builder()}).
 */
@ConfigurationProperties(prefix = OpenPostageClientProperties.PREFIX)
public class OpenPostageClientProperties {
    /** The prefix of every property. */
    public static final String PREFIX = "openpostage.client";

    /**
     * The postal server's endpoint: https://host:8443 speaks XML over HTTPS, grpcs://host:9443 gRPC over TLS.
     * Without it, no PostalClient is configured.
     */
    private @Nullable URI endpoint;

    /** The API key sent with every call; keep it out of source control (an environment variable, a vault). */
    private @Nullable String apiKey;

    /** The transport, by name, when several on the class path handle the endpoint's scheme. */
    private @Nullable String transport;

    /** How long to wait for a connection to the postal server. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /**
     * How long one call may take, all its attempts and the pauses between them included. Shutting down
     * waits at most this long for calls still running.
     */
    private Duration requestTimeout = Duration.ofSeconds(30);

    /** Transport-specific options, for example xml.maxConnections. */
    private Map<String, String> options = new LinkedHashMap<>();

    private final Tls tls = new Tls();

    private final Retry retry = new Retry();

    private final Health health = new Health();

    private final Metrics metrics = new Metrics();

    /** TLS trust and client identity; without any, the JDK's default CAs are trusted and no client certificate is sent. */
    public static class Tls {
        /** A PEM file of the certificates to trust instead of the JDK's default CAs, such as the postal server's CA. */
        private @Nullable Path trustCertificates;

        /** A PKCS#12 trust store to use instead of the JDK's default CAs. */
        private @Nullable Path trustStore;

        /** The trust store's password. */
        private @Nullable String trustStorePassword;

        /** A PKCS#12 key store holding the client certificate and key, for servers that require mutual TLS. */
        private @Nullable Path clientKeyStore;

        /** The client key store's password (also its key's). */
        private @Nullable String clientKeyStorePassword;

        /**
         * The name of a Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust store and key store to use,
         * instead of the files above.
         */
        private @Nullable String bundle;

        /** @return the PEM file of trusted certificates */
        public @Nullable Path getTrustCertificates() { return trustCertificates; }
        /** @param v the PEM file of trusted certificates */
        public void setTrustCertificates(@Nullable Path v) { trustCertificates = v; }
        /** @return the PKCS#12 trust store */
        public @Nullable Path getTrustStore() { return trustStore; }
        /** @param v the PKCS#12 trust store */
        public void setTrustStore(@Nullable Path v) { trustStore = v; }
        /** @return the trust store's password */
        public @Nullable String getTrustStorePassword() { return trustStorePassword; }
        /** @param v the trust store's password */
        public void setTrustStorePassword(@Nullable String v) { trustStorePassword = v; }
        /** @return the client key store */
        public @Nullable Path getClientKeyStore() { return clientKeyStore; }
        /** @param v the client key store */
        public void setClientKeyStore(@Nullable Path v) { clientKeyStore = v; }
        /** @return the client key store's password */
        public @Nullable String getClientKeyStorePassword() { return clientKeyStorePassword; }
        /** @param v the client key store's password */
        public void setClientKeyStorePassword(@Nullable String v) { clientKeyStorePassword = v; }
        /** @return the SSL bundle's name */
        public @Nullable String getBundle() { return bundle; }
        /** @param v the SSL bundle's name */
        public void setBundle(@Nullable String v) { bundle = v; }
    }

    /** How failed calls are retried: only what is safe to repeat, always with the same idempotency key. */
    public static class Retry {
        /** Attempts in all, the first included (1 = no retries), 1 to 10. */
        private int maxAttempts = 4;

        /** The longest pause before the second attempt; it doubles per attempt up to max-backoff, with full jitter. */
        private Duration initialBackoff = Duration.ofMillis(100);

        /** The longest pause between two attempts (a server's Retry-After may ask for more). */
        private Duration maxBackoff = Duration.ofSeconds(2);

        /** @return attempts in all */
        public int getMaxAttempts() { return maxAttempts; }
        /** @param v attempts in all */
        public void setMaxAttempts(int v) { maxAttempts = v; }
        /** @return the first backoff cap */
        public Duration getInitialBackoff() { return initialBackoff; }
        /** @param v the first backoff cap */
        public void setInitialBackoff(Duration v) { initialBackoff = v; }
        /** @return the largest backoff cap */
        public Duration getMaxBackoff() { return maxBackoff; }
        /** @param v the largest backoff cap */
        public void setMaxBackoff(Duration v) { maxBackoff = v; }
    }

    /** The health indicator "openpostage" (switched off with management.health.openpostage.enabled=false). */
    public static class Health {
        /** How long a health check waits for the postal server's answer. */
        private Duration timeout = Duration.ofSeconds(2);

        /** @return how long a health check waits */
        public Duration getTimeout() { return timeout; }
        /** @param v how long a health check waits */
        public void setTimeout(Duration v) { timeout = v; }
    }

    /** Micrometer metrics of the client's calls, when the application has a MeterRegistry. */
    public static class Metrics {
        /** Whether calls and attempts are timed (openpostage.client.calls, openpostage.client.attempts). */
        private boolean enabled = true;

        /** @return whether calls are timed */
        public boolean isEnabled() { return enabled; }
        /** @param v whether calls are timed */
        public void setEnabled(boolean v) { enabled = v; }
    }

    /** @return the endpoint */
    public @Nullable URI getEndpoint() { return endpoint; }
    /** @param v the endpoint */
    public void setEndpoint(@Nullable URI v) { endpoint = v; }
    /** @return the API key */
    public @Nullable String getApiKey() { return apiKey; }
    /** @param v the API key */
    public void setApiKey(@Nullable String v) { apiKey = v; }
    /** @return the transport's name */
    public @Nullable String getTransport() { return transport; }
    /** @param v the transport's name */
    public void setTransport(@Nullable String v) { transport = v; }
    /** @return the connect timeout */
    public Duration getConnectTimeout() { return connectTimeout; }
    /** @param v the connect timeout */
    public void setConnectTimeout(Duration v) { connectTimeout = v; }
    /** @return the request timeout */
    public Duration getRequestTimeout() { return requestTimeout; }
    /** @param v the request timeout */
    public void setRequestTimeout(Duration v) { requestTimeout = v; }
    /** @return the transport options */
    public Map<String, String> getOptions() { return options; }
    /** @param v the transport options */
    public void setOptions(Map<String, String> v) { options = v; }
    /** @return the TLS settings */
    public Tls getTls() { return tls; }
    /** @return the retry settings */
    public Retry getRetry() { return retry; }
    /** @return the health check's settings */
    public Health getHealth() { return health; }
    /** @return the metrics' settings */
    public Metrics getMetrics() { return metrics; }

    @Override
    public String toString() {
        return "OpenPostageClientProperties[endpoint=" + endpoint + ", apiKey=" + (apiKey == null ? "none" : "****") + "]";
    }
}
