package org.openpostage.api.indicium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

class IndiciumCodecTest {
    private static KeyPair ecKeys;
    private static KeyPair edKeys;
    private static IndiciumSigner ecSigner;
    private static IndiciumSigner edSigner;
    private static VerificationKeySet keySet;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        ecKeys = ec.generateKeyPair();
        edKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ecSigner = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, 11, ecKeys.getPrivate(), null);
        edSigner = IndiciumSigner.jca(SignatureAlgorithm.ED25519, 12, edKeys.getPrivate(), null);
        keySet = new VerificationKeySet(List.of(
                VerificationKey.of(11, SignatureAlgorithm.ECDSA_P256_SHA256, ecKeys.getPublic(), Instant.EPOCH, null),
                VerificationKey.of(12, SignatureAlgorithm.ED25519, edKeys.getPublic(), Instant.EPOCH, null)));
    }

    // --- Golden vectors -------------------------------------------------------------------------

    @Test
    void goldenVectorsDecodeEncodeAndVerify() throws Exception {
        List<GoldenVectors.Vector> vectors = GoldenVectors.load();
        assertEquals(4, vectors.size());
        for (GoldenVectors.Vector v : vectors) {
            assertEquals(IndiciumCodec.LENGTH, v.encoded().size(), v.name());
            SignedIndicium decoded = IndiciumCodec.decode(v.encoded());
            assertEquals(v.data(), decoded.data(), v.name());
            assertArrayEquals(Arrays.copyOf(v.encoded().toArray(), IndiciumCodec.PAYLOAD_LENGTH),
                    IndiciumCodec.encodePayload(v.data()), v.name());
            VerificationKeySet published = new VerificationKeySet(List.of(new VerificationKey(v.data().keyId(),
                    v.data().algorithm(), v.publicKey(), Instant.EPOCH, null)));
            // Key ids from 2^31 are test keys: a good signature under one is TEST_KEY, never VALID.
            assertEquals(v.data().keyId() >= VerificationKey.FIRST_TEST_KEY_ID ? SignatureCheck.TEST_KEY
                    : SignatureCheck.VALID, published.verify(decoded), v.name());
            if (v.privateKey() != null) {
                // Ed25519 is deterministic: signing the fields again gives the very same bytes.
                var key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(v.privateKey().toArray()));
                var signer = IndiciumSigner.jca(SignatureAlgorithm.ED25519, v.data().keyId(), key, null);
                assertEquals(v.encoded(), IndiciumCodec.sign(v.data(), signer).encoded(), v.name());
            }
        }
    }

    @Test
    void goldenVectorBytesSitWhereTheDocumentedLayoutSaysTheyDo() throws Exception {
        GoldenVectors.Vector v = GoldenVectors.load().get(0);
        String hex = v.encoded().toHex();
        assertEquals("01", hex.substring(0, 2), "format version");
        assertEquals("01", hex.substring(2, 4), "algorithm ECDSA");
        assertEquals("00000001", hex.substring(4, 12), "key id 1");
        assertEquals("1092", hex.substring(12, 16), "vendor 4242");
        assertEquals("000186a1", hex.substring(16, 24), "meter 100001");
        assertEquals("00000011", hex.substring(24, 32), "serial 17");
        assertEquals("000000000495", hex.substring(32, 44), "ascending 1173");
        assertEquals("00000001820b", hex.substring(44, 56), "descending 98827");
        assertEquals("00000045", hex.substring(56, 64), "postage 69");
        assertEquals("0348", hex.substring(64, 68), "USD = 840");
        assertEquals("07ea0b19", hex.substring(68, 76), "2026-11-25");
        assertEquals("3934313037" + "0000000000", hex.substring(76, 96), "origin 94107");
        assertEquals("0".repeat(20), hex.substring(96, 116), "no destination");
        assertEquals("0001", hex.substring(116, 120), "LETTER");
        assertEquals("0001", hex.substring(120, 124), "software 1");
        assertEquals("00", hex.substring(124, 126), "flags");
    }

    // --- Round trips over wide ranges -----------------------------------------------------------

    @Test
    void roundTripHoldsAcrossFieldRangesClassesAndYears() {
        SplittableRandom random = new SplittableRandom(20261125);
        MailClass[] classes = MailClass.values();
        String[] currencies = {"USD", "EUR", "GBP", "JPY", "CHF", "KWD"};
        for (int i = 0; i < 3000; i++) {
            boolean ed = i % 4 != 0; // the JDK's ECDSA is slow; cover it a quarter of the time
            long postage = 1 + random.nextLong(i % 10 == 0 ? IndiciumData.MAX_UINT32 : 100_000);
            long ascending = postage + (i % 7 == 0 ? IndiciumData.MAX_REGISTER - postage : random.nextLong(1L << 40));
            IndiciumData data = IndiciumData.builder()
                    .algorithm(ed ? SignatureAlgorithm.ED25519 : SignatureAlgorithm.ECDSA_P256_SHA256)
                    .keyId(ed ? 12 : 11)
                    .vendorId(random.nextInt(0x10000))
                    .meterId(1 + random.nextLong(IndiciumData.MAX_UINT32))
                    .pieceSerial(i % 5 == 0 ? IndiciumData.MAX_UINT32 : 1 + random.nextLong(IndiciumData.MAX_UINT32))
                    .ascendingRegister(ascending)
                    .descendingRegister(i % 9 == 0 ? IndiciumData.MAX_REGISTER : random.nextLong(IndiciumData.MAX_REGISTER + 1))
                    .postage(Money.of(postage, currencies[random.nextInt(currencies.length)]))
                    .dateOfMailing(LocalDate.ofEpochDay(random.nextLong(LocalDate.of(1, 1, 1).toEpochDay(),
                            LocalDate.of(9999, 12, 31).toEpochDay() + 1)))
                    .origin(PostalCode.of(randomPostalCode(random)))
                    .destination(random.nextBoolean() ? null : PostalCode.of(randomPostalCode(random)))
                    .mailClass(classes[i % classes.length])
                    .softwareId(random.nextInt(0x10000))
                    .testMode(random.nextBoolean())
                    .build();
            SignedIndicium signed = IndiciumCodec.sign(data, ed ? edSigner : ecSigner);
            assertTrue(signed.encoded().size() <= IndiciumCodec.MAX_LENGTH);
            SignedIndicium decoded = IndiciumCodec.decode(signed.encoded());
            assertEquals(signed, decoded);
            assertEquals(SignatureCheck.VALID, keySet.verify(decoded));
        }
    }

    private static String randomPostalCode(SplittableRandom random) {
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        int length = 3 + random.nextInt(8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            boolean separator = i > 0 && i < length - 1 && sb.charAt(i - 1) != ' ' && sb.charAt(i - 1) != '-'
                    && random.nextInt(6) == 0;
            sb.append(separator ? (random.nextBoolean() ? ' ' : '-') : alnum.charAt(random.nextInt(alnum.length())));
        }
        return sb.toString();
    }

    // --- Malformed input ------------------------------------------------------------------------

    @Test
    void malformedInputIsRejectedWithOffsetAndField() {
        byte[] good = sample().encoded().toArray();
        assertRejected(new byte[0], "indicium is empty");
        assertRejected(Arrays.copyOf(good, 126), "indicium has 126 bytes; format version 1 has exactly 127");
        assertRejected(Arrays.copyOf(good, 128), "indicium has 128 bytes");
        assertRejected(mutate(good, b -> b[0] = 2), "indicium byte 0 (format version): 2 is not supported");
        assertRejected(mutate(good, b -> b[1] = 9), "indicium byte 1 (algorithm id): 9 is not a known algorithm");
        assertRejected(mutate(good, b -> Arrays.fill(b, 8, 12, (byte) 0)), "indicium byte 8 (meter id): must not be 0");
        assertRejected(mutate(good, b -> Arrays.fill(b, 12, 16, (byte) 0)), "indicium byte 12 (piece serial): must not be 0");
        assertRejected(mutate(good, b -> Arrays.fill(b, 28, 32, (byte) 0)), "indicium byte 28 (postage value): must not be 0");
        assertRejected(mutate(good, b -> { b[32] = 0x03; b[33] = (byte) 0xE7; }),
                "indicium byte 32 (currency): 999 is not an ISO 4217 numeric currency code");
        assertRejected(mutate(good, b -> { b[34] = 0; b[35] = 0; }), "indicium byte 34 (year of mailing): 0");
        assertRejected(mutate(good, b -> b[36] = 13), "indicium byte 36 (month of mailing): 13 is not a month");
        assertRejected(mutate(good, b -> { b[36] = 2; b[37] = 30; }), "indicium byte 37 (day of mailing): 30 is not a day of");
        assertRejected(mutate(good, b -> Arrays.fill(b, 38, 48, (byte) 0)), "indicium byte 38 (origin postal code): missing");
        assertRejected(mutate(good, b -> b[39] = (byte) 0x80), "indicium byte 39 (origin postal code): 0x80 is not a printable");
        assertRejected(mutate(good, b -> b[46] = 'X'), "indicium byte 46 (origin postal code): text after the NUL padding");
        assertRejected(mutate(good, b -> b[38] = 'a'), "indicium byte 38 (origin postal code): 'a4107' is not in normalized form");
        assertRejected(mutate(good, b -> { b[48] = '1'; b[49] = '2'; }), "indicium byte 48 (destination postal code): postalCode '12'");
        assertRejected(mutate(good, b -> { b[58] = 0; b[59] = 99; }), "indicium byte 58 (mail class): 99 is not a known mail class code");
        assertRejected(mutate(good, b -> b[62] = 0x02), "indicium byte 62 (flags): reserved bits are set (0x02)");
        assertRejected(mutate(good, b -> Arrays.fill(b, 16, 22, (byte) 0)),
                "indicium fields are inconsistent: ascendingRegister 0 is less than the postage value");
    }

    private static void assertRejected(byte[] bytes, String messageStart) {
        var e = assertThrows(IndiciumFormatException.class, () -> IndiciumCodec.decode(bytes));
        assertTrue(e.getMessage().startsWith(messageStart), "expected '" + messageStart + "...' but got: " + e.getMessage());
        assertEquals(org.openpostage.api.error.ErrorCode.MALFORMED_INDICIUM, e.code());
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButAFormatError() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] good = sample().encoded().toArray();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = i % 2 == 0 ? good.clone() : new byte[random.nextInt(200)];
            if (i % 2 == 0) {
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            } else {
                random.nextBytes(b);
            }
            try {
                IndiciumCodec.decode(b);
            } catch (IndiciumFormatException expected) {
                // the only failure allowed
            }
        }
    }

    // --- Signatures -----------------------------------------------------------------------------

    @Test
    void anyTamperedByteFailsTheSignatureCheck() {
        for (IndiciumSigner signer : List.of(ecSigner, edSigner)) {
            SignedIndicium signed = IndiciumCodec.sign(sample().data().toBuilder().algorithm(signer.algorithm())
                    .keyId(signer.keyId()).build(), signer);
            byte[] good = signed.encoded().toArray();
            int payloadChecked = 0;
            int signatureChecked = 0;
            for (int i = 0; i < good.length; i++) {
                if (i == 1 || (i >= 2 && i < 6)) {
                    continue; // algorithm and key id: changing them names another key, covered below
                }
                byte[] bad = good.clone();
                bad[i] ^= (byte) (i < IndiciumCodec.PAYLOAD_LENGTH ? 0x01 : 0x80);
                SignedIndicium tampered;
                try {
                    tampered = IndiciumCodec.decode(bad);
                } catch (IndiciumFormatException e) {
                    continue; // no longer well-formed: rejected even earlier
                }
                assertEquals(SignatureCheck.BAD_SIGNATURE, keySet.verify(tampered), "byte " + i + " of " + signer.algorithm());
                if (i < IndiciumCodec.PAYLOAD_LENGTH) {
                    payloadChecked++;
                } else {
                    signatureChecked++;
                }
            }
            assertEquals(IndiciumCodec.SIGNATURE_LENGTH, signatureChecked, "every signature byte");
            assertTrue(payloadChecked >= 30, "most payload bytes stay well-formed when flipped: " + payloadChecked);
        }
    }

    @Test
    void aNamedProviderGivesTheSameVerdicts() {
        java.security.Provider sunEc = java.security.Security.getProvider("SunEC");
        for (IndiciumSigner signer : List.of(ecSigner, edSigner)) {
            SignedIndicium signed = IndiciumCodec.sign(sample().data().toBuilder().algorithm(signer.algorithm())
                    .keyId(signer.keyId()).build(), signer);
            assertEquals(SignatureCheck.VALID, keySet.verify(signed, sunEc), signer.algorithm().name());
            assertEquals(SignatureCheck.VALID, keySet.verify(signed, sunEc), "again, from the key cache");
            byte[] bad = signed.encoded().toArray();
            bad[bad.length - 1] ^= 0x01;
            assertEquals(SignatureCheck.BAD_SIGNATURE, keySet.verify(IndiciumCodec.decode(bad), sunEc),
                    signer.algorithm().name());
        }
    }

    @Test
    void aValueChangedAtTheFieldLevelFailsToo() {
        SignedIndicium signed = sample();
        IndiciumData richer = signed.data().toBuilder().postage(Money.of(6900, "USD")).ascendingRegister(99_999).build();
        SignedIndicium forged = IndiciumCodec.assemble(richer, signed.signature().toArray());
        assertEquals(SignatureCheck.BAD_SIGNATURE, keySet.verify(IndiciumCodec.decode(forged.encoded())));
    }

    @Test
    void unknownKeysAndMismatchedAlgorithmsAreReported() {
        SignedIndicium signed = sample();
        IndiciumData otherKey = signed.data().toBuilder().keyId(99).build();
        assertEquals(SignatureCheck.UNKNOWN_KEY, keySet.verify(IndiciumCodec.assemble(otherKey, signed.signature().toArray())));
        IndiciumData claimsEd = signed.data().toBuilder().algorithm(SignatureAlgorithm.ED25519).build();
        assertEquals(SignatureCheck.BAD_SIGNATURE, keySet.verify(IndiciumCodec.assemble(claimsEd, signed.signature().toArray())));
    }

    @Test
    void retiredKeysStillVerifyAfterRotation() throws Exception {
        KeyPair next = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Instant rotation = Instant.parse("2026-11-01T00:00:00Z");
        VerificationKeySet rotated = new VerificationKeySet(List.of(
                VerificationKey.of(12, SignatureAlgorithm.ED25519, edKeys.getPublic(), Instant.EPOCH, rotation),
                VerificationKey.of(13, SignatureAlgorithm.ED25519, next.getPublic(), rotation, null)));
        IndiciumData old = sample().data().toBuilder().algorithm(SignatureAlgorithm.ED25519).keyId(12).build();
        IndiciumData fresh = old.toBuilder().keyId(13).build();
        assertEquals(SignatureCheck.VALID, rotated.verify(IndiciumCodec.sign(old, edSigner)));
        assertEquals(SignatureCheck.VALID, rotated.verify(IndiciumCodec.sign(fresh,
                IndiciumSigner.jca(SignatureAlgorithm.ED25519, 13, next.getPrivate(), null))));
        assertTrue(rotated.find(13).orElseThrow().active());
        assertTrue(!rotated.find(12).orElseThrow().active());
    }

    @Test
    void aRetiredKeyVerifiesOnlyUpToItsLastDateOfMailing() {
        Instant rotation = Instant.parse("2026-11-01T00:00:00Z");
        java.time.LocalDate last = java.time.LocalDate.parse("2026-11-09");
        VerificationKey key = keySet.find(12).orElseThrow().asRetired(rotation, last);
        VerificationKeySet limited = new VerificationKeySet(List.of(key));
        IndiciumData onLastDay = sample().data().toBuilder().algorithm(SignatureAlgorithm.ED25519).keyId(12)
                .dateOfMailing(last).build();
        assertEquals(SignatureCheck.VALID, limited.verify(IndiciumCodec.sign(onLastDay, edSigner)));
        SignedIndicium dayAfter = IndiciumCodec.sign(onLastDay.toBuilder().dateOfMailing(last.plusDays(1)).build(), edSigner);
        assertEquals(SignatureCheck.OUTSIDE_KEY_PERIOD, limited.verify(dayAfter));
        assertTrue(SignatureCheck.OUTSIDE_KEY_PERIOD.signatureMatches());
        SignedIndicium altered = IndiciumCodec.decode(flipLastByte(dayAfter.encoded()));
        assertEquals(SignatureCheck.BAD_SIGNATURE, limited.verify(altered), "a bad signature is reported as such first");
    }

    @Test
    void nothingARevokedKeySignedVerifiesOffline() {
        Instant rotation = Instant.parse("2026-11-01T00:00:00Z");
        VerificationKey revoked = keySet.find(11).orElseThrow().asRetired(rotation, null).asRevoked(rotation.plusSeconds(60));
        assertTrue(revoked.revoked());
        VerificationKeySet set = new VerificationKeySet(List.of(revoked));
        SignedIndicium signed = IndiciumCodec.sign(sample().data(), ecSigner);
        assertEquals(SignatureCheck.REVOKED_KEY, set.verify(signed));
        assertTrue(SignatureCheck.REVOKED_KEY.signatureMatches());
        assertEquals(SignatureCheck.BAD_SIGNATURE, set.verify(IndiciumCodec.decode(flipLastByte(signed.encoded()))));
        assertTrue(!SignatureCheck.BAD_SIGNATURE.signatureMatches() && !SignatureCheck.UNKNOWN_KEY.signatureMatches());
    }

    @Test
    void keyDatesMustAgree() {
        VerificationKey key = keySet.find(12).orElseThrow();
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        var stillSigns = assertThrows(org.openpostage.api.error.InvalidRequestException.class, () -> new VerificationKey(
                12, SignatureAlgorithm.ED25519, key.publicKey(), Instant.EPOCH, null, java.time.LocalDate.EPOCH, null));
        assertEquals("key 12 still signs, so it has no last date of mailing", stillSigns.getMessage());
        var notRetired = assertThrows(org.openpostage.api.error.InvalidRequestException.class, () -> key.asRevoked(t));
        assertEquals("key 12 is revoked but not retired", notRetired.getMessage());
        assertThrows(org.openpostage.api.error.InvalidRequestException.class, () -> key.asRetired(t, null).asRevoked(t.minusSeconds(1)));
        var early = assertThrows(org.openpostage.api.error.InvalidRequestException.class,
                () -> key.asRetired(t, java.time.LocalDate.parse("2026-10-31")));
        assertEquals("key 12 has a last date of mailing (2026-10-31) before the day it was retired", early.getMessage());
    }

    private static org.openpostage.api.value.Bytes flipLastByte(org.openpostage.api.value.Bytes encoded) {
        byte[] b = encoded.toArray();
        b[b.length - 1] ^= 1;
        return org.openpostage.api.value.Bytes.of(b);
    }

    @Test
    void aSignerMustMatchTheDataItSigns() {
        var e = assertThrows(org.openpostage.api.error.InvalidRequestException.class,
                () -> IndiciumCodec.sign(sample().data(), edSigner));
        assertTrue(e.getMessage().contains("the signer uses key 12"), e.getMessage());
    }

    @Test
    void keySetsRoundTripThroughTheirTextForm() {
        String text = keySet.toText();
        assertTrue(text.startsWith(VerificationKeySet.TEXT_HEADER));
        assertEquals(keySet, VerificationKeySet.parse(text));
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        VerificationKeySet withStates = new VerificationKeySet(List.of(
                keySet.find(11).orElseThrow().asRetired(t, java.time.LocalDate.parse("2026-11-09")).asRevoked(t),
                keySet.find(12).orElseThrow()));
        assertEquals(withStates, VerificationKeySet.parse(withStates.toText()));
        String v1 = "# openpostage verification keys v1\nkey 12 ED25519 1970-01-01T00:00:00Z 2026-11-01T00:00:00Z "
                + keySet.find(12).orElseThrow().publicKey().toBase64() + "\n";
        assertEquals(keySet.find(12).orElseThrow().asRetired(t, null), VerificationKeySet.parse(v1).keys().get(0),
                "version 1 lines still read");
        var e = assertThrows(org.openpostage.api.error.InvalidRequestException.class,
                () -> VerificationKeySet.parse("key 1 ED25519 2026-01-01T00:00:00Z - not-base64!"));
        assertTrue(e.getMessage().startsWith("key set line 1"), e.getMessage());
    }

    @Test
    void keysMustBeOfTheirAlgorithmAndUnique() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        var wrongCurve = p384.generateKeyPair().getPublic();
        var e = assertThrows(org.openpostage.api.error.InvalidRequestException.class,
                () -> VerificationKey.of(1, SignatureAlgorithm.ECDSA_P256_SHA256, wrongCurve, Instant.EPOCH, null));
        assertEquals("key 1 is not a P-256 key", e.getMessage());
        assertThrows(org.openpostage.api.error.InvalidRequestException.class,
                () -> VerificationKey.of(1, SignatureAlgorithm.ED25519, ecKeys.getPublic(), Instant.EPOCH, null));
        var key = keySet.keys().get(0);
        assertThrows(org.openpostage.api.error.InvalidRequestException.class, () -> new VerificationKeySet(List.of(key, key)));
    }

    @Test
    void signaturesAreFixedSize() {
        for (int i = 0; i < 200; i++) {
            assertEquals(64, ecSigner.sign(new byte[] {(byte) i}).length);
        }
        assertNotEquals(sample().signature(), IndiciumCodec.sign(sample().data(), ecSigner).signature(),
                "ECDSA signatures are randomized");
    }

    private static SignedIndicium sample() {
        IndiciumData data = IndiciumData.builder()
                .algorithm(SignatureAlgorithm.ECDSA_P256_SHA256).keyId(11).vendorId(1).meterId(100).pieceSerial(5)
                .ascendingRegister(345).descendingRegister(655).postage(Money.of(69, "USD"))
                .dateOfMailing(LocalDate.of(2026, 11, 25)).origin(PostalCode.of("94107"))
                .mailClass(MailClass.LETTER).softwareId(1).build();
        return IndiciumCodec.sign(data, ecSigner);
    }

    private static byte[] mutate(byte[] good, Consumer<byte[]> change) {
        byte[] b = good.clone();
        change.accept(b);
        return b;
    }

    @Test
    void bytesCompareByContent() {
        assertEquals(Bytes.of(new byte[] {1, 2}), Bytes.fromHex("0102"));
        assertEquals("AQI=", Bytes.fromHex("01 02").toBase64());
        assertThrows(org.openpostage.api.error.InvalidRequestException.class, () -> Bytes.fromHex("0"));
    }
}
