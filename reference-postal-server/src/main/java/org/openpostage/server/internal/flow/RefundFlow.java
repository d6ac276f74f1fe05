package org.openpostage.server.internal.flow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.Caller;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.spi.PaymentGateway;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.idempotency.IdempotencyStore;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Claim;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Row;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refunds of unused indicia: at most once each, within the refund window. The meter is credited
 * (REFUND); for a card purchase the amount then leaves the meter again (REVERSAL) and is paid back
 * to the card, a gateway call that the reconciler repeats until it succeeds.
 */
public final class RefundFlow {
    private static final Logger log = LoggerFactory.getLogger(RefundFlow.class);

    private final CoreContext ctx;

    public RefundFlow(CoreContext ctx) {
        this.ctx = ctx;
    }

    /** A refund under idempotency key {@code key} of {@code caller}. */
    public Refund refund(Caller caller, String key, RefundRequest request) {
        String fingerprint = RequestForm.fingerprint(RequestForm.of(request));
        IdempotencyStore.Begin begin = ctx.idempotency().begin(caller.partnerId(), key,
                IdempotencyStore.Operation.REFUND, fingerprint);
        if (begin instanceof IdempotencyStore.Existing existing) {
            Row row = existing.row();
            if (row.state() == IdempotencyStore.State.FAILED) {
                throw row.error();
            }
            return toRefund(ctx.ledger().loadRefund(row.refundId()).orElseThrow(() -> new IllegalStateException(
                    "refund " + row.refundId() + " is referenced by an idempotency key but missing")));
        }
        Claim claim = ((IdempotencyStore.Claimed) begin).claim();
        try {
            return refundClaimed(caller, claim, request);
        } finally {
            ctx.idempotency().done(claim);
        }
    }

