package org.openpostage.transport.grpc.internal.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.openpostage.api.TlsMaterial;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;

/**
 * TLS for the server binding: key and trust managers from the files {@link TlsMaterial} reads, and
 * the Netty context.
 */
public final class ServerTls {
    private static final char[] NO_PASSWORD = new char[0];

    private ServerTls() {
    }

    /**
     * The server context: TLS 1.3 and 1.2 only, ALPN h2 as gRPC needs, and client certificates as
     * {@code clientAuth} says, checked against {@code clientTrust} (or the JDK's CAs if {@code null}).
     */
    public static SslContext sslContext(KeyManager keyManager, TrustManager clientTrust, ClientAuth clientAuth) {
        try {
            SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager))
                    .protocols(TlsSettings.PROTOCOLS)
                    .clientAuth(clientAuth);
            if (clientTrust != null) {
                builder.trustManager(clientTrust);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new ConfigurationException("cannot create the server's TLS context: " + e.getMessage(), e);
        }
    }

    /** The key manager of {@code keyStore}, whose key is protected by {@code password}. */
    public static X509KeyManager keyManager(KeyStore keyStore, char[] password) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password == null ? NO_PASSWORD : password);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509KeyManager x509) {
                    return x509;
                }
            }
            throw new ConfigurationException("the key store holds no X.509 key");
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot use the server key store: " + e.getMessage(), e);
        }
    }

    /** The key manager of PKCS#12 file {@code p12}. */
    public static X509KeyManager keyManagerFromPkcs12(Path p12, char[] password) {
        return keyManager(TlsMaterial.pkcs12(p12, password, "server key store"), password);
    }

    /**
     * The key manager for a PEM certificate chain (leaf first) and a PEM private key, read and
     * checked to belong together by {@link TlsMaterial#keyStore}.
     */
    public static X509KeyManager keyManagerFromPem(Path certificateChain, Path privateKey) {
        return keyManager(TlsMaterial.keyStore(certificateChain, privateKey, null), NO_PASSWORD);
    }

    /** A trust manager trusting exactly the certificates of PEM file {@code pem}. */
    public static X509TrustManager trustManagerFromPem(Path pem) {
        return trustManager(TlsMaterial.trustStore(pem));
    }

    /** A trust manager trusting the certificates of {@code trustStore}. */
    public static X509TrustManager trustManager(KeyStore trustStore) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new ConfigurationException("the trust store gives no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot use the trust store: " + e.getMessage(), e);
        }
    }
}
