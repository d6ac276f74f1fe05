package org.openpostage.server.internal.payments;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;

/**
 * Card payment attempts (table {@code payments}): brand, last four digits, amount, state and the
 * gateway's reference. Never the card number or the CVV.
 *
 * <p>Whoever drives a payment holds its <em>claim</em> ({@code claim_owner}, {@code claim_until}):
 * the request that started it, or one reconciler on one node. State changes name the state they
 * expect, so a payment moves through its states once even if two drivers raced, and only along
 * the moves of {@link PaymentMoves}.
 */
public final class PaymentStore {
    /** The life of a card payment. */
    public enum State {
        /** Recorded; the authorization is being sent. */
        AUTHORIZING,
        /** Authorized, not yet captured. */
        AUTHORIZED,
        /** Captured: the money is taken; the purchase is being issued. */
        CAPTURED,
        /** The gateway's answer was lost; the reconciler settles it. */
        UNKNOWN,
        /** Final: the purchase it paid for is issued. */
        ISSUED,
        /** Final: declined (or insufficient funds); nothing taken. */
        DECLINED,
        /** Final: authorized, then released; nothing taken. */
        VOIDED,
        /** Captured, but the purchase could not be issued: the money is being refunded. */
        COMPENSATING,
        /** Final: captured and refunded in full because the purchase failed. */
        REFUNDED,
        /** Final: the gateway never received it; nothing taken. */
        FAILED
    }

    /** One payment. */
    public record Payment(String paymentId, String partnerId, String idemKey, Mode mode, long meterId, Money amount,
                          CardBrand brand, String last4, State state, String gatewayReference, String purchaseId,
                          String requestForm, Instant createdAt) {
        static Payment of(ResultSet rs) throws SQLException {
            return new Payment(rs.getString("payment_id"), rs.getString("partner_id"), rs.getString("idem_key"),
                    Mode.valueOf(rs.getString("mode")), rs.getLong("meter_id"),
                    Money.of(rs.getLong("amount"), rs.getString("currency").strip()),
                    CardBrand.valueOf(rs.getString("card_brand")), rs.getString("card_last4").strip(),
                    State.valueOf(rs.getString("state")), rs.getString("gateway_reference"), rs.getString("purchase_id"),
                    rs.getString("request_form"), Sql.instant(rs, "created_at"));
        }
    }

    private static final String COLUMNS = "payment_id, partner_id, idem_key, mode, meter_id, amount, currency,"
            + " card_brand, card_last4, state, gateway_reference, purchase_id, request_form, created_at";

    private final Database db;
    private final Clock clock;
    private final Duration lease;
    private final String nodeId;

    /**
     * @param lease  how long a claim holds
     * @param nodeId the node whose claims this store makes ({@code claim_node}): when its heartbeat
     *               stops, the other nodes end its claims
     */
    public PaymentStore(Database db, Clock clock, Duration lease, String nodeId) {
        this.db = db;
        this.clock = clock;
        this.lease = lease;
        this.nodeId = nodeId;
    }

    /** Records a new payment in state {@code AUTHORIZING}, claimed by {@code owner}, in the caller's transaction. */
    public void insert(Connection c, Payment p, String owner) throws SQLException {
        Instant now = Time.now(clock);
        Sql.update(c, "INSERT INTO payments (" + COLUMNS + ", updated_at, claim_owner, claim_until, claim_node)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                p.paymentId, p.partnerId, p.idemKey, p.mode, p.meterId, p.amount.minorUnits(),
                p.amount.currency().getCurrencyCode(), p.brand, p.last4, State.AUTHORIZING, null, null, p.requestForm,
                now, now, owner, now.plus(lease), nodeId);
    }

    /** The payment {@code paymentId}. */
    public Optional<Payment> find(String paymentId) {
        return db.read("read payment", c -> Sql.one(c, "SELECT " + COLUMNS + " FROM payments WHERE payment_id = ?",
                Payment::of, paymentId));
    }

    /**
     * Moves the payment from {@code from} to {@code to}, setting the gateway reference when given
     * and the failure when given. Returns whether it was in {@code from}.
     *
     * @throws IllegalStateException if the move is not one of {@link PaymentMoves}
     */
    public boolean move(String paymentId, State from, State to, String gatewayReference, String failureCode,
                        String failureMessage) {
        return db.write("update payment", c -> move(c, paymentId, from, to, gatewayReference, failureCode,
                failureMessage));
    }

    /** {@link #move(String, State, State, String, String, String)} inside the caller's transaction. */
    public boolean move(Connection c, String paymentId, State from, State to, String gatewayReference,
                        String failureCode, String failureMessage) throws SQLException {
        PaymentMoves.check(paymentId, from, to);
        Instant now = Time.now(clock);
        return Sql.update(c, "UPDATE payments SET state = ?,"
                        + " gateway_reference = COALESCE(?, gateway_reference), failure_code = ?, failure_message = ?,"
                        + " updated_at = ? WHERE payment_id = ? AND state = ?",
                to, gatewayReference, failureCode, truncate(failureMessage), now, paymentId, from) == 1;
    }

