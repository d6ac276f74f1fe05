package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.server.model.FailedCardRefund;
import org.openpostage.server.model.Reconciliation;

class RefundTest {
    @TempDir
    Path dir;
    Fixture f;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anUnusedIndiciumIsRefundedExactlyOnce() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.live("buy"));
        String id = p.indicia().get(0).indiciumId();

        Refund refund = f.core.refund(new RefundRequest(id), f.live("refund-1"));
        assertEquals(78, refund.amount().minorUnits());
        assertEquals(PaymentKind.ACCOUNT, refund.creditedTo());
        MeterStatement m = f.meter(f.liveMeter);
        assertEquals(156, m.ascending().minorUnits(), "the ascending register never goes down");
        assertEquals(Fixture.FUNDS - 156 + 78, m.descending().minorUnits(), "the meter is credited");
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM journal WHERE kind = 'REFUND' AND indicium_id = ?", id));

        assertEquals(refund, f.core.refund(new RefundRequest(id), f.live("refund-1")), "same key replays");
        RefundNotAllowedException twice = assertThrows(RefundNotAllowedException.class,
                () -> f.core.refund(new RefundRequest(id), f.live("refund-2")));
        assertTrue(twice.getMessage().contains("already refunded"), twice.getMessage());
        assertEquals(Fixture.FUNDS - 156 + 78, f.meter(f.liveMeter).descending().minorUnits(), "credited once");

        assertEquals(Verdict.REFUNDED, f.core.verify(new VerifyRequest(p.indicia().get(0).data()), f.live("v")).verdict());
        f.assertBalanced();
    }

    @Test
    void aRefundPastTheWindowIsRejected() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("buy"));
        f.clock.advance(Duration.ofDays(30).plusSeconds(1));
        RefundNotAllowedException e = assertThrows(RefundNotAllowedException.class,
                () -> f.core.refund(new RefundRequest(p.indicia().get(0).indiciumId()), f.test("late")));
        assertTrue(e.getMessage().contains("refund window"), e.getMessage());
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM refunds"));
    }

    @Test
    void theWindowIsConfigurable() {
        f = Fixture.h2(dir, b -> b.refundWindow(Duration.ofDays(2)));
        Purchase p = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("buy"));
        f.clock.advance(Duration.ofDays(1));
        f.core.refund(new RefundRequest(p.indicia().get(0).indiciumId()), f.test("in-time"));
        f.clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThrows(RefundNotAllowedException.class,
                () -> f.core.refund(new RefundRequest(p.indicia().get(1).indiciumId()), f.test("too-late")));
    }

    @Test
    void aCardPaidIndiciumIsRefundedToTheCard() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.test("buy"));
        Refund r = f.core.refund(new RefundRequest(p.indicia().get(1).indiciumId()), f.test("refund"));
        assertEquals(PaymentKind.CARD, r.creditedTo());
        assertEquals(78, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"));
        assertEquals("DONE", Rows.text(f.db, "SELECT gateway_state FROM refunds"));
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM journal WHERE kind = 'REVERSAL'"));
        assertEquals(Fixture.FUNDS, f.meter(f.testMeter).descending().minorUnits(), "the money went back to the card");
        f.assertBalanced();
    }

    @Test
    void onlyTheOwnerInTheSameModeCanRefund() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("buy"));
        String id = p.indicia().get(0).indiciumId();
        assertThrows(PermissionDeniedException.class, () -> f.core.refund(new RefundRequest(id), f.live("x")));
        assertThrows(NotFoundException.class, () -> f.core.refund(new RefundRequest("ind_nosuchindicium"), f.test("y")));
        // Neither failure used up its key.
        assertEquals(78, f.core.refund(new RefundRequest(id), f.test("y")).amount().minorUnits());
    }

    @Test
    void postageScannedInTheMailStreamCannotBeRefunded() {
        f = Fixture.h2(dir);
        Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("buy"));
        f.core.verify(new VerifyRequest(p.indicia().get(0).data()), f.scan("scan"));
        RefundNotAllowedException e = assertThrows(RefundNotAllowedException.class,
                () -> f.core.refund(new RefundRequest(p.indicia().get(0).indiciumId()), f.live("refund")));
        assertTrue(e.getMessage().contains("scanned"), e.getMessage());
    }

    @Test
    void aCardRefundTheGatewayRefusesIsListedForTheOperatorAndCanBeRetried() {
        ControlledGateway[] gateway = new ControlledGateway[1];
        f = Fixture.h2WithLiveGateway(dir, (db, clock) -> gateway[0] = ControlledGateway.simulated(db, clock));
        Purchase p = f.core.purchase(f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.live("buy"));
        gateway[0].refuseRefunds = true;
        Refund refund = f.core.refund(new RefundRequest(p.indicia().get(0).indiciumId()), f.live("refund"));
        assertEquals(PaymentKind.CARD, refund.creditedTo());

        List<FailedCardRefund> failed = f.core.admin().failedCardRefunds();
        assertEquals(1, failed.size());
        FailedCardRefund owed = failed.get(0);
        assertEquals(refund.refundId(), owed.refundId());
        assertEquals(78, owed.amount().minorUnits());
        assertEquals(Fixture.PARTNER, owed.partnerId());
        assertEquals(Rows.text(f.db, "SELECT payment_id FROM payments"), owed.paymentId());
        assertEquals(0, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"), "the card is still owed");
        assertEquals(Reconciliation.NONE, f.core.reconcile(), "the reconciler leaves refused refunds alone");

        gateway[0].refuseRefunds = false;
        f.core.admin().retryCardRefund(refund.refundId());
        assertEquals(1, f.core.reconcile().refundsSettled());
        assertEquals(78, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"));
        assertTrue(f.core.admin().failedCardRefunds().isEmpty());
        assertThrows(NotFoundException.class, () -> f.core.admin().retryCardRefund(refund.refundId()));
        f.assertBalanced();
    }

    @Test
    void aCardPayoutThatCannotBeMadeAtOnceNeitherFailsTheRefundNorBlocksOtherPayouts() {
        ControlledGateway[] gateway = new ControlledGateway[1];
        f = Fixture.h2WithLiveGateway(dir, (db, clock) -> gateway[0] = ControlledGateway.simulated(db, clock));
        Purchase a = f.core.purchase(f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.live("buy-a"));
        Purchase b = f.core.purchase(f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.live("buy-b"));
        gateway[0].unansweredRefunds = reference -> true;

        Refund ra = f.core.refund(new RefundRequest(a.indicia().get(0).indiciumId()), f.live("refund-a"));
        f.clock.advance(Duration.ofSeconds(1));
        Refund rb = f.core.refund(new RefundRequest(b.indicia().get(0).indiciumId()), f.live("refund-b"));
        assertEquals(PaymentKind.CARD, ra.creditedTo(), "the refund succeeded although the payout is not made yet");
        assertEquals(PaymentKind.CARD, rb.creditedTo());
        assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM refunds WHERE gateway_state = 'PENDING'"));
        assertEquals(2, gateway[0].refunds.get());

        assertEquals(0, f.core.reconcile().refundsSettled(), "an unanswered payout keeps its claim for a lease");
        assertEquals(2, gateway[0].refunds.get(), "so the gateway is not asked again at once");

        String referenceA = Rows.text(f.db, "SELECT gateway_reference FROM refunds WHERE refund_id = ?", ra.refundId());
        gateway[0].unansweredRefunds = referenceA::equals;
        f.clock.advance(Duration.ofSeconds(61));
        assertEquals(1, f.core.reconcile().refundsSettled(), "the failing payout does not block the next one");
        assertEquals("PENDING", Rows.text(f.db, "SELECT gateway_state FROM refunds WHERE refund_id = ?", ra.refundId()));
        assertEquals("DONE", Rows.text(f.db, "SELECT gateway_state FROM refunds WHERE refund_id = ?", rb.refundId()));
        assertEquals(78, Rows.count(f.db, "SELECT SUM(refunded) FROM sim_gateway_transactions"));

        gateway[0].unansweredRefunds = reference -> false;
        f.clock.advance(Duration.ofSeconds(61));
        assertEquals(1, f.core.reconcile().refundsSettled());
        assertEquals(156, Rows.count(f.db, "SELECT SUM(refunded) FROM sim_gateway_transactions"));
        assertEquals(ra, f.core.refund(new RefundRequest(a.indicia().get(0).indiciumId()), f.live("refund-a")),
                "same key replays");
        f.assertBalanced();
    }
}
