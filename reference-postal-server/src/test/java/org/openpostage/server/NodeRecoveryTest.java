package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.internal.flow.RequestForm;

/**
 * Recovery in seconds, not a lease: a request left in progress by a node that stopped (killed,
 * its heartbeat gone) is taken over by the next retry within seconds instead of after
 * {@code request.lease} (60 s); so is a claim the node that holds it abandoned because its database
 * did not answer. While the claimant still runs, a retry gets a retryable
 * {@code REQUEST_IN_PROGRESS} saying when to come back. And keys abandoned in progress are purged
 * like finished ones. The dead node's state is written in SQL, as a node killed with
 * {@code kill -9} leaves it (the failover test in the cluster kills real processes).
 */
class NodeRecoveryTest {
    /** Well within the 60 s lease: before, a retry waited 5 s and was refused REQUEST_IN_PROGRESS. */
    private static final Duration LEASE_LEFT = Duration.ofSeconds(55);

    @TempDir
    Path dir;
    Fixture f;
    ScheduledExecutorService otherNode;

    @AfterEach
    void close() {
        if (otherNode != null) {
            otherNode.shutdownNow();
        }
        if (f != null) {
            f.close();
        }
    }

    /** A node that beat last {@code secondsAgo} seconds ago (by the database's clock). */
    private void node(String nodeId, int secondsAgo) {
        Rows.update(f.db, "INSERT INTO nodes (node_id, host, started_at, heartbeat_at) VALUES (?, 'elsewhere',"
                + " CURRENT_TIMESTAMP - INTERVAL '60' SECOND, CURRENT_TIMESTAMP - INTERVAL '" + secondsAgo + "' SECOND)",
                nodeId);
    }

    /** What a request of node {@code nodeId} leaves in the key while it runs (or when it died). */
    private void claimedBy(String nodeId, String key, PurchaseRequest request) {
        Instant now = f.clock.instant();
        Rows.update(f.db, "INSERT INTO idempotency_keys (partner_id, idem_key, operation, fingerprint, state,"
                        + " claim_token, claim_node, lease_until, created_at, expires_at)"
                        + " VALUES (?, ?, 'PURCHASE', ?, 'IN_PROGRESS', 'token-of-" + nodeId + "', ?, ?, ?, ?)",
                Fixture.PARTNER, "TEST:" + key, RequestForm.fingerprint(RequestForm.of(request)), nodeId,
                java.sql.Timestamp.from(now.plus(LEASE_LEFT)), java.sql.Timestamp.from(now),
                java.sql.Timestamp.from(now.plus(Duration.ofHours(24))));
    }

    private Purchase timedPurchase(PurchaseRequest request, String key, Duration limit) {
        long start = System.nanoTime();
        Purchase p = f.core.purchase(request, f.test(key));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(limit) < 0, "taken over after " + took.toMillis() + " ms");
        return p;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRequestOfANodeThatStoppedHeartbeatingIsTakenOverWithinSeconds(TestDatabase.Kind kind) {
        f = Fixture.on(TestDatabase.of(kind, dir), dir);
        PurchaseRequest request = f.purchase(1, PaymentMethod.account());
        node("node-killed", 10);
        claimedBy("node-killed", "crashed", request);

        Purchase p = timedPurchase(request, "crashed", Duration.ofSeconds(5));
        assertEquals(1, p.indicia().size());
        assertEquals("COMPLETED", Rows.text(f.db, "SELECT state FROM idempotency_keys WHERE idem_key = 'TEST:crashed'"));
        assertEquals(p.purchaseId(), f.core.purchase(request, f.test("crashed")).purchaseId(), "replayed");
        assertEquals(1, f.meter(f.testMeter).piecesIssued());
        f.assertBalanced();
    }

    @Test
    void aRetryWhileTheClaimantStillRunsIsToldToComeBackShortly() {
        f = Fixture.h2(dir);
        PurchaseRequest request = f.purchase(1, PaymentMethod.account());
        node("node-busy", 0);
        otherNode = Executors.newSingleThreadScheduledExecutor();
        otherNode.scheduleAtFixedRate(() -> Rows.update(f.db, "UPDATE nodes SET heartbeat_at = CURRENT_TIMESTAMP"
                + " WHERE node_id = 'node-busy'"), 0, 200, TimeUnit.MILLISECONDS);
        claimedBy("node-busy", "busy", request);

        IdempotencyConflictException e = assertThrows(IdempotencyConflictException.class,
                () -> f.core.purchase(request, f.test("busy")));
        assertEquals(ErrorCode.REQUEST_IN_PROGRESS, e.code());
        assertTrue(e.retryable());
        assertNotNull(e.retryAfter(), "the answer says when to retry");
        assertEquals(Duration.ofSeconds(1), e.retryAfter());
        assertEquals(0, f.meter(f.testMeter).piecesIssued(), "a running request is never run twice");
    }

    @Test
    void aClaimItsOwnNodeAbandonedWhenTheDatabaseFailedIsFreedByTheNextHeartbeat() {
        f = Fixture.h2(dir);
        PurchaseRequest request = f.purchase(1, PaymentMethod.account());
        // This very node's request could not release its key (the database did not answer), then returned.
        String self = Rows.text(f.db, "SELECT node_id FROM nodes");
        claimedBy(self, "orphan", request);

        Purchase p = timedPurchase(request, "orphan", Duration.ofSeconds(4));
        assertEquals(1, p.indicia().size());
        f.assertBalanced();
    }

    @Test
    void aCardPaymentLeftByAKilledNodeIsIssuedByTheRetryWithinSeconds() {
        f = Fixture.h2(dir);
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        // Captured, then the node died before its issuing transaction: its claims on the payment and the key stand.
        Rows.update(f.db, "CREATE TRIGGER blip BEFORE INSERT ON purchases FOR EACH ROW CALL \""
                + DatabaseBlipTest.FailoverTrigger.class.getName() + "\"");
        assertThrows(org.openpostage.api.error.ServiceUnavailableException.class, () -> f.core.purchase(request, f.test("card")));
        Rows.update(f.db, "DROP TRIGGER blip");
        node("node-killed", 10);
        Instant leaseLeft = f.clock.instant().plus(LEASE_LEFT);
        Rows.update(f.db, "UPDATE payments SET claim_owner = 'node-killed:x', claim_node = 'node-killed',"
                + " claim_until = ?", java.sql.Timestamp.from(leaseLeft));
        Rows.update(f.db, "UPDATE idempotency_keys SET state = 'IN_PROGRESS', claim_token = 'dead',"
                + " claim_node = 'node-killed', lease_until = ? WHERE idem_key = 'TEST:card'",
                java.sql.Timestamp.from(leaseLeft));

        Purchase p = timedPurchase(request, "card", Duration.ofSeconds(5));
        assertEquals(2, p.indicia().size());
        assertEquals("ISSUED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM sim_gateway_transactions"), "charged once");
        assertEquals(0, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"));
        f.assertBalanced();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void keysOfAccountPurchasesAbandonedInProgressArePurgedLikeTheOthers(TestDatabase.Kind kind) {
        f = Fixture.on(TestDatabase.of(kind, dir), dir);
        PurchaseRequest request = f.purchase(1, PaymentMethod.account());
        f.core.purchase(request, f.test("finished"));
        node("node-killed", 10);
        claimedBy("node-killed", "abandoned", request);

        f.clock.advance(Duration.ofHours(24).plusMinutes(1));
        assertEquals(2, f.core.purgeExpiredIdempotencyKeys(), "the finished key and the abandoned one");
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM idempotency_keys"));
    }
}