    /**
     * Why a payment did not go through, as recorded by its last move.
     *
     * @param code    the failure code (for a decline: the gateway's outcome), or {@code null}
     * @param message the failure message, or {@code null}
     */
    public record Failure(String code, String message) {
    }

    /** The failure recorded for payment {@code paymentId} (both parts {@code null} if none). */
    public Failure failure(String paymentId) {
        return db.read("read payment failure", c -> Sql.one(c, "SELECT failure_code, failure_message FROM payments"
                + " WHERE payment_id = ?", rs -> new Failure(rs.getString(1), rs.getString(2)), paymentId))
                .orElse(new Failure(null, null));
    }

    /**
     * Payments that ended (declined, voided, failed or refunded) while the idempotency key of their
     * request still waits for them ({@code IN_PROGRESS} past its lease, or {@code PENDING}): the
     * node that moved the payment died before it finished the key. Nobody may hold a claim on them.
     */
    public List<String> endedWithOpenKey(int limit) {
        Instant now = Time.now(clock);
        return db.read("list payments with open keys", c -> Sql.list(c, "SELECT k.payment_id FROM idempotency_keys k"
                        + " JOIN payments p ON p.payment_id = k.payment_id"
                        + " WHERE k.state IN ('IN_PROGRESS', 'PENDING') AND k.payment_id IS NOT NULL"
                        + " AND (k.lease_until IS NULL OR k.lease_until < ?)"
                        + " AND p.state IN ('DECLINED', 'VOIDED', 'FAILED', 'REFUNDED')"
                        + " AND (p.claim_until IS NULL OR p.claim_until < ?) ORDER BY k.created_at FETCH FIRST " + limit
                        + " ROWS ONLY",
                rs -> rs.getString(1), now, now));
    }

    /**
     * Marks the payment {@code ISSUED} inside the issuing transaction and frees its claim.
     *
     * @throws IllegalStateException if it was not {@code CAPTURED}: the transaction must roll back
     */
    public void markIssued(Connection c, String paymentId, String purchaseId) throws SQLException {
        PaymentMoves.check(paymentId, State.CAPTURED, State.ISSUED);
        Instant now = Time.now(clock);
        int n = Sql.update(c, "UPDATE payments SET state = 'ISSUED', purchase_id = ?, claim_owner = NULL,"
                + " claim_until = NULL, claim_node = NULL, updated_at = ? WHERE payment_id = ? AND state = 'CAPTURED'", purchaseId, now, paymentId);
        if (n != 1) {
            throw new IllegalStateException("payment " + paymentId + " is no longer captured: another node issued it");
        }
    }

    /** Claims the payment for {@code owner} unless someone else holds an unexpired claim. */
    public boolean claim(String paymentId, String owner) {
        Instant now = Time.now(clock);
        return db.write("claim payment", c -> Sql.update(c, "UPDATE payments SET claim_owner = ?, claim_until = ?,"
                + " claim_node = ? WHERE payment_id = ? AND (claim_until IS NULL OR claim_until < ?)",
                owner, now.plus(lease), nodeId, paymentId, now)) == 1;
    }

    /** Frees {@code owner}'s claim on the payment. */
    public void release(String paymentId, String owner) {
        db.write("release payment", c -> Sql.update(c, "UPDATE payments SET claim_owner = NULL, claim_until = NULL,"
                + " claim_node = NULL WHERE payment_id = ? AND claim_owner = ?", paymentId, owner));
    }

    /**
     * Payments the reconciler should settle: every {@code UNKNOWN}, {@code COMPENSATING} or
     * {@code CAPTURED} one (a captured payment nobody drives was kept after its issuing transaction
     * failed: a database failover, say), and those stuck in {@code AUTHORIZING} or
     * {@code AUTHORIZED} since before {@code staleBefore} (their request died), that nobody holds a
     * claim on.
     */
    public List<String> unsettled(Instant staleBefore, int limit) {
        Instant now = Time.now(clock);
        return db.read("list unsettled payments", c -> Sql.list(c, "SELECT payment_id FROM payments"
                        + " WHERE (state IN ('UNKNOWN', 'COMPENSATING', 'CAPTURED')"
                        + " OR (state IN ('AUTHORIZING', 'AUTHORIZED') AND updated_at < ?))"
                        + " AND (claim_until IS NULL OR claim_until < ?) ORDER BY created_at FETCH FIRST " + limit
                        + " ROWS ONLY",
                rs -> rs.getString(1), staleBefore, now));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 497) + "...";
    }
}
