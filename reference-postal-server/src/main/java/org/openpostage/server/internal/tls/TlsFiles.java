package org.openpostage.server.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.openpostage.api.ConfigurationException;

/** Reads the TLS files an operator configures: a PKCS#12 server keystore and PEM files of CAs. */
public final class TlsFiles {
    private TlsFiles() {
    }

    /**
     * Loads a PKCS#12 keystore holding exactly one key entry.
     *
     * @throws ConfigurationException if it cannot be read, the password is wrong, or it holds no key
     */
    public static KeyStore serverKeyStore(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            long keys = Collections.list(ks.aliases()).stream().filter(a -> isKey(ks, a)).count();
            if (keys != 1) {
                throw new ConfigurationException("tls.keystore " + file + " must hold exactly one private key "
                        + "with its certificate chain; it holds " + keys);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot read tls.keystore " + file + " (PKCS#12, with "
                    + "tls.keystore-password): " + e.getMessage(), e);
        }
    }

    /** The last certificate of the keystore's chain: the one closest to the root. */
    public static X509Certificate chainTop(KeyStore ks) {
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (isKey(ks, alias)) {
                    Certificate[] chain = ks.getCertificateChain(alias);
                    return (X509Certificate) chain[chain.length - 1];
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot read the keystore's certificate chain: " + e.getMessage(), e);
        }
        throw new ConfigurationException("the keystore holds no key");
    }

    /**
     * A trust store holding every certificate of a PEM file.
     *
     * @throws ConfigurationException if the file cannot be read or holds no certificate
     */
    public static KeyStore trustStore(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<? extends Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) {
                throw new ConfigurationException(pem + " holds no certificate");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot read the CA certificates in " + pem + ": " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
