package org.openpostage.transport.grpc.internal.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.openpostage.api.ConfigurationException;
import org.openpostage.api.TlsSettings;

/** TLS material for the server: key managers from PEM or PKCS#12 files, trust, and the Netty context. */
public final class ServerTls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
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
        return keyManager(load(p12, password), password);
    }

    /**
     * The key manager for a PEM certificate chain (leaf first) and an unencrypted PKCS#8 PEM
     * private key ({@code -----BEGIN PRIVATE KEY-----}; convert others with
     * {@code openssl pkcs8 -topk8 -nocrypt}).
     */
    public static X509KeyManager keyManagerFromPem(Path certificateChain, Path privateKey) {
        List<Certificate> chain = certificates(certificateChain);
        PrivateKey key = privateKey(privateKey);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            return keyManager(ks, NO_PASSWORD);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("the key in " + privateKey + " does not fit the certificate in "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** A trust manager trusting exactly the certificates of PEM file {@code pem}. */
    public static X509TrustManager trustManagerFromPem(Path pem) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(pem)) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            return trustManager(ks);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot trust the certificates in " + pem + ": " + e.getMessage(), e);
        }
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

    private static List<Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) {
                throw new ConfigurationException("no certificate in " + pem);
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot read certificates from " + pem + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the private key " + pem + ": " + e.getMessage(), e);
        }
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            throw new ConfigurationException(pem + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigurationException(pem + " holds a private key that is neither EC, RSA nor Ed25519");
    }

    private static KeyStore load(Path p12, char[] password) {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password == null ? NO_PASSWORD : password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot read the key store " + p12 + ": " + e.getMessage(), e);
        }
    }
}
