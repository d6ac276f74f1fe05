package org.openpostage.server.internal.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import org.openpostage.api.TlsMaterial;
import org.openpostage.api.error.ConfigurationException;

/**
 * The server's rules for the TLS files an operator configures (a PKCS#12 keystore holds exactly one
 * key); the files themselves are read by {@link TlsMaterial}, as everywhere.
 */
public final class TlsFiles {
    private TlsFiles() {
    }

    /**
     * Loads a PKCS#12 keystore holding exactly one key entry.
     *
     * @throws ConfigurationException if it cannot be read, the password is wrong, or it holds no key
     */
    public static KeyStore serverKeyStore(Path file, char[] password) {
        KeyStore ks = TlsMaterial.pkcs12(file, password, "tls.keystore");
        long keys = Collections.list(aliases(ks)).stream().filter(a -> isKey(ks, a)).count();
        if (keys != 1) {
            throw new ConfigurationException("tls.keystore " + file + " must hold exactly one private key "
                    + "with its certificate chain; it holds " + keys);
        }
        return ks;
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
        return TlsMaterial.trustStore(pem);
    }

    private static java.util.Enumeration<String> aliases(KeyStore ks) {
        try {
            return ks.aliases();
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot list the keystore's entries: " + e.getMessage(), e);
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