    private Refund refundClaimed(Caller caller, Claim claim, RefundRequest request) {
        Ledger.Refunded refunded;
        try {
            refunded = ctx.db().transaction("refund", c -> {
                Ledger.Refunded r = ctx.ledger().refund(c, caller.partnerId(), caller.mode(), request.indiciumId(),
                        ctx.config().refundWindow(), ctx.config().rejectScannedRefunds());
                ctx.idempotency().complete(c, claim, null, r.refundId());
                return r;
            });
        } catch (RefundNotAllowedException e) {
            ctx.idempotency().fail(claim, e);
            log.info("refund of {} for partner {} refused: {}", request.indiciumId(), caller.partnerId(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            // Nothing was refunded (not found, wrong mode, or the database failed): the key may be used again.
            ctx.idempotency().release(claim);
            Optional<Row> row = ctx.idempotency().find(claim.partnerId(), claim.key());
            if (row.isPresent() && row.get().state() == IdempotencyStore.State.COMPLETED) {
                return toRefund(ctx.ledger().loadRefund(row.get().refundId()).orElseThrow(() -> e));
            }
            throw e;
        }
        log.info("refund {} of indicium {} for partner {}: {} credited to the {}", refunded.refundId(),
                refunded.indiciumId(), caller.partnerId(), refunded.amount(),
                refunded.creditedTo() == PaymentKind.CARD ? "card" : "account");
        if (refunded.creditedTo() == PaymentKind.CARD) {
            // The refund is committed: whatever happens to the payout now, the client's refund succeeded.
            try {
                payOutClaimed(refunded.refundId(), refunded.gatewayReference(), refunded.amount(), caller.mode());
            } catch (RuntimeException e) {
                log.warn("refund {}: the card payout could not be made now ({}); it stays pending and the reconciler "
                        + "retries it", refunded.refundId(), Reconciler.describe(e));
            }
        }
        return toRefund(refunded);
    }

    /**
     * Asks the gateway to pay a card refund back and records the answer; returns the refund's
     * gateway state now: {@code DONE}, {@code PENDING} (no gateway, no answer, or an exception:
     * the reconciler repeats the call) or {@code FAILED}. A decline is recorded as FAILED for the
     * operator to resolve by hand (the meter's journal already shows the REVERSAL, so the ledger
     * stays balanced).
     */
    private String payOut(String refundId, String gatewayReference, Money amount, Mode mode) {
        PaymentGateway.Result r;
        try {
            r = ctx.gateway(mode).refund(gatewayReference, amount, refundId);
        } catch (RuntimeException e) {
            log.warn("refund {}: card gateway call failed: {}", refundId, e.getClass().getSimpleName());
            r = null;
        }
        if (r == null || r.outcome() == null) {
            r = PaymentGateway.Result.unknown("the gateway gave no answer");
        }
        Instant now = Time.now(ctx.clock());
        String state = switch (r.outcome()) {
            case APPROVED -> "DONE";
            case UNKNOWN -> "PENDING";
            default -> "FAILED";
        };
        ctx.db().write("record card refund", c -> Sql.update(c, "UPDATE refunds SET gateway_state = ?, updated_at = ?"
                + " WHERE refund_id = ? AND gateway_state = 'PENDING'", state, now, refundId));
        switch (state) {
            case "DONE" -> log.info("refund {}: {} paid back to the card", refundId, amount);
            case "PENDING" -> log.warn("refund {}: the gateway did not answer; the reconciler will retry", refundId);
            default -> log.error("refund {}: the gateway refused to pay {} back to the card ({}); resolve by hand",
                    refundId, amount, r.message());
        }
        return state;
    }

    /** Repeats the gateway call of card refunds still pending; returns how many completed. */
    public int settlePendingPayouts() {
        Instant now = Time.now(ctx.clock());
        record Pending(String refundId, String reference, Money amount, Mode mode) {
        }
        List<Pending> pending = ctx.db().read("list pending card refunds", c -> Sql.list(c, "SELECT r.refund_id,"
                        + " r.gateway_reference, r.amount, r.currency, p.mode FROM refunds r"
                        + " JOIN indicia i ON i.indicium_id = r.indicium_id JOIN purchases p ON p.purchase_id = i.purchase_id"
                        + " WHERE r.gateway_state = 'PENDING' AND (r.claim_until IS NULL OR r.claim_until < ?)"
                        + " ORDER BY r.refunded_at FETCH FIRST 100 ROWS ONLY",
                rs -> new Pending(rs.getString(1), rs.getString(2), Money.of(rs.getLong(3), rs.getString(4).strip()),
                        Mode.valueOf(rs.getString(5))), now));
        int done = 0;
        for (Pending p : pending) {
            try {
                done += payOutClaimed(p.refundId, p.reference, p.amount, p.mode) ? 1 : 0;
            } catch (RuntimeException e) {
                log.warn("refund {}: the card payout could not be made now ({}); the next pass retries it", p.refundId,
                        Reconciler.describe(e));
            }
        }
        return done;
    }

    /**
     * Pays a card refund back if this driver can claim it: the request that made the refund and
     * the reconcilers of every node may all try, and only the claim holder calls the gateway, so
     * two drivers do not call it at the same time. When the outcome stays unknown (no answer in
     * time, an exception) the claim is kept until its lease ends rather than released, so the
     * next call comes a lease later. That narrows, but cannot close, the window for a second call
     * while the first is still under way at the gateway ({@link BoundedGateway} abandons a call
     * that outlives its limit): paying out exactly once relies on the gateway de-duplicating
     * refunds by refund reference (the refund id), as the {@link PaymentGateway} contract asks.
     * Returns whether it is done; {@code false} also when another driver holds the claim.
     */
    private boolean payOutClaimed(String refundId, String reference, Money amount, Mode mode) {
        Instant now = Time.now(ctx.clock());
        String owner = ctx.nodeId() + ":" + Ids.random(8);
        int claimed = ctx.db().write("claim card refund", c -> Sql.update(c, "UPDATE refunds SET claim_owner = ?,"
                + " claim_until = ? WHERE refund_id = ? AND gateway_state = 'PENDING'"
                + " AND (claim_until IS NULL OR claim_until < ?)", owner, now.plus(ctx.config().requestLease()),
                refundId, now));
        if (claimed != 1) {
            return false;
        }
        String state = payOut(refundId, reference, amount, mode);
        if (!state.equals("PENDING")) {
            ctx.db().write("release card refund", c -> Sql.update(c, "UPDATE refunds SET claim_owner = NULL,"
                    + " claim_until = NULL WHERE refund_id = ? AND claim_owner = ?", refundId, owner));
        }
        return state.equals("DONE");
    }

    private static Refund toRefund(Ledger.Refunded r) {
        return new Refund(r.refundId(), r.indiciumId(), r.amount(), r.creditedTo(), r.refundedAt());
    }
}
