package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;

/**
 * The limits of retired signing keys and the revocation of keys: what verifiers see offline (the
 * published key set) and what the postal server answers from its records.
 */
class SigningKeyRevocationTest {
    /** The fixture's clock date plus the default mailing.max-days-ahead (30) plus one day. */
    private static final LocalDate LIMIT = Fixture.TODAY.plusDays(31);

    @TempDir
    Path dir;
    Fixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void rotationPublishesTheRetiredKeysLastDateOfMailingAndOldIndiciaStayValid(TestDatabase.Kind kind) {
        f = Fixture.on(TestDatabase.of(kind, dir), dir);
        Purchase before = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("before"));

        VerificationKey active = f.core.admin().rotateSigningKey(SignatureAlgorithm.ECDSA_P256_SHA256);
        assertEquals(2, active.keyId());
        assertTrue(active.active());
        assertNull(active.lastDateOfMailing());

        VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
        VerificationKey retired = keys.find(1).orElseThrow();
        assertEquals(Fixture.START, retired.retiredAt());
        assertEquals(LIMIT, retired.lastDateOfMailing(), "retirement date (UTC) + 30 days ahead + 1 day");
        assertFalse(retired.revoked());
        assertEquals(active, keys.find(2).orElseThrow());
        assertEquals(keys, VerificationKeySet.parse(keys.toText()), "the limit survives the text form");

