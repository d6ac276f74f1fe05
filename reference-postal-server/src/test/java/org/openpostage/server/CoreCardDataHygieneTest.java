package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RefundRequest;

/**
 * Card numbers and CVVs reach no log line and no database column. The core buys by card with a
 * seeded CVV (approved, declined, timed out and settled, refunded, and refused in live mode)
 * while every logger writes to one file at DEBUG (the surefire configuration); then every line of
 * that file, which holds the whole test run's log, and every cell of every table are searched.
 */
class CoreCardDataHygieneTest {
    /** A CVV seeded for this test; searched for with no digit on either side. */
    private static final String CVV = "8093";
    private static final List<String> NUMBERS = List.of(SimulatedCardGateway.APPROVED_VISA,
            SimulatedCardGateway.DECLINED, SimulatedCardGateway.TIMEOUT_THEN_APPROVED,
            SimulatedCardGateway.APPROVED_MASTERCARD);
    private static final CardDataScan SCAN = new CardDataScan(NUMBERS, CVV);

    @TempDir
    Path dir;

    @Test
    void noCardNumberOrCvvInAnyLogLineOrDatabaseColumn() throws Exception {
        String approvedPurchase;
        try (Fixture f = Fixture.h2(dir)) {
            Purchase approved = f.core.purchase(f.purchase(1, card("4242 4242 4242 4242")), f.test("approved"));
            approvedPurchase = approved.purchaseId();
            assertThrows(PaymentDeclinedException.class,
                    () -> f.core.purchase(f.purchase(1, card(NUMBERS.get(1))), f.test("declined")));
            PurchaseRequest pending = f.purchase(1, card(NUMBERS.get(2)));
            assertThrows(PaymentPendingException.class, () -> f.core.purchase(pending, f.test("pending")));
            assertEquals(1, f.core.reconcile().issued());
            f.core.purchase(pending, f.test("pending"));
            f.core.refund(new RefundRequest(approved.indicia().get(0).indiciumId()), f.test("refund"));
            assertThrows(ServiceUnavailableException.class,
                    () -> f.core.purchase(f.purchase(1, card(NUMBERS.get(3))), f.live("live")));

            List<String> cells = CardDataScan.cells(f.db);
            assertTrue(cells.contains("4242"), "the scan reads the payments table (last four digits)");
            for (String cell : cells) {
                SCAN.assertClean("a database column", cell);
            }
        }

        List<String> log = CardDataScan.logLines();
        assertTrue(log.stream().anyMatch(l -> l.contains(approvedPurchase) && l.contains("ending 4242")),
                "this test's purchases are in the log, with the last four digits");
        for (String line : log) {
            SCAN.assertClean("the log", line);
        }
    }

    private static CardPayment card(String number) {
        return new CardPayment(number, YearMonth.of(2030, 12), CVV, "Ada Lovelace");
    }

}
