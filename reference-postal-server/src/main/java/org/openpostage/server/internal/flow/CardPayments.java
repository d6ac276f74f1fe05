package org.openpostage.server.internal.flow;

import java.time.Duration;
import java.time.YearMonth;
import java.util.Optional;
import java.util.function.Supplier;
import org.openpostage.api.Caller;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.spi.PaymentGateway;
import org.openpostage.server.spi.PaymentGateway.Outcome;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Claim;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.payments.PaymentStore;
import org.openpostage.server.internal.payments.PaymentStore.Payment;
import org.openpostage.server.internal.payments.PaymentStore.State;
import org.openpostage.server.internal.util.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Card payments: the request path that records, authorizes and captures a payment and issues the
 * purchase it paid for ({@link #pay}), and the settling of a payment whose outcome was not known
 * or whose request died ({@link #settle}, by the reconciler on any node or by a retry under the
 * same key). Every state change goes through {@link PaymentStore#move} (CAPTURED to ISSUED through
 * {@link PaymentStore#markIssued}, inside the issuing transaction) along the table of
 * {@link org.openpostage.server.internal.payments.PaymentMoves} (docs/ledger.md, "Card payments"),
 * naming the state it expects: a driver that loses a move to another stops ({@link Superseded})
 * and answers from what the winner stored.
 *
 * <p>Money rules (docs/ledger.md): nothing is issued before the capture; a capture is issued or
 * refunded, never both; a failure that passes keeps the capture for the retry, so a card is never
 * charged twice for one purchase.
 */
public final class CardPayments {
    private static final Logger log = LoggerFactory.getLogger(CardPayments.class);

    private final CoreContext ctx;

    public CardPayments(CoreContext ctx) {
        this.ctx = ctx;
    }

    /** The result of settling one payment. */
    public enum Settlement {
        /** The purchase is issued (now or before). */
        ISSUED,
        /** The payment failed for good; its key holds the failure (or was released). */
        FAILED,
        /** The gateway still cannot tell. */
        PENDING,
        /** Another caller is settling it right now. */
        BUSY,
        /** It was settled before this call (by another node, say): nothing to do. */
        ALREADY_SETTLED
    }

    /** The answer to a retry whose card payment is not settled yet, worded from the payment's state. */
    PostageException pendingError(String paymentId) {
        Optional<Payment> p = ctx.payments().find(paymentId);
        if (p.isPresent() && p.get().state() == State.CAPTURED) {
            return new ServiceUnavailableException(ErrorCode.SERVICE_UNAVAILABLE, "the card payment ("
                    + p.get().brand() + " ending " + p.get().last4() + ") is taken and kept for this purchase, which "
                    + "could not be recorded yet; retry with the same idempotency key to receive the postage", null,
                    KEPT_PAYMENT_RETRY_AFTER);
        }
        return new PaymentPendingException("the card payment's outcome is not known yet; "
                + "nothing has been issued. Retry later with the same idempotency key");
    }

    /**
     * Pays for {@code request} with {@code card} under {@code claim} and issues the purchase on
     * meter {@code meterId}: records the payment, authorizes, captures, and issues in one
     * transaction with the payment's ISSUED state and the key's completion. The indicia are signed
     * by the caller. Empty when another driver took the payment over meanwhile (this request's
     * claim expired): the caller answers from what that driver stored under the key.
     *
     * @throws PostageException for a decline (stored as the key's outcome), an unknown outcome (the
     *                          key is PENDING), or a failure to issue after the capture
     */
    Optional<Ledger.Issued> pay(Caller caller, Claim claim, PurchaseRequest request, long meterId, CardPayment card,
                                String form) {
        String cardText = card.brand() + " ending " + card.last4();
        PaymentGateway gateway;
        try {
            gateway = ctx.gateway(caller.mode());
        } catch (RuntimeException e) {
            ctx.idempotency().release(claim);
            log.info("purchase of partner {}: {} card payment refused: {}", caller.partnerId(), caller.mode(),
                    e.getMessage());
            throw e;
        }
        if (card.expiredAt(YearMonth.from(ctx.today()))) {
            InvalidRequestException e = new InvalidRequestException("payment.card.expiry: the card (" + cardText
                    + ") expired at the end of " + card.expiry() + "; nothing was charged");
            ctx.idempotency().fail(claim, e);
            log.info("purchase of partner {}: card {} declined before the gateway: expired", caller.partnerId(), cardText);
            throw e;
        }
        String paymentId = Ids.newId("pay");
        String owner = ctx.nodeId() + ":" + Ids.random(8);
        ctx.nodes().hold(owner);
        Payment payment = new Payment(paymentId, caller.partnerId(), claim.key(), caller.mode(), meterId,
                request.total(), card.brand(), card.last4(), State.AUTHORIZING, null, null, form, null);
        try {
            ctx.db().transaction("record payment", c -> {
                ctx.payments().insert(c, payment, owner);
                ctx.idempotency().attachPayment(c, claim, paymentId);
                return null;
            });
        } catch (RuntimeException e) {
            ctx.nodes().release(owner);
            ctx.idempotency().release(claim);
            throw e;
        }
        try {
            PaymentGateway.Result auth = call(() -> gateway.authorize(paymentId, card, request.total()));
            if (auth.outcome() != Outcome.APPROVED) {
                moveOrStop(payment, stateAfter(auth), auth.gatewayReference(), auth.outcome().name(), auth.message());
                throw finish(payment, auth, "authorization");
            }
            if (!ctx.payments().move(paymentId, State.AUTHORIZING, State.AUTHORIZED, auth.gatewayReference(), null, null)) {
                voidIfAbandoned(paymentId, gateway, auth.gatewayReference());
                throw new Superseded(paymentId);
            }
            Payment authorized = withState(payment, State.AUTHORIZED, auth.gatewayReference());
            return Optional.of(captureAndIssue(authorized, gateway));
        } catch (Superseded lost) {
            log.info("payment {} of partner {} is driven by another node now (its claim expired); answering from "
                    + "the stored state", paymentId, caller.partnerId());
            return Optional.empty();
        } finally {
            releaseQuietly(paymentId, owner);
        }
    }

    private static State stateAfter(PaymentGateway.Result r) {
        return r.outcome() == Outcome.UNKNOWN ? State.UNKNOWN : State.DECLINED;
    }

    /**
     * After a lost move out of AUTHORIZING: if the reconciler gave the payment up as never having
     * reached the gateway (FAILED, its key released for a fresh attempt), the authorization that
     * arrived late is released, so that it is never captured.
     */
    private void voidIfAbandoned(String paymentId, PaymentGateway gateway, String gatewayReference) {
        Optional<Payment> now = ctx.payments().find(paymentId);
        if (now.isPresent() && now.get().state() == State.FAILED) {
            PaymentGateway.Result r = call(() -> gateway.voidAuthorization(gatewayReference));
            log.warn("payment {} was given up while its authorization was under way; the late authorization {} was "
                    + "voided: {}", paymentId, gatewayReference, r.outcome());
        }
    }

    /**
     * Moves {@code p} from its state to {@code to}; if the payment is no longer in that state,
     * another driver (the reconciler, after this request's claim expired) has moved it, and this
     * one stops with {@link Superseded}.
     */
    private void moveOrStop(Payment p, State to, String gatewayReference, String failureCode, String failureMessage) {
        if (!ctx.payments().move(p.paymentId(), p.state(), to, gatewayReference, failureCode, failureMessage)) {
            throw new Superseded(p.paymentId());
        }
    }

    /** Captures an authorized payment and issues its purchase. */
    private Ledger.Issued captureAndIssue(Payment p, PaymentGateway gateway) {
        PaymentGateway.Result capture = call(() -> gateway.capture(p.gatewayReference(), p.amount()));
        switch (capture.outcome()) {
            case APPROVED -> moveOrStop(p, State.CAPTURED, null, null, null);
            case UNKNOWN -> {
                moveOrStop(p, State.UNKNOWN, null, null, capture.message());
                throw finish(p, capture, "capture");
            }
            default -> {
                // Win the move first: a driver that lost it must not void what another may have captured.
                moveOrStop(p, State.VOIDED, null, capture.outcome().name(), capture.message());
                call(() -> gateway.voidAuthorization(p.gatewayReference()));
                throw finish(p, capture, "capture");
            }
        }
        return issueCaptured(withState(p, State.CAPTURED, p.gatewayReference()), gateway);
    }

    /**
     * Records the end of a payment that did not go through and returns the exception for the
     * caller: a decline is final for the key; an unknown outcome parks the key as PENDING.
     */
    private PostageException finish(Payment p, PaymentGateway.Result result, String step) {
        String card = p.brand() + " ending " + p.last4();
        PostageException e = result.outcome() == Outcome.UNKNOWN
                ? new PaymentPendingException("the card gateway did not answer the " + step + " in time; the "
                        + "payment's outcome is not known yet and nothing has been issued. Retry later with the same "
                        + "idempotency key")
                : declineError(p, result.outcome(), result.message());
        if (result.outcome() == Outcome.UNKNOWN) {
            ctx.idempotency().pendForPayment(p.partnerId(), p.idemKey(), p.paymentId());
            log.warn("payment {} of partner {} ({}): {} outcome unknown; the reconciler will settle it", p.paymentId(),
                    p.partnerId(), card, step);
        } else {
            ctx.idempotency().failForPayment(p.partnerId(), p.idemKey(), p.paymentId(), e);
            log.info("payment {} of partner {} ({}): {} {}", p.paymentId(), p.partnerId(), card, step,
                    result.outcome().name().toLowerCase());
        }
        return e;
    }

    /** The caller's error for a payment the gateway declined with {@code outcome} and {@code message}. */
    private static PostageException declineError(Payment p, Outcome outcome, String message) {
        String card = p.brand() + " ending " + p.last4();
        return outcome == Outcome.INSUFFICIENT_FUNDS
                ? new InsufficientFundsException("the card (" + card + ") has insufficient funds: " + message
                        + "; nothing was charged")
                : new PaymentDeclinedException("the card (" + card + ") was declined: " + message
                        + "; nothing was charged");
    }

    /**
     * Issues the purchase a captured payment paid for: FUNDING, DEBITs and the indicia's data in one
     * transaction with the payment's ISSUED state and the key's completion. If that fails, the
     * capture is refunded at the gateway. The indicia are signed afterwards, by the caller
     * ({@link org.openpostage.server.internal.ledger.Signatures}): once the transaction committed
     * the payment is spent on them, whatever happens to the signing.
     *
     * <p>A payment is issued or refunded, never both: issuing needs the move CAPTURED to ISSUED
     * (inside the transaction) and refunding needs the move CAPTURED to COMPENSATING, and only one
     * of the two can win. A driver that loses answers from what the winner stored.
     */
    private Ledger.Issued issueCaptured(Payment p, PaymentGateway gateway) {
        RequestForm.Stored stored = RequestForm.parse(p.requestForm());
        Ledger.IssueCommand cmd = new Ledger.IssueCommand(Ids.newId("pur"), p.partnerId(), p.mode(), p.meterId(),
                stored.items(), new Ledger.CardFunding(p.paymentId(), p.gatewayReference(), p.brand(), p.last4()));
        try {
            Ledger.Issued issued = ctx.db().transaction("purchase", c -> {
                ctx.payments().markIssued(c, p.paymentId(), cmd.purchaseId());
                ctx.idempotency().completeForPayment(c, p.partnerId(), p.idemKey(), p.paymentId(), cmd.purchaseId());
                Ledger.Issued i = ctx.ledger().debit(c, cmd);
                if (!i.total().equals(p.amount())) {
                    // The meter would be funded with another amount than the card paid: roll back and refund.
                    throw new PostageException(ErrorCode.INTERNAL, "purchase of payment " + p.paymentId() + " would fund "
                            + i.total() + " but the card paid " + p.amount(), null, null);
                }
                return i;
            });
            log.info("purchase {} issued: partner {}, meter {}, {} indicia, {} paid by card {} ending {} (payment {})",
                    issued.purchaseId(), p.partnerId(), issued.meterId(), issued.indicia().size(), issued.total(),
                    p.brand(), p.last4(), p.paymentId());
            return issued;
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                return keepCaptured(p, e);
            }
            if (startCompensation(p, e)) {
                throw compensate(p, gateway, e);
            }
            // Not CAPTURED any more: this transaction committed after all (its answer was lost), or
            // another driver issued or compensated it.
            Payment now = ctx.payments().find(p.paymentId()).orElseThrow(() -> e);
            if (now.state() == State.ISSUED) {
                return ctx.ledger().loadPurchase(now.purchaseId()).orElseThrow(() -> e);
            }
            throw new Superseded(p.paymentId());
        }
    }

    /**
     * After the issuing transaction of a captured payment failed with a failure that passes by
     * itself ({@link Failures#isTransient}: a failover, a dropped connection, a busy ledger): the
     * money stays captured for this purchase, which is issued against it by the client's retry
     * with the same key ({@link #settle}) or by the reconciler, never refunded and charged again.
     * If the transaction committed after all (its answer was lost), its purchase is returned.
     * Otherwise the key is parked as PENDING (when the database lets us) and the caller gets a
     * retryable error.
     */
    private Ledger.Issued keepCaptured(Payment p, RuntimeException cause) {
        try {
            Optional<Payment> now = ctx.payments().find(p.paymentId());
            if (now.isPresent() && now.get().state() == State.ISSUED) {
                Optional<Ledger.Issued> issued = ctx.ledger().loadPurchase(now.get().purchaseId());
                if (issued.isPresent()) {
                    return issued.get();
                }
            }
            ctx.idempotency().pendForPayment(p.partnerId(), p.idemKey(), p.paymentId());
        } catch (RuntimeException again) {
            cause.addSuppressed(again);
        }
        log.warn("payment {} of partner {} ({} ending {}) is captured but its purchase could not be recorded now ({}); "
                + "the payment is kept and the purchase is issued against it on retry or by the reconciler",
                p.paymentId(), p.partnerId(), p.brand(), p.last4(), Failures.describe(cause));
        throw new ServiceUnavailableException(ErrorCode.SERVICE_UNAVAILABLE, "the card payment (" + p.brand()
                + " ending " + p.last4() + ") is taken, but the postal server's ledger could not record the purchase "
                + "just now; the payment is kept for it and will not be charged again: retry with the same idempotency "
                + "key to receive the postage", null, KEPT_PAYMENT_RETRY_AFTER);
    }

    /** The pause asked of a client whose purchase waits on a payment kept after a database failure. */
    private static final Duration KEPT_PAYMENT_RETRY_AFTER = Duration.ofSeconds(2);

    /**
     * Moves a captured payment whose purchase failed with {@code cause} to COMPENSATING and, in the
     * same transaction, finishes its idempotency key: a final failure is stored for the key, any
     * other failure releases it for a fresh attempt. So the key never waits on a payment that is
     * being refunded, whatever happens to this node during the refund. Returns whether this driver
     * won the move.
     */
    private boolean startCompensation(Payment p, RuntimeException cause) {
        PostageException keyError = finalError(cause, "the card payment is being refunded");
        try {
            return ctx.db().transaction("compensate payment", c -> {
                if (!ctx.payments().move(c, p.paymentId(), State.CAPTURED, State.COMPENSATING, null, "ISSUE_FAILED",
                        Failures.describe(cause))) {
                    return false;
                }
                if (keyError != null) {
                    ctx.idempotency().failForPayment(c, p.partnerId(), p.idemKey(), p.paymentId(), keyError);
                } else {
                    ctx.idempotency().releaseForPayment(c, p.partnerId(), p.idemKey(), p.paymentId());
                }
                return true;
            });
        } catch (RuntimeException again) {
            again.addSuppressed(cause);
            throw again;
        }
    }

    /**
     * The error a purchase that failed with {@code cause} after the capture stores for its key,
     * with {@code note} on the card payment; {@code null} if the failure is not final (the key is
     * released and a retry runs afresh).
     */
    private static PostageException finalError(RuntimeException cause, String note) {
        if (cause instanceof PostageException pe && !pe.retryable()) {
            return pe.code() == ErrorCode.INTERNAL ? pe : pe.code().toException(pe.getMessage() + " (" + note + ")", null);
        }
        return null;
    }

    /**
     * Refunds a captured payment whose purchase could not be issued (the caller won the move to
     * COMPENSATING, which also finished the key), and returns the caller's error, worded from the
     * refund's result.
     */
    private PostageException compensate(Payment p, PaymentGateway gateway, RuntimeException cause) {
        log.warn("payment {} of partner {} was captured but its purchase failed ({}); refunding it at the gateway",
                p.paymentId(), p.partnerId(), Failures.describe(cause));
        boolean refunded = refundCompensation(p, gateway);
        PostageException error = finalError(cause, refunded ? "the card payment is refunded"
                : "the card payment is being refunded");
        if (error != null) {
            return error;
        }
        PostageException mapped = Failures.toPostage(cause, "purchase", null);
        return mapped.retryable() ? mapped : new ServiceUnavailableException("the purchase could not be completed and "
                + (refunded ? "the card payment was refunded" : "the card payment is being refunded")
                + "; retry with the same idempotency key");
    }

    /**
     * Asks the gateway to refund a payment in COMPENSATING; the reconciler repeats it until it
     * succeeds. The refund reference is fixed per payment, so two drivers refund once.
     */
    boolean refundCompensation(Payment p, PaymentGateway gateway) {
        PaymentGateway.Result r = call(() -> gateway.refund(p.gatewayReference(), p.amount(), "cmp_" + p.paymentId()));
        if (r.outcome() == Outcome.APPROVED) {
            if (ctx.payments().move(p.paymentId(), State.COMPENSATING, State.REFUNDED, null, "ISSUE_FAILED",
                    "purchase failed; payment refunded")) {
                log.info("payment {} refunded to the card after its purchase failed", p.paymentId());
            }
            return true;
        }
        log.warn("refund of payment {} did not complete ({}); the reconciler will retry it", p.paymentId(), r.message());
        return false;
    }

    /**
     * Drives a card payment whose outcome was unknown (or whose request died) to its end: asks the
     * gateway, captures if needed, and issues the purchase or records the failure under the
     * original idempotency key. Safe on several nodes at once: one claims the payment, the others
     * get {@link Settlement#BUSY}; a driver whose claim expired meanwhile loses its next state
     * change and stops (also {@link Settlement#BUSY}).
     */
    public Settlement settle(String paymentId) {
        String owner = ctx.nodeId() + ":" + Ids.random(8);
        ctx.nodes().hold(owner);
        boolean claimed = false;
        try {
            claimed = ctx.payments().claim(paymentId, owner);
        } finally {
            if (!claimed) {
                ctx.nodes().release(owner);
            }
        }
        if (!claimed) {
            return Settlement.BUSY;
        }
        try {
            Payment p = ctx.payments().find(paymentId).orElseThrow();
            return switch (p.state()) {
                case ISSUED, DECLINED, VOIDED, REFUNDED, FAILED -> {
                    finishKey(p);
                    yield Settlement.ALREADY_SETTLED;
                }
                case COMPENSATING -> {
                    finishKey(p);
                    refundCompensation(p, ctx.gateway(p.mode()));
                    yield Settlement.FAILED;
                }
                case CAPTURED -> issueOrFail(p, ctx.gateway(p.mode()));
                case AUTHORIZING, AUTHORIZED, UNKNOWN -> settleWithLookup(p, ctx.gateway(p.mode()));
            };
        } catch (Superseded lost) {
            return Settlement.BUSY;
        } catch (PostageException e) {
            return e.retryable() ? Settlement.PENDING : Settlement.FAILED;
        } finally {
            releaseQuietly(paymentId, owner);
        }
    }

    /**
     * Frees this driver's claim on a payment; when the database cannot be reached (a failover), the
     * claim is left to expire, and this node's heartbeat frees it once the database answers again
     * ({@link org.openpostage.server.internal.nodes.Nodes}), so the caller's answer is not lost.
     */
    private void releaseQuietly(String paymentId, String owner) {
        try {
            ctx.payments().release(paymentId, owner);
        } catch (RuntimeException e) {
            log.info("the claim on payment {} could not be freed now ({}); it is freed when the ledger answers again",
                    paymentId, Failures.describe(e));
        } finally {
            ctx.nodes().release(owner);
        }
    }

    /**
     * Brings the idempotency key of a payment that has ended (or is being refunded) in line with
     * it, as the request path would have: a decline is stored as the key's failure; a payment that
     * moved no money in the end (FAILED, REFUNDED, COMPENSATING) releases the key for a fresh
     * attempt. A key already finished is left alone, so this only repairs a key whose node died
     * between the payment's move and the key's update.
     */
    private void finishKey(Payment p) {
        boolean repaired = switch (p.state()) {
            case DECLINED, VOIDED -> {
                PaymentStore.Failure failure = ctx.payments().failure(p.paymentId());
                Outcome outcome = Outcome.INSUFFICIENT_FUNDS.name().equals(failure.code())
                        ? Outcome.INSUFFICIENT_FUNDS : Outcome.DECLINED;
                String message = failure.message() != null ? failure.message() : "declined by the card gateway";
                yield ctx.db().transaction("finish idempotency key", c -> ctx.idempotency().failForPayment(c,
                        p.partnerId(), p.idemKey(), p.paymentId(), declineError(p, outcome, message)));
            }
            case FAILED, REFUNDED, COMPENSATING -> ctx.db().transaction("finish idempotency key",
                    c -> ctx.idempotency().releaseForPayment(c, p.partnerId(), p.idemKey(), p.paymentId()));
            default -> false;
        };
        if (repaired) {
            log.warn("payment {} of partner {} is {} but its idempotency key was still open (its node stopped between "
                    + "the two updates); the key now says so", p.paymentId(), p.partnerId(), p.state());
        }
    }

    private Settlement settleWithLookup(Payment p, PaymentGateway gateway) {
        PaymentGateway.Status status = lookup(gateway, p.paymentId());
        switch (status.state()) {
            case UNKNOWN:
                return Settlement.PENDING;
            case NOT_FOUND:
                if (p.createdAt().plus(ctx.config().requestLease()).isAfter(ctx.clock().instant())) {
                    return Settlement.PENDING; // the authorization may still be on its way
                }
                moveOrStop(p, State.FAILED, null, "NOT_FOUND", status.message());
                ctx.idempotency().releaseForPayment(p.partnerId(), p.idemKey(), p.paymentId());
                log.info("payment {} never reached the gateway; nothing was charged and the request may be retried",
                        p.paymentId());
                return Settlement.FAILED;
            case DECLINED:
            case INSUFFICIENT_FUNDS:
            case VOIDED: {
                Outcome outcome = status.state() == PaymentGateway.State.INSUFFICIENT_FUNDS
                        ? Outcome.INSUFFICIENT_FUNDS : Outcome.DECLINED;
                moveOrStop(p, status.state() == PaymentGateway.State.VOIDED ? State.VOIDED : State.DECLINED,
                        status.gatewayReference(), outcome.name(), status.message());
                finish(p, new PaymentGateway.Result(outcome, status.gatewayReference(), status.message()), "authorization");
                return Settlement.FAILED;
            }
            case AUTHORIZED: {
                moveOrStop(p, State.AUTHORIZED, status.gatewayReference(), null, null);
                Payment authorized = withState(p, State.AUTHORIZED, status.gatewayReference());
                try {
                    signQuietly(captureAndIssue(authorized, gateway));
                    return Settlement.ISSUED;
                } catch (PaymentPendingException e) {
                    return Settlement.PENDING;
                } catch (PostageException e) {
                    return Settlement.FAILED;
                }
            }
            case CAPTURED:
            default: {
                moveOrStop(p, State.CAPTURED, status.gatewayReference(), null, null);
                return issueOrFail(withState(p, State.CAPTURED, status.gatewayReference()), gateway);
            }
        }
    }

    private Settlement issueOrFail(Payment captured, PaymentGateway gateway) {
        try {
            signQuietly(issueCaptured(captured, gateway));
            return Settlement.ISSUED;
        } catch (PostageException e) {
            // A retryable failure kept the payment CAPTURED: the next retry or pass issues it.
            return e.retryable() ? Settlement.PENDING : Settlement.FAILED;
        }
    }

    /**
     * Signs a purchase settled in the background, so that the retry that asks for it finds it
     * ready; if the device cannot sign now, that retry signs it.
     */
    private void signQuietly(Ledger.Issued issued) {
        try {
            ctx.signatures().complete(issued);
        } catch (RuntimeException e) {
            log.info("purchase {} is issued; its indicia are signed when it is asked for ({})", issued.purchaseId(),
                    Failures.describe(e));
        }
    }

    /**
     * Thrown by a driver of a payment that lost a state change: another driver moved the payment
     * first. The loser stops and answers from the stored state.
     */
    private static final class Superseded extends RuntimeException {
        Superseded(String paymentId) {
            super("payment " + paymentId + " was moved by another driver", null, false, false);
        }
    }

    private static Payment withState(Payment p, State state, String gatewayReference) {
        return new Payment(p.paymentId(), p.partnerId(), p.idemKey(), p.mode(), p.meterId(), p.amount(), p.brand(),
                p.last4(), state, gatewayReference, p.purchaseId(), p.requestForm(), p.createdAt());
    }

    /** Calls the gateway; an exception is an unknown outcome, as the SPI contract says. */
    private static PaymentGateway.Result call(Supplier<PaymentGateway.Result> call) {
        try {
            PaymentGateway.Result r = call.get();
            return r != null ? r : PaymentGateway.Result.unknown("the gateway gave no answer");
        } catch (RuntimeException e) {
            log.warn("card gateway call failed: {}", e.getClass().getSimpleName());
            return PaymentGateway.Result.unknown("the gateway failed");
        }
    }

    private static PaymentGateway.Status lookup(PaymentGateway gateway, String paymentId) {
        try {
            PaymentGateway.Status s = gateway.lookup(paymentId);
            return s != null ? s : new PaymentGateway.Status(PaymentGateway.State.UNKNOWN, null, null);
        } catch (RuntimeException e) {
            log.warn("card gateway lookup failed: {}", e.getClass().getSimpleName());
            return new PaymentGateway.Status(PaymentGateway.State.UNKNOWN, null, "the gateway failed");
        }
    }
}
