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
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.model.Reconciliation;

/**
 * The idempotency key of a card purchase always ends as its payment did, even when the node
 * driving the payment stops between the payment's state change and the key's: a retry with the
 * key gets the answer the request itself would have given, never {@code PAYMENT_PENDING} forever.
 */
class CompensationKeyTest {
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

    /** Fills the live meter almost to the registers' 48-bit capacity: a card's FUNDING cannot fit. */
    private void fillLiveMeter() {
        f.core.admin().fundMeter(f.liveMeter, Fixture.usd(IndiciumData.MAX_REGISTER - Fixture.FUNDS - 100), "fill");
    }

    @Test
    void aNodeThatStopsDuringTheCompensatingRefundLeavesTheKeyWithTheFinalAnswer() throws Exception {
        fillLiveMeter();
        gateway.block("refund");
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        Future<Purchase> dying = requests.submit(() -> f.core.purchase(request, f.live("comp")));
        gateway.awaitBlocked(); // the request hangs in the gateway refund, as a node that stopped there would
        assertEquals("COMPENSATING", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals("FAILED", Rows.text(f.db, "SELECT state FROM idempotency_keys WHERE idem_key = 'LIVE:comp'"),
                "the key was finished with the move to COMPENSATING");

        f.clock.advance(PAST_THE_LEASE);
        assertEquals(new Reconciliation(0, 1, 0, 0), f.core.reconcile(), "the reconciler repeats the refund");
        assertEquals("REFUNDED", Rows.text(f.db, "SELECT state FROM payments"));

        InvalidRequestException retry = assertThrows(InvalidRequestException.class,
                () -> f.core.purchase(request, f.live("comp")), "the retry gets the purchase's failure, not PAYMENT_PENDING");
        assertTrue(retry.getMessage().contains("48-bit") && retry.getMessage().contains("refund"), retry.getMessage());

        gateway.release();
        ExecutionException first = assertThrows(ExecutionException.class, () -> dying.get(20, TimeUnit.SECONDS));
        assertInstanceOf(InvalidRequestException.class, first.getCause());
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "no second charge");
        assertEquals(156, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"), "refunded once");
        f.assertBalanced();
    }

    @Test
    void aCompensatingPaymentWhoseKeyWasLeftOpenReleasesTheKeyForAFreshAttempt() {
        fillLiveMeter();
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        assertThrows(InvalidRequestException.class, () -> f.core.purchase(request, f.live("old")));
        // What a node that stopped right after the move to COMPENSATING left (before keys were finished with it).
        String paymentId = Rows.text(f.db, "SELECT payment_id FROM payments");
        Rows.update(f.db, "UPDATE payments SET state = 'COMPENSATING' WHERE payment_id = ?", paymentId);
        Rows.update(f.db, "UPDATE idempotency_keys SET state = 'IN_PROGRESS', error_code = NULL, error_message = NULL,"
                + " claim_token = 'dead-node', lease_until = created_at WHERE idem_key = 'LIVE:old'");
        f.clock.advance(Duration.ofSeconds(1));

        assertEquals(new Reconciliation(0, 1, 0, 0), f.core.reconcile());
        assertEquals("REFUNDED", Rows.text(f.db, "SELECT state FROM payments WHERE payment_id = ?", paymentId));
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'LIVE:old'"),
                "the key is released, as the request path releases it after a non-final failure");
        assertEquals(156, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions WHERE payment_id = ?", paymentId),
                "the refund is not paid twice");

        InvalidRequestException retry = assertThrows(InvalidRequestException.class,
                () -> f.core.purchase(request, f.live("old")), "the retry runs afresh (and fails the same way)");
        assertTrue(retry.getMessage().contains("48-bit"), retry.getMessage());
        assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM payments WHERE state = 'REFUNDED'"));
        f.assertBalanced();
    }

    @Test
    void aDeclinedPaymentWhoseKeyWasLeftOpenIsRepairedByTheReconciler() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.DECLINED));
        PaymentDeclinedException declined = assertThrows(PaymentDeclinedException.class,
                () -> f.core.purchase(request, f.live("declined")));
        // A node that stopped between moving the payment to DECLINED and failing the key.
        Rows.update(f.db, "UPDATE idempotency_keys SET state = 'IN_PROGRESS', error_code = NULL, error_message = NULL,"
                + " claim_token = 'dead-node', lease_until = created_at WHERE idem_key = 'LIVE:declined'");
        f.clock.advance(Duration.ofSeconds(1));

        assertEquals(Reconciliation.NONE, f.core.reconcile());
        assertEquals("FAILED", Rows.text(f.db, "SELECT state FROM idempotency_keys WHERE idem_key = 'LIVE:declined'"),
                "the reconciler found the open key and finished it, so the purge can remove it later");
        PaymentDeclinedException retry = assertThrows(PaymentDeclinedException.class,
                () -> f.core.purchase(request, f.live("declined")));
        assertEquals(declined.getMessage(), retry.getMessage(), "the same answer as the request gave");
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "the gateway saw it once");
    }

    @Test
    void aRetryAloneRepairsAKeyLeftOpenByADeclinedPayment() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.INSUFFICIENT_FUNDS));
        assertThrows(org.openpostage.api.error.InsufficientFundsException.class, () -> f.core.purchase(request, f.live("poor")));
        Rows.update(f.db, "UPDATE idempotency_keys SET state = 'PENDING', error_code = NULL, error_message = NULL"
                + " WHERE idem_key = 'LIVE:poor'");
        assertThrows(org.openpostage.api.error.InsufficientFundsException.class, () -> f.core.purchase(request, f.live("poor")));
        assertEquals("FAILED", Rows.text(f.db, "SELECT state FROM idempotency_keys WHERE idem_key = 'LIVE:poor'"));
    }
}
