package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Bytes;

/** Signing, key rotation and verification of indicia. */
class VerificationTest {
    @TempDir
    Path dir;
    Fixture f;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aGenuineLiveIndiciumIsValidOnceThenADuplicate() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        VerifyRequest scan = new VerifyRequest(p.indicia().get(0).data());

        VerificationResult first = f.core.verify(scan, f.scan("scan"));
        assertEquals(Verdict.VALID, first.verdict(), first.detail());
        assertTrue(first.signatureValid());
        assertEquals(0, first.previousScans());
        IndiciumData d = first.indicium();
        assertEquals(f.liveMeter, d.meterId());
        assertEquals(1, d.pieceSerial());
        assertEquals(78, d.ascendingRegister());
        assertEquals(Fixture.FUNDS - 78, d.descendingRegister());

        VerificationResult second = f.core.verify(scan, f.scan("scan"));
        assertEquals(Verdict.DUPLICATE, second.verdict());
        assertEquals(1, second.previousScans());
        assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM scans"));
    }

    @Test
    void onlyAScannerOfTheIndiciumsModeRecordsAScan() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.live("buy"));
        VerifyRequest first = new VerifyRequest(p.indicia().get(0).data());

        // The portal's own live key checks the stamp for its user: twice, and nothing is spent.
        for (int i = 0; i < 2; i++) {
            VerificationResult check = f.core.verify(first, f.live("check-" + i));
            assertEquals(Verdict.VALID, check.verdict(), check.detail());
            assertEquals(0, check.previousScans());
        }
        // A test key, even a scanner's, never changes a live piece.
        assertEquals(Verdict.VALID, f.core.verify(first, f.scanTest("test-scan")).verdict());
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM scans"));
        assertEquals(0, Rows.count(f.db, "SELECT SUM(scan_count) FROM indicia"));

        // The first scan in the mail stream is still VALID; after it, everyone sees DUPLICATE.
        assertEquals(Verdict.VALID, f.core.verify(first, f.scan("scan")).verdict());
        VerificationResult after = f.core.verify(first, f.live("check-2"));
        assertEquals(Verdict.DUPLICATE, after.verdict());
        assertEquals(1, after.previousScans());
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM scans"));

        // The other piece, only checked by the portal, can still be refunded.
        VerifyRequest second = new VerifyRequest(p.indicia().get(1).data());
        assertEquals(Verdict.VALID, f.core.verify(second, f.live("check-3")).verdict());
        assertEquals(78, f.core.refund(new RefundRequest(p.indicia().get(1).indiciumId()), f.live("refund"))
                .amount().minorUnits());
    }

    @Test
    void aTestScannerCountsScansOfTestIndiciaAndForgeriesOnlyWhenItMayRecord() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("buy"));
        VerifyRequest scan = new VerifyRequest(p.indicia().get(0).data());
        assertEquals(0, f.core.verify(scan, f.scanTest("s1")).previousScans());
        assertEquals(1, f.core.verify(scan, f.scanTest("s2")).previousScans());
        assertEquals(2, f.core.verify(scan, f.test("portal")).previousScans());
        assertEquals(2, f.core.verify(scan, f.scanTest("s3")).previousScans(), "the portal's check recorded nothing");

        byte[] bytes = p.indicia().get(0).data().toArray();
        bytes[37]++;
        VerifyRequest tampered = new VerifyRequest(Bytes.of(bytes));
        assertEquals(Verdict.BAD_SIGNATURE, f.core.verify(tampered, f.test("portal-2")).verdict());
        assertEquals(0, f.core.verify(tampered, f.scanTest("s4")).previousScans());
        assertEquals(1, f.core.verify(tampered, f.scanTest("s5")).previousScans());
        assertEquals(5, Rows.count(f.db, "SELECT COUNT(*) FROM scans"));
        assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM scans WHERE verdict = 'BAD_SIGNATURE'"));
    }

    @Test
    void aTestIndiciumIsFlaggedAndNeverValid() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("buy"));
        assertTrue(p.indicia().get(0).decode().data().testMode());
        VerificationResult r = f.core.verify(new VerifyRequest(p.indicia().get(0).data()), f.scan("scan"));
        assertEquals(Verdict.TEST_INDICIUM, r.verdict());
        assertTrue(r.signatureValid());
        assertFalse(r.valid());
    }

    @Test
    void aTamperedIndiciumHasABadSignature() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        byte[] bytes = p.indicia().get(0).data().toArray();
        bytes[37]++; // day of mailing: the 20th becomes the 21st
        VerificationResult r = f.core.verify(new VerifyRequest(Bytes.of(bytes)), f.scan("scan"));
        assertEquals(Verdict.BAD_SIGNATURE, r.verdict());
        assertFalse(r.signatureValid());
        assertEquals(21, r.indicium().dateOfMailing().getDayOfMonth());
    }

    @Test
    void anIndiciumSignedWithAForeignKeyNamesAnUnknownKey() throws Exception {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        IndiciumData genuine = p.indicia().get(0).decode().data();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        PrivateKey foreign = g.generateKeyPair().getPrivate();
        IndiciumData forged = genuine.toBuilder().keyId(777).build();
        var signed = IndiciumCodec.sign(forged, IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, 777, foreign, null));
        assertEquals(Verdict.UNKNOWN_KEY, f.core.verify(new VerifyRequest(signed.encoded()), f.scan("scan")).verdict());
    }

    @Test
    void aWellSignedIndiciumTheServerNeverIssuedIsNotIssued() throws Exception {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        // Someone with the server's key (an insider, a stolen backup) signs a piece that was never debited.
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("signing-keys.p12"))) {
            ks.load(in, Fixture.KEYSTORE_PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("key-1", Fixture.KEYSTORE_PASSWORD.toCharArray());
        IndiciumData minted = p.indicia().get(0).decode().data().toBuilder().pieceSerial(999).build();
        var signed = IndiciumCodec.sign(minted, IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, 1, key, null));
        VerificationResult r = f.core.verify(new VerifyRequest(signed.encoded()), f.scan("scan"));
        assertEquals(Verdict.NOT_ISSUED, r.verdict());
        assertTrue(r.signatureValid());
    }

    @Test
    void malformedBytesAreAFormatError() {
        f = Fixture.h2(dir);
        IndiciumFormatException e = assertThrows(IndiciumFormatException.class,
                () -> f.core.verify(new VerifyRequest(Bytes.of(new byte[] {1, 2, 3})), f.scan("scan")));
        assertTrue(e.getMessage().contains("127"), e.getMessage());
    }

    @Test
    void rotationKeepsOldIndiciaVerifiableAndEveryNodeSignsWithTheNewKey() {
        f = Fixture.h2(dir);
        PostalCore node2 = f.secondNode();
        Purchase before = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("before"));
        assertEquals(1, before.indicia().get(0).decode().data().keyId());

        VerificationKey rotated = f.core.admin().rotateSigningKey(SignatureAlgorithm.ECDSA_P256_SHA256);
        assertEquals(2, rotated.keyId());

        Purchase after = node2.purchase(f.purchase(1, PaymentMethod.account()), f.live("after"));
        assertEquals(2, after.indicia().get(0).decode().data().keyId(), "node 2 signs with the key node 1 made active");

        VerificationKeySet keys = node2.verificationKeys(f.live("keys"));
        assertEquals(2, SigningKeyRevocationTest.liveKeys(keys).size());
        assertNotNull(keys.find(1).orElseThrow().retiredAt(), "the old key is retired");
        assertTrue(keys.find(2).orElseThrow().active());
        assertEquals(SignatureCheck.VALID, before.indicia().get(0).decode().verify(keys));
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(before.indicia().get(0).data()), f.scan("s")).verdict());
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(after.indicia().get(0).data()), f.scan("s")).verdict());
        assertEquals(keys, VerificationKeySet.parse(keys.toText()), "the key set survives its text form");
    }

    @Test
    void ed25519IsAnOption() {
        f = Fixture.h2(dir, b -> b.signingAlgorithm(SignatureAlgorithm.ED25519));
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        assertEquals(SignatureAlgorithm.ED25519, p.indicia().get(0).decode().data().algorithm());
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(p.indicia().get(0).data()), f.scan("s")).verdict());
        f.core.admin().rotateSigningKey(SignatureAlgorithm.ECDSA_P256_SHA256);
        Purchase ecdsa = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy-2"));
        assertEquals(SignatureAlgorithm.ECDSA_P256_SHA256, ecdsa.indicia().get(0).decode().data().algorithm());
        VerificationResult again = f.core.verify(new VerifyRequest(p.indicia().get(0).data()), f.scan("s2"));
        assertTrue(again.signatureValid(), "the retired Ed25519 key still verifies");
        assertEquals(Verdict.DUPLICATE, again.verdict());
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(ecdsa.indicia().get(0).data()), f.scan("s3")).verdict());
    }

    @Test
    void theKeystoreIsCreatedOnFirstStartAndSharedThroughTheLedger() throws Exception {
        f = Fixture.h2(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("signing-keys.p12"))) {
            ks.load(in, Fixture.KEYSTORE_PASSWORD.toCharArray());
        }
        assertTrue(ks.isKeyEntry("key-1"));
        byte[] published = f.core.verificationKeys(f.live("k")).find(1).orElseThrow().publicKey().toArray();
        assertArrayEquals(published, ks.getCertificate("key-1").getPublicKey().getEncoded());
    }
}
