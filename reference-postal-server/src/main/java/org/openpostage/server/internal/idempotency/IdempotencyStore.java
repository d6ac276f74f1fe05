package org.openpostage.server.internal.idempotency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.nodes.Nodes;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys, scoped per partner, kept in the ledger so that every node sees them.
 *
 * <p>A call first <em>claims</em> its key by inserting a row in state {@code IN_PROGRESS}, in a
 * transaction of its own. The insert succeeds for exactly one of any number of concurrent calls
 * with the key; the others find the row and either replay its outcome, wait briefly for it, or
 * fail with {@link ErrorCode#REQUEST_IN_PROGRESS}. The claimant finishes the row in the same
 * transaction as its effect ({@link #complete}), or records a final failure ({@link #fail}), or
 * removes the row when nothing happened and a retry may run afresh ({@link #release}).
 *
 * <p>Each claim carries a random token, the node holding it ({@code claim_node}) and a lease. A
 * row left {@code IN_PROGRESS} can be taken over once its lease has passed: the lease of a node
 * that stopped heartbeating, and of a claim its own node no longer holds, is ended by the nodes'
 * heartbeats ({@link Nodes}) within seconds; the full {@code request.lease} only bounds a request
 * that still runs. The token makes sure the old claimant can no longer complete it. A caller must
 * hand every claim it receives back with {@link #done} when it has finished with it.
 */
public final class IdempotencyStore {
    /** What a key was used for. */
    public enum Operation {
        /** A purchase, or one entry of a batch. */
        PURCHASE,
        /** A whole batch (its entries have their own keys). */
        BATCH,
        /** A refund. */
        REFUND
    }

    /** The state of a key. */
    public enum State {
        /** A call is executing it. */
        IN_PROGRESS,
        /** Its card payment's outcome is unknown; the reconciler settles it. */
        PENDING,
        /** Done: the outcome is stored and replayed. */
        COMPLETED,
        /** Failed for good: the error is stored and replayed. */
        FAILED
    }

    /** A claim on a key: only its holder may finish the key. */
    public record Claim(String partnerId, String key, String token) {
    }

    /**
     * A stored key.
     *
     * @param paymentId the card payment attempt linked to it, or {@code null}
     */
    public record Row(String partnerId, String key, Operation operation, String fingerprint, State state,
                      String claimToken, Instant leaseUntil, String purchaseId, String refundId, String paymentId,
                      String errorCode, String errorMessage, Instant expiresAt) {
        static Row of(ResultSet rs) throws SQLException {
            return new Row(rs.getString("partner_id"), rs.getString("idem_key"),
                    Operation.valueOf(rs.getString("operation")), rs.getString("fingerprint"),
                    State.valueOf(rs.getString("state")), rs.getString("claim_token"), Sql.instant(rs, "lease_until"),
                    rs.getString("purchase_id"), rs.getString("refund_id"), rs.getString("payment_id"),
                    rs.getString("error_code"), rs.getString("error_message"), Sql.instant(rs, "expires_at"));
        }

        /** The stored failure as the exception it was. */
        public PostageException error() {
            return ErrorCode.fromName(errorCode).toException(errorMessage, null);
        }
    }

    /** The outcome of {@link #begin}: a fresh claim, or a row someone else already finished or parked. */
    public sealed interface Begin permits Claimed, Existing {
    }

    /** The caller holds the key and must finish it. */
    public record Claimed(Claim claim) implements Begin {
    }

    /** The key is {@code COMPLETED}, {@code FAILED} or {@code PENDING}, or stuck with a payment attached. */
    public record Existing(Row row) implements Begin {
    }

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String COLUMNS = "partner_id, idem_key, operation, fingerprint, state, claim_token, lease_until,"
            + " purchase_id, refund_id, payment_id, error_code, error_message, expires_at";

    private final Database db;
    private final Clock clock;
    private final Duration retention;
    private final Duration lease;
    private final Duration maxWait;
    private final Nodes nodes;

    /** The pause a duplicate call is asked to wait before retrying a key that is in progress. */
    public static final Duration IN_PROGRESS_RETRY_AFTER = Duration.ofSeconds(1);

    /**
     * @param retention how long finished keys are kept
     * @param lease     how long a claim holds before another node may take it over
     * @param maxWait   how long a duplicate call waits for the first one before answering
     *                  {@link ErrorCode#REQUEST_IN_PROGRESS}
     * @param nodes     this node: claims name it, and it knows which claims its requests hold
     */
    public IdempotencyStore(Database db, Clock clock, Duration retention, Duration lease, Duration maxWait,
                            Nodes nodes) {
        this.db = db;
        this.nodes = nodes;
        this.clock = clock;
        this.retention = retention;
        this.lease = lease;
        this.maxWait = maxWait;
    }

    /**
     * Claims {@code key} for a call whose request has {@code fingerprint}, or finds what an
     * earlier call with the key left.
     *
     * @throws IdempotencyConflictException {@code IDEMPOTENCY_KEY_REUSED} if the key was used for a
     *         different request; {@code REQUEST_IN_PROGRESS} if another call still runs it
     */
    public Begin begin(String partnerId, String key, Operation operation, String fingerprint) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pauseMillis = 5;
        while (true) {
            Instant now = Time.now(clock);
            String token = Ids.random(20);
            if (tryInsert(partnerId, key, operation, fingerprint, token, now)) {
                return new Claimed(new Claim(partnerId, key, token));
            }
            Optional<Row> found = find(partnerId, key);
            if (found.isEmpty()) {
                continue; // released or purged between our insert and read: try again
            }
            Row row = found.get();
            boolean finished = row.state == State.COMPLETED || row.state == State.FAILED;
            if (finished && row.expiresAt.isBefore(now)) {
                db.write("expire idempotency key", c -> Sql.update(c, "DELETE FROM idempotency_keys WHERE partner_id = ?"
                        + " AND idem_key = ? AND expires_at < ? AND state IN ('COMPLETED', 'FAILED')", partnerId, key, now));
                continue;
            }
            if (row.operation != operation || !row.fingerprint.equals(fingerprint)) {
                throw new IdempotencyConflictException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotency key '"
                        + printable(key) + "' was already used for a different request; use a new key for a new request",
                        null);
            }
            if (row.state != State.IN_PROGRESS) {
                return new Existing(row);
            }
            if (row.leaseUntil != null && !row.leaseUntil.isAfter(now)) { // ended (heartbeats end it at created_at)
                if (row.paymentId != null) {
                    return new Existing(row); // a card payment may have moved money: settle it, never redo it
                }
                Optional<Claim> taken = takeOver(row, now);
                if (taken.isPresent()) {
                    log.warn("took over idempotency key of partner {} abandoned by another call", partnerId);
                    return new Claimed(taken.get());
                }
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new IdempotencyConflictException(ErrorCode.REQUEST_IN_PROGRESS, "a request with idempotency key '"
                        + printable(key) + "' is still being processed; retry in " + IN_PROGRESS_RETRY_AFTER.toSeconds()
                        + " s with the same key (a request whose node stopped is taken over within seconds)", null,
                        IN_PROGRESS_RETRY_AFTER);
            }
            sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }

    private boolean tryInsert(String partnerId, String key, Operation operation, String fingerprint, String token,
                              Instant now) {
        nodes.hold(token); // before the row exists, so the heartbeat never takes it for abandoned
        boolean inserted = false;
        try {
            db.write("claim idempotency key", c -> Sql.update(c, "INSERT INTO idempotency_keys (partner_id, idem_key,"
                            + " operation, fingerprint, state, claim_token, claim_node, lease_until, created_at,"
                            + " expires_at) VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?, ?, ?, ?, ?)",
                    partnerId, key, operation, fingerprint, token, nodes.nodeId(), now.plus(lease), now,
                    now.plus(retention)));
            inserted = true;
            return true;
        } catch (org.openpostage.server.internal.db.DataAccessException e) {
            if (Sql.UNIQUE_VIOLATION.equals(e.sqlState())) {
                return false;
            }
            throw e;
        } finally {
            if (!inserted) {
                nodes.release(token);
            }
        }
    }

    private Optional<Claim> takeOver(Row row, Instant now) {
        String token = Ids.random(20);
        nodes.hold(token);
        int n = 0;
        try {
            n = db.write("take over idempotency key", c -> Sql.update(c, "UPDATE idempotency_keys SET claim_token = ?,"
                            + " claim_node = ?, lease_until = ? WHERE partner_id = ? AND idem_key = ?"
                            + " AND state = 'IN_PROGRESS' AND claim_token = ? AND payment_id IS NULL",
                    token, nodes.nodeId(), now.plus(lease), row.partnerId, row.key, row.claimToken));
        } finally {
            if (n != 1) {
                nodes.release(token);
            }
        }
        return n == 1 ? Optional.of(new Claim(row.partnerId, row.key, token)) : Optional.empty();
    }

    /**
     * The caller is done with {@code claim}: the key is finished, released, or left to be taken
     * over (the database did not answer). Until then this node's heartbeat keeps the claim alive.
     */
    public void done(Claim claim) {
        if (claim != null) {
            nodes.release(claim.token);
        }
    }

    /** The row of {@code key}, if any. */
    public Optional<Row> find(String partnerId, String key) {
        return db.read("read idempotency key", c -> Sql.one(c, "SELECT " + COLUMNS
                + " FROM idempotency_keys WHERE partner_id = ? AND idem_key = ?", Row::of, partnerId, key));
    }

    /**
     * Marks the claimed key {@code COMPLETED} with its outcome, inside the transaction of the effect.
     *
     * @throws IllegalStateException if the claim was lost (taken over): the transaction must roll back
     */
    public void complete(Connection c, Claim claim, String purchaseId, String refundId) throws SQLException {
        Instant now = Time.now(clock);
        int n = Sql.update(c, "UPDATE idempotency_keys SET state = 'COMPLETED', purchase_id = ?, refund_id = ?,"
                        + " claim_token = NULL, claim_node = NULL, lease_until = NULL, expires_at = ?"
                        + " WHERE partner_id = ? AND idem_key = ? AND claim_token = ? AND state = 'IN_PROGRESS'",
                purchaseId, refundId, now.plus(retention), claim.partnerId, claim.key, claim.token);
        if (n != 1) {
            throw new ServiceUnavailableException("the request's idempotency claim was lost; retry with the same key");
        }
    }

    /** A key to record as finished together with its effect: its request's fingerprint and the purchase it stands for. */
    public record Outcome(String key, String fingerprint, String purchaseId) {
    }

    /**
     * Records purchase keys of {@code partnerId} as {@code COMPLETED} inside the transaction of
     * their effect, without a claim first (one batched insert): the key and the purchase then commit
     * together or not at all, so no other call can see the key in progress. The inserts come first
     * in the transaction: a concurrent call with one of these keys waits on it (holding no meter
     * lock) and then fails with a unique violation ({@link Sql#UNIQUE_VIOLATION}), upon which it
     * rolls back and takes the ordinary path ({@link #begin}), which replays the outcome. Only for
     * effects that move no money outside the ledger (account purchases): a card payment needs its
     * claim before the gateway is called.
     */
    public void insertCompleted(Connection c, String partnerId, List<Outcome> outcomes) throws SQLException {
        Instant now = Time.now(clock);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO idempotency_keys (partner_id, idem_key, operation,"
                + " fingerprint, state, purchase_id, created_at, expires_at) VALUES (?, ?, ?, ?, 'COMPLETED', ?, ?, ?)")) {
            for (Outcome o : outcomes) {
                Sql.bind(ps, partnerId, o.key(), Operation.PURCHASE, o.fingerprint(), o.purchaseId(), now,
                        now.plus(retention));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Turns a key {@link #insertCompleted} recorded in this transaction into the final failure
     * {@code error}: its purchase was refused (insufficient funds) and nothing of it was written.
     */
    public void failInserted(Connection c, String partnerId, String key, PostageException error) throws SQLException {
        Sql.update(c, "UPDATE idempotency_keys SET state = 'FAILED', purchase_id = NULL, error_code = ?,"
                + " error_message = ? WHERE partner_id = ? AND idem_key = ? AND state = 'COMPLETED'", error.code(),
                truncate(error.getMessage()), partnerId, key);
    }

    /** Marks the key of card payment {@code paymentId} {@code COMPLETED}, inside the issuing transaction. */
    public void completeForPayment(Connection c, String partnerId, String key, String paymentId, String purchaseId)
            throws SQLException {
        Instant now = Time.now(clock);
        Sql.update(c, "UPDATE idempotency_keys SET state = 'COMPLETED', purchase_id = ?, claim_token = NULL,"
                        + " claim_node = NULL, lease_until = NULL, expires_at = ? WHERE partner_id = ? AND idem_key = ?"
                        + " AND payment_id = ? AND state IN ('IN_PROGRESS', 'PENDING')",
                purchaseId, now.plus(retention), partnerId, key, paymentId);
    }

    /** Links card payment {@code paymentId} to the claimed key, inside the transaction that records the payment. */
    public void attachPayment(Connection c, Claim claim, String paymentId) throws SQLException {
        int n = Sql.update(c, "UPDATE idempotency_keys SET payment_id = ? WHERE partner_id = ? AND idem_key = ?"
                + " AND claim_token = ? AND state = 'IN_PROGRESS'", paymentId, claim.partnerId, claim.key, claim.token);
        if (n != 1) {
            throw new ServiceUnavailableException("the request's idempotency claim was lost; retry with the same key");
        }
    }

    /** Records a final failure for the claimed key: a retry replays {@code error}. */
    public void fail(Claim claim, PostageException error) {
        Instant now = Time.now(clock);
        db.write("fail idempotency key", c -> Sql.update(c, "UPDATE idempotency_keys SET state = 'FAILED', error_code = ?,"
                        + " error_message = ?, claim_token = NULL, claim_node = NULL, lease_until = NULL, expires_at = ?"
                        + " WHERE partner_id = ? AND idem_key = ? AND claim_token = ? AND state = 'IN_PROGRESS'",
                error.code(), truncate(error.getMessage()), now.plus(retention), claim.partnerId, claim.key, claim.token));
    }

    /** Records a final failure for the key of card payment {@code paymentId}. */
    public void failForPayment(String partnerId, String key, String paymentId, PostageException error) {
        db.write("fail idempotency key", c -> failForPayment(c, partnerId, key, paymentId, error));
    }

    /**
     * {@link #failForPayment(String, String, String, PostageException)} inside the caller's
     * transaction; returns whether the key was still open (and is failed now).
     */
    public boolean failForPayment(Connection c, String partnerId, String key, String paymentId, PostageException error)
            throws SQLException {
        Instant now = Time.now(clock);
        return Sql.update(c, "UPDATE idempotency_keys SET state = 'FAILED', error_code = ?,"
                        + " error_message = ?, claim_token = NULL, claim_node = NULL, lease_until = NULL, expires_at = ?"
                        + " WHERE partner_id = ? AND idem_key = ? AND payment_id = ? AND state IN ('IN_PROGRESS', 'PENDING')",
                error.code(), truncate(error.getMessage()), now.plus(retention), partnerId, key, paymentId) == 1;
    }

    /** Parks the key of card payment {@code paymentId} as {@code PENDING} until the reconciler settles it. */
    public void pendForPayment(String partnerId, String key, String paymentId) {
        db.write("park idempotency key", c -> Sql.update(c, "UPDATE idempotency_keys SET state = 'PENDING',"
                        + " claim_token = NULL, claim_node = NULL, lease_until = NULL"
                        + " WHERE partner_id = ? AND idem_key = ?"
                        + " AND payment_id = ? AND state = 'IN_PROGRESS'", partnerId, key, paymentId));
    }

    /**
     * Extends the lease of a claim still held, so that a long call (a batch) is not taken over;
     * returns {@code false} if the claim was lost meanwhile.
     */
    public boolean renew(Claim claim) {
        Instant now = Time.now(clock);
        return db.write("renew idempotency key", c -> Sql.update(c, "UPDATE idempotency_keys SET lease_until = ?"
                        + " WHERE partner_id = ? AND idem_key = ? AND claim_token = ? AND state = 'IN_PROGRESS'",
                now.plus(lease), claim.partnerId, claim.key, claim.token)) == 1;
    }

    /** Marks a claimed batch key {@code COMPLETED}: its entries hold the outcomes. */
    public void completeBatch(Claim claim) {
        db.transaction("complete batch key", c -> {
            complete(c, claim, null, null);
            return null;
        });
    }

    /** Removes the claimed key: nothing happened, and a retry with it runs afresh. */
    public void release(Claim claim) {
        db.write("release idempotency key", c -> Sql.update(c, "DELETE FROM idempotency_keys WHERE partner_id = ?"
                + " AND idem_key = ? AND claim_token = ? AND state = 'IN_PROGRESS'", claim.partnerId, claim.key, claim.token));
    }

    /** Removes the key of card payment {@code paymentId}: the payment moved no money, so a retry may run afresh. */
    public void releaseForPayment(String partnerId, String key, String paymentId) {
        db.write("release idempotency key", c -> releaseForPayment(c, partnerId, key, paymentId));
    }

    /**
     * {@link #releaseForPayment(String, String, String)} inside the caller's transaction; returns
     * whether the key was still open (and is removed now).
     */
    public boolean releaseForPayment(Connection c, String partnerId, String key, String paymentId) throws SQLException {
        return Sql.update(c, "DELETE FROM idempotency_keys WHERE partner_id = ? AND idem_key = ? AND payment_id = ?"
                + " AND state IN ('IN_PROGRESS', 'PENDING')", partnerId, key, paymentId) == 1;
    }

    /**
     * Deletes keys whose retention has passed; returns how many. That is every finished key, and every
     * key abandoned in progress with no card payment attached and no claim holding it any more (its
     * node stopped before the request's transaction committed, so the key stands for nothing: the
     * effect and the key's completion commit together). Keys with a card payment are kept until
     * the payment is settled.
     */
    public int purgeExpired() {
        Instant now = Time.now(clock);
        return db.write("purge idempotency keys", c -> Sql.update(c, "DELETE FROM idempotency_keys WHERE expires_at < ?"
                + " AND (state IN ('COMPLETED', 'FAILED') OR (state = 'IN_PROGRESS' AND payment_id IS NULL"
                + " AND lease_until <= ?))", now, now));
    }

    private static String truncate(String message) {
        String m = message == null ? "" : message;
        return m.length() <= 1000 ? m : m.substring(0, 997) + "...";
    }

    /** The key as it may appear in a message: at most 80 characters. */
    private static String printable(String key) {
        return key.length() <= 80 ? key : key.substring(0, 77) + "...";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while waiting for a request in progress");
        }
    }
}
