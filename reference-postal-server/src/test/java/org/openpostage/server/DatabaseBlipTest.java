package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.model.Reconciliation;

/**
 * A database blip does not charge a card twice. A failover ends the issuing transaction of a card
 * purchase, after the capture, with SQLSTATE 57P01 ("terminating connection due to administrator
 * command"); here a trigger on {@code purchases} raises exactly that, on H2 and on PostgreSQL.
 * The captured payment is kept (not refunded), and the purchase is issued against it by the
 * client's retry or by the reconciler: the cardholder sees one charge, never charge, refund, charge.
 */
class DatabaseBlipTest {
    @TempDir
    Path dir;
    Fixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private void open(TestDatabase.Kind kind) {
        f = Fixture.on(TestDatabase.of(kind, dir), dir);
    }

    /** From now on every issuing transaction fails as a failover ends it. */
    private void blip() {
        if (f.db.kind == TestDatabase.Kind.H2) {
            Rows.update(f.db, "CREATE TRIGGER blip BEFORE INSERT ON purchases FOR EACH ROW CALL \""
                    + FailoverTrigger.class.getName() + "\"");
        } else {
            Rows.update(f.db, "CREATE FUNCTION blip() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';"
                    + " END $$");
            Rows.update(f.db, "CREATE TRIGGER blip BEFORE INSERT ON purchases FOR EACH ROW EXECUTE FUNCTION blip()");
        }
    }

    /** The database is back. */
    private void recover() {
        Rows.update(f.db, f.db.kind == TestDatabase.Kind.H2 ? "DROP TRIGGER blip" : "DROP TRIGGER blip ON purchases");
    }

    private void assertChargedOnce(long amount) {
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM sim_gateway_transactions"), "one card transaction");
        assertEquals(amount, Rows.count(f.db, "SELECT captured FROM sim_gateway_transactions"), "captured once");
        assertEquals(0, Rows.count(f.db, "SELECT refunded FROM sim_gateway_transactions"), "never refunded");
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "one payment");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFailoverDuringIssuingKeepsThePaymentAndTheRetryIssuesAgainstIt(TestDatabase.Kind kind) {
        open(kind);
        PurchaseRequest request = f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        blip();
        ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                () -> f.core.purchase(request, f.test("blip")));
        assertEquals("CAPTURED", Rows.text(f.db, "SELECT state FROM payments"),
                "the captured payment is kept for the purchase, not refunded");
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("retry with the same idempotency key"), e.getMessage());
        assertChargedOnce(156);
        assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM indicia"));

        recover();
        Purchase p = f.core.purchase(request, f.test("blip"));
        assertEquals(2, p.indicia().size());
        assertEquals(156, p.total().minorUnits());
        assertEquals("ISSUED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals(p.purchaseId(), Rows.text(f.db, "SELECT purchase_id FROM payments"), "issued against the payment");
        assertChargedOnce(156);
        assertEquals(p.purchaseId(), f.core.purchase(request, f.test("blip")).purchaseId(), "replayed");
        assertChargedOnce(156);
        f.assertBalanced();
        assertTrue(f.core.admin().auditJournal().intact(), "the journals are intact");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void withoutARetryTheReconcilerIssuesThePurchaseTheCardPaidFor(TestDatabase.Kind kind) {
        open(kind);
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA));
        blip();
        assertThrows(ServiceUnavailableException.class, () -> f.core.purchase(request, f.test("left")));
        recover();
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(new Reconciliation(1, 0, 0, 0), f.core.reconcile(), "the reconciler issues it");
        assertEquals("ISSUED", Rows.text(f.db, "SELECT state FROM payments"));
        assertEquals("COMPLETED", Rows.text(f.db, "SELECT state FROM idempotency_keys WHERE idem_key = 'TEST:left'"));
        String purchaseId = Rows.text(f.db, "SELECT purchase_id FROM payments");
        assertEquals(purchaseId, f.core.purchase(request, f.test("left")).purchaseId(), "the retry receives it");
        assertChargedOnce(78);
        assertEquals(1, f.meter(f.testMeter).piecesIssued());
        f.assertBalanced();
    }

    /** H2's stand-in for a failover: the statement fails with PostgreSQL's SQLSTATE for it. */
    public static final class FailoverTrigger implements org.h2.api.Trigger {
        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            throw new SQLException("terminating connection due to administrator command", "57P01");
        }
    }
}
