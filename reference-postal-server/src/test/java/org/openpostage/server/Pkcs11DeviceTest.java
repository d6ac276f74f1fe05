package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Mode;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.internal.signing.Pkcs11Device;
import org.openpostage.server.model.SigningKeyInfo;

/**
 * The postal server signing in a PKCS#11 token (SoftHSM2): keys created inside it and never
 * exported, every indicium verifiable with the token's own public key, nothing of the keys in the
 * database or the data directory, several nodes on one token, and clear refusals of a wrong token
 * or PIN. Skipped, saying so, where SoftHSM2 is not installed.
 */
class Pkcs11DeviceTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void purchasesAreSignedInsideTheTokenWithKeysThatNeverLeaveIt(TestDatabase.Kind kind) throws Exception {
        String token = SoftHsm.token();
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> SoftHsm.pkcs11(b, token)
                .softwareKeysForLivePostage(false))) {
            Purchase live = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.live("live"));
            Purchase test = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("test"));

            // The token's own view of its keys: what it publishes is what it signs with.
            Pkcs11Device device = Pkcs11Device.open(new Pkcs11Device.Settings(SoftHsm.LIBRARY, null, token,
                    SoftHsm.PIN.toCharArray()), installationId(f));
            try {
                KeyStore ks = KeyStore.getInstance("PKCS11", device.provider());
                ks.load(null, SoftHsm.PIN.toCharArray());
                for (long keyId : List.of(1L, VerificationKey.FIRST_TEST_KEY_ID)) {
                    Key key = ks.getKey(device.aliasOf(keyId), null);
                    assertNull(key.getEncoded(), "the private key of " + keyId + " cannot be read out of the token");
                    assertTrue(key.toString().contains("token object, sensitive, unextractable"), key.toString());
                }
                SignedIndicium liveIndicium = live.indicia().get(1).decode();
                assertEquals(1, liveIndicium.data().keyId());
                PublicKey tokenKey = ks.getCertificate(device.aliasOf(1)).getPublicKey();
                Signature ecdsa = Signature.getInstance("SHA256withECDSA");
                ecdsa.initVerify(tokenKey);
                ecdsa.update(liveIndicium.signedPart());
                assertTrue(ecdsa.verify(derOf(liveIndicium.signature().toArray())),
                        "the indicium verifies with the token's public key");
            } finally {
                device.close();
            }

            VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
            assertEquals(SignatureCheck.VALID, keys.verify(live.indicia().get(0).decode()));
            assertEquals(SignatureCheck.TEST_KEY, keys.verify(test.indicia().get(0).decode()));
            assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(live.indicia().get(0).data()), f.scan("s"))
                    .verdict());
            assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM signing_keystore"), "no software keystore");
            assertEquals(List.of("PKCS11"), List.of(Rows.text(f.db, "SELECT DISTINCT device FROM signing_keys")));
            assertFalse(Files.exists(dir.resolve("signing-keys.p12")), "no keystore copy in the data directory");
            assertFalse(Files.exists(dir.resolve("keystore.password")), "no keystore password either");
            f.assertBalanced();
        }
    }

    @Test
    void twoNodesShareTheTokenAndARotationReachesBoth() throws Exception {
        String token = SoftHsm.token();
        try (Fixture f = Fixture.on(TestDatabase.h2(dir), dir, b -> SoftHsm.pkcs11(b, token))) {
            PostalCore node2 = f.secondNode();
            assertEquals(1, node2.purchase(f.purchase(1, PaymentMethod.account()), f.live("a")).indicia().get(0)
                    .decode().data().keyId());
            SigningKeyInfo rotated = f.core.admin().as("alice").rotateSigningKey(Mode.LIVE,
                    SignatureAlgorithm.ECDSA_P256_SHA256);
            assertEquals("PKCS11", rotated.device());
            assertTrue(rotated.heldByThisNode());
            Purchase after = node2.purchase(f.purchase(1, PaymentMethod.account()), f.live("b"));
            assertEquals(rotated.keyId(), after.indicia().get(0).decode().data().keyId(),
                    "node 2 finds the new key in the token and signs with it");
            assertEquals(SignatureCheck.VALID, node2.verificationKeys(f.live("k")).verify(after.indicia().get(0).decode()));
        }
    }

    /** (A wrong PIN is refused at start too: see Pkcs11ServerProcessTest, since a login holds for a whole process.) */
    @Test
    void anUnknownTokenOrAMissingPinIsRefusedAtStartWithAClearMessage() throws Exception {
        String token = SoftHsm.token();
        ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> PostalCore.open(
                SoftHsm.pkcs11(ServerConfig.builder().dataDir(dir.resolve("b")), "no-such-token").build()));
        assertTrue(unknown.getMessage().contains("no PKCS#11 token is labelled 'no-such-token'")
                && unknown.getMessage().contains(token), unknown.getMessage());
        ConfigurationException noPin = assertThrows(ConfigurationException.class, () -> PostalCore.open(
                SoftHsm.pkcs11(ServerConfig.builder().dataDir(dir.resolve("c")), token).pkcs11Pin(null).build()));
        assertTrue(noPin.getMessage().contains("OPENPOSTAGE_PSD_PKCS11_PIN"), noPin.getMessage());
    }

    @Test
    void aPinInTheConfigurationFileIsRefused() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "psd.device = pkcs11\npsd.pkcs11.token-label = psd\npsd.pkcs11.pin = 1234\n");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ServerConfig.load(file, java.util.Map.of()));
        assertTrue(e.getMessage().contains("OPENPOSTAGE_PSD_PKCS11_PIN") && !e.getMessage().contains("1234"),
                e.getMessage());
        ServerConfig fromEnvironment = ServerConfig.load(null, java.util.Map.of("OPENPOSTAGE_PSD_DEVICE", "pkcs11",
                "OPENPOSTAGE_PSD_PKCS11_TOKEN_LABEL", "psd", "OPENPOSTAGE_PSD_PKCS11_PIN", "1234"));
        assertEquals("1234", new String(fromEnvironment.pkcs11Pin()));
        assertFalse(fromEnvironment.toString().contains("1234"), fromEnvironment.toString());
    }

    private static String installationId(Fixture f) {
        return Rows.text(f.db, "SELECT installation_id FROM installation");
    }

    /** {@code r || s} as the DER the JDK verifies. */
    private static byte[] derOf(byte[] raw) {
        java.math.BigInteger r = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, 32));
        java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 32, 64));
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        byte[] der = new byte[6 + rb.length + sb.length];
        der[0] = 0x30;
        der[1] = (byte) (4 + rb.length + sb.length);
        der[2] = 0x02;
        der[3] = (byte) rb.length;
        System.arraycopy(rb, 0, der, 4, rb.length);
        der[4 + rb.length] = 0x02;
        der[5 + rb.length] = (byte) sb.length;
        System.arraycopy(sb, 0, der, 6 + rb.length, sb.length);
        return der;
    }
}
