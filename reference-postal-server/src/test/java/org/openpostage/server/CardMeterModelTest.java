package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.RefundRequest;

/**
 * Card-paid pieces move a meter's registers like any piece (docs/ledger.md, "The meter model"):
 * the card's payment is a FUNDING entry of the purchase's total, then each piece a DEBIT, so for
 * every meter ascending + descending = everything ever credited to it (FUNDING + REFUND) minus
 * what left it (REVERSAL: card refunds paid back), and ascending = the postage of every piece.
 * Checked with SQL of the test's own over a mix of account and card purchases and refunds of
 * both, on H2 and PostgreSQL.
 */
class CardMeterModelTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyMeterBalancesWithCardAndAccountPiecesAndRefundsOfBoth(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            List<Purchase> card = new ArrayList<>();
            List<Purchase> account = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                card.add(f.core.purchase(f.purchase(1 + i % 2, Fixture.card(SimulatedCardGateway.APPROVED_VISA)),
                        f.test("card-" + i)));
                account.add(f.core.purchase(f.purchase(1 + i % 3, PaymentMethod.account()), f.test("account-" + i)));
            }
            f.core.refund(new RefundRequest(card.get(1).indicia().get(1).indiciumId()), f.test("refund-card"));
            f.core.refund(new RefundRequest(account.get(2).indicia().get(0).indiciumId()), f.test("refund-account"));

            MeterStatement m = f.meter(f.testMeter);
            long funding = sum(f, "FUNDING");
            long refunds = sum(f, "REFUND");
            long reversals = sum(f, "REVERSAL");
            long debits = sum(f, "DEBIT");
            long cardTotal = card.stream().mapToLong(p -> p.total().minorUnits()).sum();
            assertEquals(Fixture.FUNDS + cardTotal, funding, "each card payment funds the meter with its total");
            assertEquals(m.ascending().minorUnits(), debits, "ascending = every piece's postage, card pieces included");
            assertEquals(m.ascending().minorUnits() + m.descending().minorUnits(), funding + refunds - reversals,
                    "ascending + descending = all credited - all paid back");
            long refundedCardPiece = card.get(1).indicia().get(1).decode().data().postage().minorUnits();
            long refundedAccountPiece = account.get(2).indicia().get(0).decode().data().postage().minorUnits();
            long accountPostage = account.stream().mapToLong(p -> p.total().minorUnits()).sum();
            assertEquals(Fixture.FUNDS - accountPostage + refundedAccountPiece, m.descending().minorUnits(),
                    "card pieces leave the descending register where it was: funded, then debited");
            assertEquals(refundedCardPiece, reversals, "a card piece's refund goes back to the card");

            // In the journal, each card purchase's FUNDING comes right before its DEBITs, and the
            // registers each indicium carries are those after its own debit.
            for (Purchase p : card) {
                List<String> kinds = kinds(f, p.purchaseId());
                assertEquals("FUNDING", kinds.get(0), p.purchaseId() + ": " + kinds);
                assertTrue(kinds.subList(1, kinds.size()).stream().allMatch("DEBIT"::equals), kinds.toString());
                assertEquals(p.indicia().size(), kinds.size() - 1);
            }
            f.assertBalanced();
        }
    }

    private static long sum(Fixture f, String kind) {
        return Rows.count(f.db, "SELECT COALESCE(SUM(amount), 0) FROM journal WHERE meter_id = ? AND kind = ?",
                f.testMeter, kind);
    }

    private static List<String> kinds(Fixture f, String purchaseId) throws Exception {
        List<String> kinds = new ArrayList<>();
        try (Connection c = f.db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT kind FROM journal WHERE purchase_id = ? ORDER BY seq")) {
            ps.setString(1, purchaseId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.add(rs.getString(1));
                }
            }
        }
        return kinds;
    }
}
