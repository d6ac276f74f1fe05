package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.model.Reconciliation;

/**
 * A card purchase whose request outlives its claim on the payment (here: a gateway call that
 * hangs past the request lease) is taken over by the reconciler. The request must then stop and
 * answer from what the reconciler stored: never refund what was issued, never capture what was
 * given up.
 */
class PaymentTakeoverTest {
    private static final Duration PAST_THE_LEASE = Duration.ofSeconds(61);

    @TempDir
    Path dir;
    Fixture f;
    ControlledGateway gateway;
    final ExecutorService requests = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() {
        f = Fixture.h2WithLiveGateway(dir, (db, clock) -> gateway = ControlledGateway.simulated(db, clock));
    }

    @AfterEach
    void close() {
        requests.shutdownNow();
        f.close();
    }

    @Test
    void aRequestOvertakenDuringItsCaptureReturnsThePurchaseTheReconcilerIssuedAndRefundsNothing() throws Exception {
        gateway.block("capture");
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        Future<Purchase> slow = requests.submit(() -> f.core.purchase(request, f.live("slow")));
        gateway.awaitBlocked();

        f.clock.advance(PAST_THE_LEASE);
        assertEquals(new Reconciliation(1, 0, 0, 0), f.core.reconcile(), "the reconciler issues the purchase");
        gateway.release();

        Purchase p = slow.get(20, TimeUnit.SECONDS);
        assertEquals(Rows.text(f.db, "SELECT purchase_id FROM payments"), p.purchaseId(), "the reconciler's purchase");
        assertEquals(2, p.indicia().size());
        assertEquals("ISSUED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals(0, gateway.refunds.get(), "no refund was even asked for");
        assertEquals(156, Rows.count(f.db, "SELECT captured FROM sim_gateway_transactions"));
        assertEquals(0, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"));
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM journal WHERE kind = 'FUNDING' AND payment_id IS NOT NULL"));
        assertEquals(2, f.meter(f.liveMeter).piecesIssued());
        assertEquals(p, f.core.purchase(request, f.live("slow")), "a retry replays it");
        f.assertBalanced();
    }

    @Test
    void aLateAuthorizationOfAPaymentTheReconcilerGaveUpIsVoidedAndNeverCaptured() throws Exception {
        gateway.block("authorize");
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        Future<Purchase> slow = requests.submit(() -> f.core.purchase(request, f.live("late")));
        gateway.awaitBlocked();

        f.clock.advance(PAST_THE_LEASE);
        assertEquals(new Reconciliation(0, 1, 0, 0), f.core.reconcile(),
                "the gateway has never heard of the payment: the reconciler gives it up and frees the key");
        gateway.release(); // now the authorization reaches the gateway, and is approved

        ExecutionException e = assertThrows(ExecutionException.class, () -> slow.get(20, TimeUnit.SECONDS));
        assertInstanceOf(ServiceUnavailableException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("nothing was charged"), e.getCause().getMessage());
        assertEquals("FAILED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals("VOIDED", Rows.text(f.db, "SELECT state FROM sim_gateway_transactions"));
        assertEquals(0, Rows.count(f.db, "SELECT captured FROM sim_gateway_transactions"), "never captured");
        assertEquals(0, gateway.refunds.get());
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM indicia"));

        Purchase p = f.core.purchase(request, f.live("late"));
        assertEquals(1, p.indicia().size(), "the client's retry with the same key buys once");
        assertEquals(78, Rows.count(f.db, "SELECT SUM(captured) FROM sim_gateway_transactions"));
        f.assertBalanced();
    }
}