        assertEquals(SignatureCheck.VALID, before.indicia().get(0).decode().verify(keys));
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(before.indicia().get(0).data()), f.scan("s")).verdict());
        Purchase after = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("after"));
        assertEquals(2, after.indicia().get(0).decode().data().keyId());
        assertEquals(SignatureCheck.VALID, after.indicia().get(0).decode().verify(keys));
    }

    @Test
    void theLatestDateAPurchaseAcceptsInAZoneAheadOfUtcIsWithinTheLimit() {
        // 10:00 UTC is already midnight of the next day in Kiritimati (UTC+14), the zone farthest ahead.
        f = Fixture.h2(dir, b -> b.zone(ZoneId.of("Pacific/Kiritimati")).maxDaysAhead(5));
        LocalDate latest = Fixture.TODAY.plusDays(1 + 5);
        Purchase p = f.core.purchase(order(f, latest), f.live("latest"));
        assertThrows(InvalidRequestException.class, () -> f.core.purchase(order(f, latest.plusDays(1)), f.live("later")),
                "one day later is refused: the piece above is the latest any purchase could carry");

        f.core.admin().rotateSigningKey(SignatureAlgorithm.ECDSA_P256_SHA256);
        VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
        assertEquals(latest, keys.find(1).orElseThrow().lastDateOfMailing(), "UTC date + 5 days ahead + 1 day");
        assertEquals(SignatureCheck.VALID, p.indicia().get(0).decode().verify(keys));
    }

    @Test
    void aForgeryUnderARetiredKeyDatedAfterItsLimitIsOutsideTheKeyPeriodAndNotIssued() throws Exception {
        f = Fixture.h2(dir);
        Purchase genuine = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        f.core.admin().rotateSigningKey(SignatureAlgorithm.ECDSA_P256_SHA256);

        // The retired key leaks after the rotation; whoever holds it signs pieces of their own.
        PrivateKey leaked = privateKey(1);
        IndiciumData genuineData = genuine.indicia().get(0).decode().data();
        SignedIndicium late = sign(genuineData.toBuilder().pieceSerial(500).dateOfMailing(LIMIT.plusDays(1)).build(), leaked);
        SignedIndicium inTime = sign(genuineData.toBuilder().pieceSerial(501).dateOfMailing(LIMIT).build(), leaked);

        VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
        assertEquals(SignatureCheck.OUTSIDE_KEY_PERIOD, late.verify(keys));
        assertTrue(late.verify(keys).signatureMatches());
        assertEquals(SignatureCheck.VALID, inTime.verify(keys), "within the limit only the server can tell");

        VerificationResult r = f.core.verify(new VerifyRequest(late.encoded()), f.scan("late"));
        assertEquals(Verdict.NOT_ISSUED, r.verdict(), r.detail());
        assertTrue(r.signatureValid());
        assertTrue(r.detail().contains("retired key 1") && r.detail().contains(LIMIT.toString()), r.detail());
        assertEquals(Verdict.NOT_ISSUED, f.core.verify(new VerifyRequest(inTime.encoded()), f.scan("in-time")).verdict());
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(genuine.indicia().get(0).data()), f.scan("g")).verdict());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void revokingTheActiveKeyRotatesAndEveryNodeSignsWithTheNewKeyAtOnce(TestDatabase.Kind kind) throws Exception {
        f = Fixture.on(TestDatabase.of(kind, dir), dir);
        PostalCore node2 = f.secondNode();
        Purchase scanned = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("scanned"));
        Purchase kept = node2.purchase(f.purchase(2, PaymentMethod.account()), f.live("kept"));
        // Node 2 has a signer for key 1 and the key set cached before the revocation.
        assertEquals(1, kept.indicia().get(0).decode().data().keyId());
        assertFalse(node2.verificationKeys(f.live("keys-before")).find(1).orElseThrow().revoked());
        assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(scanned.indicia().get(0).data()), f.scan("s1")).verdict());
        f.core.refund(new RefundRequest(kept.indicia().get(1).indiciumId()), f.live("refund"));

        VerificationKey revoked = f.core.admin().revokeSigningKey(1);
        assertEquals(1, revoked.keyId());
        assertTrue(revoked.revoked());
        assertEquals(Fixture.START, revoked.retiredAt());
        assertEquals(Fixture.START, revoked.revokedAt());
        assertEquals(LIMIT, revoked.lastDateOfMailing());

        Purchase next = node2.purchase(f.purchase(1, PaymentMethod.account()), f.live("next"));
        assertEquals(2, next.indicia().get(0).decode().data().keyId(), "node 2 signs with the new key at once");
        VerificationKeySet keys = node2.verificationKeys(f.live("keys-after"));
        assertEquals(revoked, keys.find(1).orElseThrow(), "node 2 publishes the revocation at once");
        VerificationKey replacement = keys.find(2).orElseThrow();
        assertTrue(replacement.active());
        assertEquals(SignatureAlgorithm.ECDSA_P256_SHA256, replacement.algorithm());
        assertEquals(1, liveKeys(keys).stream().filter(VerificationKey::active).count(), "exactly one active live key");
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM signing_keys WHERE retired_at IS NULL AND key_id < ?",
                VerificationKey.FIRST_TEST_KEY_ID));
        assertEquals(keys, VerificationKeySet.parse(keys.toText()));

        // Offline, nothing key 1 signed is trusted any more; the new key's indicia are.
        assertEquals(SignatureCheck.REVOKED_KEY, scanned.indicia().get(0).decode().verify(keys));
        assertEquals(SignatureCheck.REVOKED_KEY, kept.indicia().get(0).decode().verify(keys));
        assertEquals(SignatureCheck.VALID, next.indicia().get(0).decode().verify(keys));

        // The server still knows its own pieces, on either node.
        VerificationResult valid = node2.verify(new VerifyRequest(kept.indicia().get(0).data()), f.scan("s2"));
        assertEquals(Verdict.VALID, valid.verdict(), valid.detail());
        assertTrue(valid.signatureValid());
        assertTrue(valid.detail().contains("(signed with revoked key 1)"), valid.detail());
        assertEquals(Verdict.DUPLICATE, f.core.verify(new VerifyRequest(scanned.indicia().get(0).data()), f.scan("s3"))
                .verdict());
        assertEquals(Verdict.REFUNDED, f.core.verify(new VerifyRequest(kept.indicia().get(1).data()), f.scan("s4"))
                .verdict());
        VerificationResult fresh = node2.verify(new VerifyRequest(next.indicia().get(0).data()), f.scan("s5"));
        assertEquals(Verdict.VALID, fresh.verdict());
        assertFalse(fresh.detail().contains("revoked"), fresh.detail());

        // A piece minted with the leaked key: good signature, no record.
        SignedIndicium minted = sign(kept.indicia().get(0).decode().data().toBuilder().pieceSerial(999).build(),
                privateKey(1));
        assertEquals(SignatureCheck.REVOKED_KEY, minted.verify(keys));
        VerificationResult forged = f.core.verify(new VerifyRequest(minted.encoded()), f.scan("s6"));
        assertEquals(Verdict.NOT_ISSUED, forged.verdict());
        assertTrue(forged.signatureValid());
        assertTrue(forged.detail().contains("(signed with revoked key 1)"), forged.detail());
        f.assertBalanced();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPurchaseAlreadySigningWhenTheKeyIsRevokedIsGenuineAndTheNextOneUsesTheNewKey(TestDatabase.Kind kind)
            throws Exception {
        f = Fixture.on(TestDatabase.of(kind, dir), dir);
        PurchaseRequest order = f.purchase(1, PaymentMethod.account());
        ExecutorService buyer = Executors.newSingleThreadExecutor();
        try (Connection c = f.db.connect()) {
            // Hold the meter's lock: the purchase reads the active key (1), then waits for the lock.
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT meter_id FROM meters WHERE meter_id = ? FOR UPDATE")) {
                ps.setLong(1, f.liveMeter);
                ps.executeQuery().close();
            }
            Future<Purchase> purchase = buyer.submit(() -> f.core.purchase(order, f.live("in-flight")));
            awaitWaitingForALock(f.db);

            VerificationKey revoked = f.core.admin().revokeSigningKey(1);
            assertTrue(revoked.revoked(), "revoked while the purchase waits, without waiting for it");
            c.commit();
            Purchase p = purchase.get(30, TimeUnit.SECONDS);
            IndiciumData d = p.indicia().get(0).decode().data();
            assertEquals(1, d.keyId(), "the purchase had read key 1 before the revocation committed");
            assertTrue(revoked.covers(d.dateOfMailing()), "its date is within the key's last date of mailing");
            VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
            assertEquals(SignatureCheck.REVOKED_KEY, p.indicia().get(0).decode().verify(keys),
                    "offline, judged like every piece the key signed");
            assertEquals(Verdict.VALID, f.core.verify(new VerifyRequest(p.indicia().get(0).data()),
                    f.scan("scan")).verdict(), "the server issued and recorded it: genuine");
            Purchase next = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("next"));
            assertEquals(2, next.indicia().get(0).decode().data().keyId(), "no purchase starts with a revoked key");
            assertEquals(2, f.meter(f.liveMeter).piecesIssued());
        } finally {
            buyer.shutdownNow();
        }
        f.assertBalanced();
    }

    @Test
    void revokingARetiredKeyKeepsTheActiveKey() {
        f = Fixture.h2(dir);
        Purchase old = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("old"));
        f.core.admin().rotateSigningKey(SignatureAlgorithm.ED25519);
        f.clock.advance(Duration.ofDays(2));

        VerificationKey revoked = f.core.admin().revokeSigningKey(1);
        assertEquals(Fixture.START, revoked.retiredAt());
        assertEquals(LIMIT, revoked.lastDateOfMailing(), "the limit set at the rotation stays");
        assertEquals(Fixture.START.plus(Duration.ofDays(2)), revoked.revokedAt());

        VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
        assertEquals(2, liveKeys(keys).size(), "no new key");
        assertTrue(keys.find(2).orElseThrow().active());
        assertEquals(SignatureCheck.REVOKED_KEY, old.indicia().get(0).decode().verify(keys));
        Purchase next = f.core.purchase(order(f, Fixture.TODAY.plusDays(2)), f.live("next"));
        assertEquals(SignatureAlgorithm.ED25519, next.indicia().get(0).decode().data().algorithm());
        assertEquals(2, next.indicia().get(0).decode().data().keyId());
    }

    @Test
    void revokingAKeyTwiceChangesNothingTheSecondTime() {
        f = Fixture.h2(dir);
        VerificationKey first = f.core.admin().revokeSigningKey(1);
        long version = Rows.count(f.db, "SELECT key_set_version FROM installation");
        VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
        f.clock.advance(Duration.ofHours(1));

        VerificationKey second = f.core.admin().revokeSigningKey(1);
        assertEquals(first, second, "the same revocation, unchanged");
        assertEquals(version, Rows.count(f.db, "SELECT key_set_version FROM installation"));
        assertEquals(keys, f.core.verificationKeys(f.live("keys-2")), "no second rotation");
        assertEquals(2, liveKeys(keys).size());
    }

    @Test
    void revokingAnUnknownKeyIsNotFound() {
        f = Fixture.h2(dir);
        NotFoundException e = assertThrows(NotFoundException.class, () -> f.core.admin().revokeSigningKey(7));
        assertTrue(e.getMessage().contains("signing key 7"), e.getMessage());
        VerificationKeySet keys = f.core.verificationKeys(f.live("keys"));
        assertEquals(1, liveKeys(keys).size());
        assertTrue(keys.find(1).orElseThrow().active(), "nothing was rotated");
    }

    /** The live keys of {@code keys} (the server also publishes its test keys). */
    static List<VerificationKey> liveKeys(VerificationKeySet keys) {
        return keys.keys().stream().filter(k -> k.mode() == org.openpostage.api.value.Mode.LIVE).toList();
    }

    private static PurchaseRequest order(Fixture f, LocalDate dateOfMailing) {
        PurchaseItem item = PurchaseItem.of(f.core.quote(new QuoteRequest(Fixture.letter20(), dateOfMailing), f.test("q")));
        return new PurchaseRequest(List.of(item), PaymentMethod.account(), PrintOptions.dataOnly(), null);
    }

    /** Key {@code keyId}'s private half, from the keystore copy the server writes for backups. */
    private PrivateKey privateKey(long keyId) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("signing-keys.p12"))) {
            ks.load(in, Fixture.KEYSTORE_PASSWORD.toCharArray());
        }
        return (PrivateKey) ks.getKey("key-" + keyId, Fixture.KEYSTORE_PASSWORD.toCharArray());
    }

    private static SignedIndicium sign(IndiciumData data, PrivateKey key) {
        return IndiciumCodec.sign(data, IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, data.keyId(), key, null));
    }

    /** Waits until some session of the test database waits for a row lock. */
    private static void awaitWaitingForALock(TestDatabase db) throws Exception {
        String sql = db.kind == TestDatabase.Kind.H2
                ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM meters%'";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the purchase never waited for the meter's lock");
    }
}
