package org.openpostage.transport.grpc.internal.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the one channel a client shares between all its calls. */
final class Channels {
    private static final Logger log = LoggerFactory.getLogger(Channels.class);

    /** The TLS scheme. */
    static final String GRPCS = "grpcs";
    /** The plain-text scheme, for loopback tests. */
    static final String GRPC = "grpc";

    private Channels() {
    }

    /**
     * A Netty channel to {@code config}'s endpoint: TLS 1.3/1.2 with the configured trust and client
     * certificate for {@code grpcs}, plain text for {@code grpc}; gRPC's own retries disabled (the
     * client retries by its {@link org.openpostage.api.RetryPolicy}).
     */
    static ManagedChannel create(ClientConfig config, ClientOptions options) {
        URI endpoint = config.endpoint();
        String scheme = config.scheme();
        if (endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty() && !endpoint.getRawPath().equals("/")) {
            throw new ConfigurationException("a gRPC endpoint has no path: use " + scheme + "://host:port, not "
                    + endpoint);
        }
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : GRPCS.equals(scheme) ? 443 : 80;

        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port)
                .maxInboundMessageSize(options.maxInboundMessageSize())
                .disableRetry()
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .userAgent("openpostage-grpc");
        if (GRPCS.equals(scheme)) {
            builder.sslContext(sslContext(config.tls()));
        } else if (GRPC.equals(scheme)) {
            if (config.tls().hasCustomTrust() || config.tls().hasClientCertificate()) {
                throw new ConfigurationException(endpoint + " is plain text (grpc://) but TLS settings are configured; "
                        + "use grpcs:// to connect with TLS");
            }
            if (!isLoopback(host)) {
                log.warn("{} is plain text: the API key and card data travel unencrypted; use grpcs:// outside "
                        + "loopback tests", endpoint);
            }
            builder.usePlaintext();
        } else {
            throw new ConfigurationException("the gRPC transport handles grpc:// and grpcs://, not " + scheme + "://");
        }
        if (options.authority() != null) {
            builder.overrideAuthority(options.authority());
        }
        if (options.keepAliveTime() != null) {
            builder.keepAliveTime(options.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS);
        }
        return builder.build();
    }

    private static SslContext sslContext(TlsSettings tls) {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient()
                    .protocols(TlsSettings.PROTOCOLS)
                    .trustManager(x509(tls.trustManagers()));
            KeyManager[] keyManagers = tls.keyManagers();
            if (keyManagers != null) {
                builder.keyManager(x509(keyManagers));
            }
            return builder.build();
        } catch (SSLException e) {
            throw new ConfigurationException("cannot create the TLS context: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager tm : managers) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new ConfigurationException("the TLS settings give no X.509 trust manager");
    }

    private static X509KeyManager x509(KeyManager[] managers) {
        for (KeyManager km : managers) {
            if (km instanceof X509KeyManager x509) {
                return x509;
            }
        }
        throw new ConfigurationException("the client key store gives no X.509 key");
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
