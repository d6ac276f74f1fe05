package org.openpostage.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ConfigurationException;

/** The one reader of TLS files: PEM certificates and keys, PKCS#12, and every way they go wrong. */
class TlsMaterialTest {

    @Test
    void readsEveryCertificateOfAPemFileInOrder() throws Exception {
        List<X509Certificate> certs = TlsMaterial.certificates(file("two-certs.pem"));

        assertEquals(2, certs.size());
        assertTrue(certs.get(0).getSubjectX500Principal().getName().contains("openpostage test ec"));
        assertTrue(certs.get(1).getSubjectX500Principal().getName().contains("openpostage test rsa"));
        assertEquals(2, Collections.list(TlsMaterial.trustStore(file("two-certs.pem")).aliases()).size());
    }

    @Test
    void readsPkcs8KeysOfEachKind() {
        assertEquals("EC", TlsMaterial.privateKey(file("ec-key.pem"), null).getAlgorithm());
        assertEquals("RSA", TlsMaterial.privateKey(file("rsa-key.pem"), null).getAlgorithm());
    }

    @Test
    void decryptsAnEncryptedKeyWithItsPasswordAndSaysWhatIsMissingOtherwise() {
        assertArrayEquals(TlsMaterial.privateKey(file("ec-key.pem"), null).getEncoded(),
                TlsMaterial.privateKey(file("ec-key-encrypted.pem"), "secret".toCharArray()).getEncoded());

        ConfigurationException none = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.privateKey(file("ec-key-encrypted.pem"), null));
        assertTrue(none.getMessage().contains("encrypted private key: give its password"), none.getMessage());
        ConfigurationException wrong = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.privateKey(file("ec-key-encrypted.pem"), "guess".toCharArray()));
        assertTrue(wrong.getMessage().contains("is the password right?"), wrong.getMessage());
    }

    @Test
    void olderOpenSslKeyFormsAreRefusedWithTheCommandThatConvertsThem() {
        for (String name : List.of("rsa-pkcs1.pem", "ec-sec1.pem")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> TlsMaterial.privateKey(file(name), null));
            assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + name), e.getMessage());
        }
    }

    @Test
    void aKeyAndItsCertificateMakeAKeyStore() throws Exception {
        KeyStore ks = TlsMaterial.keyStore(file("ec-cert.pem"), file("ec-key.pem"), null);

        assertTrue(ks.isKeyEntry("key"));
        assertEquals(1, ks.getCertificateChain("key").length);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() {
        for (String[] pair : new String[][] {{"ec-cert.pem", "rsa-key.pem"}, {"rsa-cert.pem", "ec-key.pem"}}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> TlsMaterial.keyStore(file(pair[0]), file(pair[1]), null));
            assertTrue(e.getMessage().contains("does not belong to the certificate"), e.getMessage());
            assertTrue(e.getMessage().contains(pair[0]) && e.getMessage().contains(pair[1]), e.getMessage());
        }
    }

    @Test
    void filesWithoutWhatIsAskedAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        ConfigurationException noKey = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.privateKey(file("ec-cert.pem"), null));
        assertTrue(noKey.getMessage().contains("holds no private key"), noKey.getMessage());

        Path text = Files.writeString(dir.resolve("notes.pem"), "no certificate here\n");
        ConfigurationException noCert = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.certificates(text));
        assertTrue(noCert.getMessage().contains(text.toString()), noCert.getMessage());

        String key = Files.readString(file("ec-key.pem")).replace("-----END PRIVATE KEY-----",
                "-----END RSA PRIVATE KEY-----");
        Path mixed = Files.writeString(dir.resolve("mixed.pem"), key);
        ConfigurationException labels = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.privateKey(mixed, null));
        assertTrue(labels.getMessage().contains("begins as 'PRIVATE KEY' and ends as 'RSA PRIVATE KEY'"),
                labels.getMessage());

        Path missing = dir.resolve("missing.pem");
        ConfigurationException absent = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.trustStore(missing));
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());
    }

    @Test
    void aPkcs12StoreWithAWrongPasswordIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        KeyStore ks = TlsMaterial.keyStore(file("ec-cert.pem"), file("ec-key.pem"), null);
        Path p12 = dir.resolve("client.p12");
        try (var out = Files.newOutputStream(p12)) {
            ks.store(out, "right".toCharArray());
        }
        assertTrue(TlsMaterial.pkcs12(p12, "right".toCharArray(), "client key store").isKeyEntry("key"));

        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> TlsMaterial.pkcs12(p12, "wrong".toCharArray(), "client key store"));
        assertTrue(e.getMessage().startsWith("cannot read the client key store " + p12), e.getMessage());
    }

    @Test
    void clientSettingsTakeAPemCertificateAndKey() {
        TlsSettings tls = TlsSettings.builder().trustCertificates(file("two-certs.pem"))
                .clientCertificate(file("rsa-cert.pem"), file("rsa-key.pem")).build();

        assertTrue(tls.hasClientCertificate());
        assertTrue(tls.hasCustomTrust());
        assertNotNull(tls.keyManagers());
        assertNotNull(tls.sslContext());
    }

    private static Path file(String name) {
        try {
            return Path.of(TlsMaterialTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
