package org.openpostage.api;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.ConfigurationException;

/**
 * The TLS trust and client identity a client uses, shared by every transport so that switching
 * from {@code https://} to {@code grpcs://} needs no other change.
 *
 * <ul>
 *   <li>Trust: the JDK's default CAs, or certificates from a PEM file (for example the development
 *       CA a reference postal server writes on first start), or a PKCS#12 trust store.</li>
 *   <li>Identity: optionally a client certificate and key, for servers that require mutual TLS:
 *       a PKCS#12 key store, or a PEM chain and PEM key.</li>
 * </ul>
 *
 * <p>Files are read by {@link TlsMaterial}, as everywhere in OpenPostage.
 *
 * <p>Only TLS 1.3 and 1.2 are ever negotiated ({@link #PROTOCOLS}). Immutable and thread-safe.
 */
public final class TlsSettings {
    /** The protocol versions clients enable, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final TlsSettings SYSTEM = new Builder().build();

    private final KeyStore trustStore;
    private final KeyStore keyStore;
    private final char[] keyPassword;

    private TlsSettings(Builder b) {
        this.trustStore = b.trustStore;
        this.keyStore = b.keyStore;
        this.keyPassword = b.keyPassword == null ? null : b.keyPassword.clone();
    }

    /** Trust the JDK's default CAs and present no client certificate. */
    public static TlsSettings systemDefault() {
        return SYSTEM;
    }

    /** A builder starting from the system defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether a client certificate is configured. */
    public boolean hasClientCertificate() {
        return keyStore != null;
    }

    /** Whether custom trust (not the JDK's default CAs) is configured. */
    public boolean hasCustomTrust() {
        return trustStore != null;
    }

    /** Trust managers for the configured trust, or the JDK's defaults. */
    public TrustManager[] trustManagers() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore); // null = JDK defaults
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot use the trust store: " + e.getMessage(), e);
        }
    }

    /** Key managers presenting the client certificate, or {@code null} when none is configured. */
    public KeyManager @Nullable [] keyManagers() {
        if (keyStore == null) {
            return null;
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, keyPassword);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot use the client key store: " + e.getMessage(), e);
        }
    }

    /** An {@link SSLContext} with this trust and identity. */
    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers(), trustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsSettings[trust=" + (trustStore == null ? "system" : "custom") + ", clientCertificate="
                + (keyStore != null) + "]";
    }

    /** Builds {@link TlsSettings}. Each file is read when its method is called. Not thread-safe. */
    public static final class Builder {
        private KeyStore trustStore;
        private KeyStore keyStore;
        private char[] keyPassword;

        private Builder() {
        }

        /**
         * Trust exactly the certificates in PEM file {@code pem} (one or more
         * {@code -----BEGIN CERTIFICATE-----} blocks) instead of the JDK's default CAs.
         *
         * @throws ConfigurationException if the file cannot be read or holds no certificate
         */
        public Builder trustCertificates(Path pem) {
            this.trustStore = TlsMaterial.trustStore(pem);
            return this;
        }

        /** Trust the certificates of PKCS#12 file {@code p12}. */
        public Builder trustStore(Path p12, char[] password) {
            this.trustStore = load(p12, password, "trust store");
            return this;
        }

        /** Trust the certificates of {@code trustStore}. */
        public Builder trustStore(KeyStore trustStore) {
            this.trustStore = trustStore;
            return this;
        }

        /** Present the certificate and key in PKCS#12 file {@code p12} (mutual TLS). */
        public Builder clientKeyStore(Path p12, char[] password) {
            this.keyStore = load(p12, password, "client key store");
            this.keyPassword = password == null ? new char[0] : password.clone();
            return this;
        }

        /**
         * Present the certificate chain of PEM file {@code certificateChain} (leaf first) and the
         * private key of PEM file {@code privateKey} (PKCS#8; see {@link TlsMaterial}) for mutual TLS.
         *
         * @throws ConfigurationException if a file cannot be read or the key is not the certificate's
         */
        public Builder clientCertificate(Path certificateChain, Path privateKey) {
            this.keyStore = TlsMaterial.keyStore(certificateChain, privateKey, null);
            this.keyPassword = new char[0];
            return this;
        }

        /** Present the certificate and key in {@code keyStore}, whose keys are protected by {@code password}. */
        public Builder clientKeyStore(KeyStore keyStore, char[] password) {
            this.keyStore = keyStore;
            this.keyPassword = password == null ? new char[0] : password.clone();
            return this;
        }

        /** The settings. */
        public TlsSettings build() {
            return new TlsSettings(this);
        }

        private static KeyStore load(Path p12, char[] password, String what) {
            return TlsMaterial.pkcs12(p12, password, what);
        }
    }

    /** Clears the in-memory copy of the key password; for applications that want that hygiene. */
    void clear() {
        if (keyPassword != null) {
            Arrays.fill(keyPassword, '\0');
        }
    }
}
