package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.model.Reconciliation;

class CardPaymentTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void open() {
        f = Fixture.h2(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anApprovedCardFundsTheMeterAndIsDebitedInTheSamePurchase() {
        Purchase p = f.core.purchase(f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.test("card-1"));

        assertEquals(PaymentKind.CARD, p.payment().kind());
        assertEquals(CardBrand.VISA, p.payment().cardBrand());
        assertEquals("4242", p.payment().cardLast4());
        assertEquals(156, p.total().minorUnits());
        MeterStatement m = f.meter(f.testMeter);
        assertEquals(156, m.ascending().minorUnits());
        assertEquals(Fixture.FUNDS, m.descending().minorUnits(), "the card funded exactly what was debited");
        assertEquals(Fixture.FUNDS + 156, m.controlTotal().minorUnits());
        assertEquals(156, Rows.count(f.db, "SELECT amount FROM journal WHERE kind = 'FUNDING' AND payment_id IS NOT NULL"));
        assertEquals("ISSUED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals("CAPTURED", Rows.text(f.db, "SELECT state FROM sim_gateway_transactions"));
        IndiciumData last = p.indicia().get(1).decode().data();
        assertEquals(156, last.ascendingRegister());
        assertEquals(Fixture.FUNDS, last.descendingRegister());
        f.assertBalanced();
    }

    @Test
    void aDeclinedCardIssuesNothing() {
        PaymentDeclinedException e = assertThrows(PaymentDeclinedException.class, () -> f.core.purchase(
                f.purchase(1, Fixture.card(SimulatedCardGateway.DECLINED)), f.test("card-2")));
        assertTrue(e.getMessage().contains("VISA ending 0002"), e.getMessage());
        assertNothingIssued();
        assertEquals("DECLINED", Rows.text(f.db, "SELECT state FROM payments"));
    }

    @Test
    void aCardWithoutFundsIsReportedAsInsufficientFunds() {
        assertThrows(InsufficientFundsException.class, () -> f.core.purchase(
                f.purchase(1, Fixture.card(SimulatedCardGateway.INSUFFICIENT_FUNDS)), f.test("card-3")));
        assertNothingIssued();
    }

    @Test
    void unknownCardNumbersAreDeclinedBySimulator() {
        PaymentDeclinedException e = assertThrows(PaymentDeclinedException.class, () -> f.core.purchase(
                f.purchase(1, Fixture.card("4012888888881881")), f.test("card-4")));
        assertTrue(e.getMessage().contains("not a simulated test card"), e.getMessage());
    }

    @Test
    void anExpiredCardIsRefusedBeforeTheGateway() {
        CardPayment expired = new CardPayment(SimulatedCardGateway.APPROVED_VISA, YearMonth.of(2026, 5), "123", null);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> f.core.purchase(f.purchase(1, expired), f.test("card-5")));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM sim_gateway_transactions"), "the gateway was not called");
        assertNothingIssued();
    }

    @Test
    void aMistypedCardNumberFailsTheLuhnCheckBeforeAnything() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> new CardPayment("4242 4242 4242 4241", YearMonth.of(2030, 1), "123", null));
        assertTrue(e.getMessage().contains("Luhn"), e.getMessage());
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM payments"));
    }

    @Test
    void aGatewayTimeoutLeavesThePaymentPendingUntilTheReconcilerSettlesIt() {
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.TIMEOUT_THEN_APPROVED));
        PaymentPendingException e = assertThrows(PaymentPendingException.class,
                () -> f.core.purchase(request, f.test("card-6")));
        assertTrue(e.retryable());
        assertNothingIssued();
        assertEquals("UNKNOWN", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals("PENDING", Rows.text(f.db, "SELECT state FROM idempotency_keys WHERE idem_key = 'TEST:card-6'"));

        Reconciliation r = f.core.reconcile();
        assertEquals(new Reconciliation(1, 0, 0, 0), r);
        assertEquals(156, f.meter(f.testMeter).ascending().minorUnits());

        Purchase p = f.core.purchase(request, f.test("card-6"));
        assertEquals(2, p.indicia().size());
        assertEquals(PaymentKind.CARD, p.payment().kind());
        assertEquals(p, f.core.purchase(request, f.test("card-6")), "later retries replay it");
        assertEquals(Reconciliation.NONE, f.core.reconcile());
        f.assertBalanced();
    }

    @Test
    void aTimeoutThatTurnsOutDeclinedFailsForGood() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.TIMEOUT_THEN_DECLINED));
        assertThrows(PaymentPendingException.class, () -> f.core.purchase(request, f.test("card-7")));
        assertEquals(new Reconciliation(0, 1, 0, 0), f.core.reconcile());
        assertThrows(PaymentDeclinedException.class, () -> f.core.purchase(request, f.test("card-7")));
        assertNothingIssued();
    }

    @Test
    void retryingAPendingPurchaseSettlesItAtOnce() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.TIMEOUT_THEN_APPROVED));
        assertThrows(PaymentPendingException.class, () -> f.core.purchase(request, f.test("card-8")));
        Purchase p = f.core.purchase(request, f.test("card-8"));
        assertEquals(1, p.indicia().size());
        assertEquals(1, f.meter(f.testMeter).piecesIssued());
    }

    @Test
    void aCaptureTimeoutIsSettledToo() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.CAPTURE_TIMEOUT));
        assertThrows(PaymentPendingException.class, () -> f.core.purchase(request, f.test("card-9")));
        assertNothingIssued();
        assertEquals(1, f.core.reconcile().issued());
        assertEquals(1, f.core.purchase(request, f.test("card-9")).indicia().size());
        f.assertBalanced();
    }

    @Test
    void reconcilersOnTwoNodesSettleEachPaymentOnce() throws Exception {
        PostalCore node2 = f.secondNode();
        int n = 12;
        for (int i = 0; i < n; i++) {
            int k = i;
            assertThrows(PaymentPendingException.class, () -> f.core.purchase(
                    f.purchase(2, Fixture.card(SimulatedCardGateway.TIMEOUT_THEN_APPROVED)), f.test("pending-" + k)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Reconciliation>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                PostalCore node = i % 2 == 0 ? f.core : node2;
                runs.add(pool.submit(node::reconcile));
            }
            int issued = 0;
            for (Future<Reconciliation> r : runs) {
                issued += r.get().issued();
            }
            issued += f.core.reconcile().issued(); // anything a busy claim skipped
            assertEquals(n, issued);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2L * n, f.meter(f.testMeter).piecesIssued());
        assertEquals(n, Rows.count(f.db, "SELECT COUNT(*) FROM payments WHERE state = 'ISSUED'"));
        assertEquals(n, Rows.count(f.db, "SELECT COUNT(*) FROM journal WHERE kind = 'FUNDING' AND payment_id IS NOT NULL"));
        f.assertBalanced();
    }

    @Test
    void aPurchaseThatFailsAfterTheCaptureIsRefundedToTheCard() {
        // Fill the meter almost to the registers' 48-bit capacity: the card's FUNDING cannot fit.
        f.core.admin().fundMeter(f.testMeter, Fixture.usd(IndiciumData.MAX_REGISTER - Fixture.FUNDS - 100), "fill");
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> f.core.purchase(request, f.test("card-10")));
        assertTrue(e.getMessage().contains("48-bit") && e.getMessage().contains("refunded"), e.getMessage());
        assertEquals("REFUNDED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals(156, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"));
        assertEquals(0, f.meter(f.testMeter).piecesIssued());
        assertThrows(InvalidRequestException.class, () -> f.core.purchase(request, f.test("card-10")),
                "the failure is final for the key");
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "no second charge");
        f.assertBalanced();
    }

    @Test
    void liveModeCardsAreRefusedWithoutALiveGateway() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_MASTERCARD));
        ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                () -> f.core.purchase(request, f.live("live-card")));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("no live card gateway is configured"), e.getMessage());
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "no payment recorded");
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM sim_gateway_transactions"), "no gateway called");
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM idempotency_keys"), "the key is free again");
        assertEquals(0, f.meter(f.liveMeter).ascending().minorUnits());
        assertEquals(Fixture.FUNDS, f.meter(f.liveMeter).descending().minorUnits());
        assertEquals(1, f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("live-account")).indicia().size(),
                "live account payments still work");
        f.assertBalanced();
    }

    @Test
    void liveModeCardsUseTheSimulatorOnlyWhenTheDemoSettingAllowsIt() {
        f.close();
        assertTrue(ServerConfig.load(null, Map.of("OPENPOSTAGE_PAYMENTS_SIMULATED_LIVE", "true")).simulatedLivePayments());
        assertFalse(ServerConfig.load(null, Map.of()).simulatedLivePayments(), "off by default");
        f = Fixture.h2(dir.resolve("demo"), b -> b.simulatedLivePayments(true));
        Purchase p = f.core.purchase(f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_MASTERCARD)),
                f.live("live-card"));
        assertEquals(CardBrand.MASTERCARD, p.payment().cardBrand());
        assertEquals("4444", p.payment().cardLast4());
        assertFalse(p.indicia().get(0).decode().data().testMode(), "a live key issues live indicia");
        assertEquals(78, f.meter(f.liveMeter).ascending().minorUnits());
    }

    private void assertNothingIssued() {
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM indicia"));
        MeterStatement m = f.meter(f.testMeter);
        assertEquals(0, m.ascending().minorUnits());
        assertEquals(Fixture.FUNDS, m.descending().minorUnits());
        f.assertBalanced();
    }
}
