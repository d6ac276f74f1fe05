package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.SigningKeyInfo;

/**
 * Test postage is signed with test keys and live postage with live keys, never the other way; a
 * test indicium does not verify as postage anywhere, even with its test flag cleared and signed
 * again by someone who got hold of the test key. On H2 and PostgreSQL.
 */
class TestKeySeparationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void testAndLivePurchasesAreSignedWithKeysOfTheirOwnMode(TestDatabase.Kind kind) {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            SignedIndicium test = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("t")).indicia().get(0)
                    .decode();
            SignedIndicium live = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("l")).indicia().get(0)
                    .decode();
            assertEquals(VerificationKey.FIRST_TEST_KEY_ID, test.data().keyId());
            assertTrue(test.data().testMode());
            assertEquals(1, live.data().keyId());
            assertFalse(live.data().testMode());

            VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
            assertEquals(Mode.TEST, keys.find(test.data().keyId()).orElseThrow().mode(), "published as a test key");
            assertEquals(Mode.LIVE, keys.find(live.data().keyId()).orElseThrow().mode());
            assertEquals(SignatureCheck.TEST_KEY, keys.verify(test), "a test indicium is never VALID offline");
            assertEquals(SignatureCheck.VALID, keys.verify(live));
            assertEquals(Verdict.TEST_INDICIUM, f.core.verify(new VerifyRequest(test.encoded()), f.scanTest("s")).verdict());

            // Rotating the test key never touches the live key, and the other way round.
            SigningKeyInfo newTest = f.core.admin().rotateSigningKey(Mode.TEST, SignatureAlgorithm.ED25519);
            assertEquals(VerificationKey.FIRST_TEST_KEY_ID + 1, newTest.keyId());
            assertEquals(1, f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("l2")).indicia().get(0)
                    .decode().data().keyId());
            assertEquals(newTest.keyId(), f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("t2"))
                    .indicia().get(0).decode().data().keyId());
        }
    }

    /** A forger holding the test key (test keys may be kept less carefully) clears the test flag and signs again. */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aTestIndiciumWithItsTestFlagClearedAndSignedAgainIsNotPostage(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            Purchase bought = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("t"));
            IndiciumData asLive = bought.indicia().get(0).decode().data().toBuilder().testMode(false).build();
            IndiciumSigner leaked = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, asLive.keyId(),
                    privateKey(asLive.keyId()), null);
            SignedIndicium forged = IndiciumCodec.sign(asLive, leaked);

            VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
            assertEquals(SignatureCheck.TEST_KEY, keys.verify(forged),
                    "the signature is good, but under a test key: not postage, whatever the flag says");
            VerificationResult atServer = f.core.verify(new VerifyRequest(forged.encoded()), f.scan("s"));
            assertEquals(Verdict.NOT_ISSUED, atServer.verdict(), atServer.detail());
        }
    }

    private PrivateKey privateKey(long keyId) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("signing-keys.p12"))) {
            ks.load(in, Fixture.KEYSTORE_PASSWORD.toCharArray());
        }
        return (PrivateKey) ks.getKey("key-" + keyId, Fixture.KEYSTORE_PASSWORD.toCharArray());
    }
}
