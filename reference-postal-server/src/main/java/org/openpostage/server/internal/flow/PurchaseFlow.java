package org.openpostage.server.internal.flow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.openpostage.api.Caller;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.PriceChangedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PostageError;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.server.spi.PaymentGateway;
import org.openpostage.server.spi.PaymentGateway.Outcome;
import org.openpostage.server.internal.db.DataAccessException;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.idempotency.IdempotencyStore;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Claim;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Row;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.ledger.Signatures;
import org.openpostage.server.internal.payments.PaymentStore;
import org.openpostage.server.internal.payments.PaymentStore.Payment;
import org.openpostage.server.internal.payments.PaymentStore.State;
import org.openpostage.server.internal.rates.Priced;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purchases: idempotency, validation, payment (account or card) and issuing, plus the settlement
 * of card payments whose outcome was unknown.
 *
 * <p>A purchase first claims its idempotency key; a key already used replays its outcome. Then it
 * validates the request (meter, rendering, background, dates, prices) — failures here change
 * nothing and release the key — and pays:
 * <ul>
 *   <li><b>Account</b>: one transaction locks the meter, checks the descending register, debits
 *       every item, stores the signed indicia and completes the key.</li>
 *   <li><b>Card</b>: the payment is recorded (brand and last four), authorized and captured; then
 *       one transaction journals the FUNDING, the DEBITs and the indicia, marks the payment
 *       ISSUED and completes the key. A decline is stored as the key's final outcome. An unknown
 *       gateway answer parks the key as PENDING; {@link #settle} finishes it later, on any node.
 *       If issuing fails after the capture, the payment is refunded at the gateway.</li>
 * </ul>
 */
public final class PurchaseFlow {
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

    private static final Logger log = LoggerFactory.getLogger(PurchaseFlow.class);

    private final CoreContext ctx;

    public PurchaseFlow(CoreContext ctx) {
        this.ctx = ctx;
    }

    // ---------------------------------------------------------------- entry points

    /** A purchase under idempotency key {@code key} of {@code caller}. */
    public Purchase purchase(Caller caller, String key, PurchaseRequest request) {
        String form = RequestForm.of(request);
        String fingerprint = RequestForm.fingerprint(form);
        if (!(request.payment() instanceof CardPayment)) {
            Fresh fresh = fresh(caller, key, fingerprint, request, null);
            if (fresh != null) {
                Answer answer = issueTogether(caller, List.of(fresh)).get(0);
                if (!answer.ordinaryPath()) {
                    return answer.get();
                }
            }
        }
        return claimAndPurchase(caller, key, request, form, fingerprint);
    }

    /**
     * The ordinary path of a purchase: claim the key in a statement of its own, or find what an
     * earlier call left under it (a replay, a stored failure, a call still running, a card payment
     * to settle), then execute.
     */
    private Purchase claimAndPurchase(Caller caller, String key, PurchaseRequest request, String form,
                                      String fingerprint) {
        for (int round = 0; ; round++) {
            IdempotencyStore.Begin begin = ctx.idempotency().begin(caller.partnerId(), key,
                    IdempotencyStore.Operation.PURCHASE, fingerprint);
            if (begin instanceof IdempotencyStore.Claimed claimed) {
                try {
                    return execute(caller, claimed.claim(), request, form);
                } finally {
                    ctx.idempotency().done(claimed.claim());
                }
            }
            Row row = ((IdempotencyStore.Existing) begin).row();
            Optional<Purchase> outcome = outcome(row, request.print());
            if (outcome.isPresent()) {
                return outcome.get();
            }
            // The key was released while settling (the payment never reached the gateway): run afresh once.
            if (round > 0) {
                throw new ServiceUnavailableException("the request could not be completed; retry with the same key");
            }
        }
    }

    /**
     * A batch: each entry is a purchase keyed by {@code key + ":" + reference}; the batch key itself
     * guards against the same key being used for a different batch.
     *
     * <p>Entries paid from the account whose keys were never used are issued together, up to
     * {@value #CHUNK} per transaction ({@link #issueTogether}): each keeps its own key and outcome
     * (an entry the meter cannot pay fails alone, stored as its key's failure, and the others in its
     * chunk are issued). Card entries, entries validation refuses, and the entries of a chunk whose
     * transaction met a key already used (a retried batch, which then replays them; a concurrent
     * call) take the path of a single purchase, one by one.
     */
    public BatchPurchaseResult purchaseBatch(Caller caller, String key, BatchPurchaseRequest batch, String requestId) {
        String fingerprint = RequestForm.fingerprint(RequestForm.of(batch));
        IdempotencyStore.Begin begin = ctx.idempotency().begin(caller.partnerId(), key,
                IdempotencyStore.Operation.BATCH, fingerprint);
        Claim claim = begin instanceof IdempotencyStore.Claimed c ? c.claim() : null;
        List<BatchEntry> entries = batch.entries();
        BatchItemResult[] results = new BatchItemResult[entries.size()];
        // Renewed once a quarter of the lease has passed, not after every entry: one UPDATE per
        // 15 s of a long batch instead of one per entry.
        Duration renewEvery = ctx.config().requestLease().dividedBy(4);
        Instant[] renewed = {Time.now(ctx.clock())};
        Claim[] held = {claim};
        Runnable renew = () -> {
            Instant now = Time.now(ctx.clock());
            if (held[0] != null && !now.isBefore(renewed[0].plus(renewEvery))) {
                held[0] = renewBatchClaim(held[0], caller);
                renewed[0] = now;
            }
        };

        List<Integer> ordinary = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            (entries.get(i).request().payment() instanceof CardPayment ? ordinary : candidates).add(i);
        }
        Map<Object, Ledger.Meter> meters = new HashMap<>();
        List<Integer> chunk = new ArrayList<>();
        List<Fresh> fresh = new ArrayList<>();
        for (int n = 0; n < candidates.size(); n++) {
            int i = candidates.get(n);
            BatchEntry entry = entries.get(i);
            String entryKey = key + ":" + entry.reference();
            // A key used before (a retried batch) is not looked up here: the chunk's transaction meets it
            // and sends the chunk down the single path, which replays. Nor is one whose request validation
            // refuses: the single path looks at its key first (a replay stays a replay), then answers.
            Fresh f = fresh(caller, entryKey, RequestForm.fingerprint(RequestForm.of(entry.request())),
                    entry.request(), meters);
            if (f == null) {
                ordinary.add(i);
            } else {
                chunk.add(i);
                fresh.add(f);
            }
            if (chunk.size() == CHUNK || (n == candidates.size() - 1 && !chunk.isEmpty())) {
                List<Answer> answers = issueTogether(caller, fresh);
                for (int k = 0; k < chunk.size(); k++) {
                    Answer a = answers.get(k);
                    int at = chunk.get(k);
                    if (a.ordinaryPath()) {
                        ordinary.add(at);
                    } else {
                        results[at] = a.error() == null
                                ? BatchItemResult.success(entries.get(at).reference(), a.purchase)
                                : failure(entries.get(at), a.error(), requestId);
                    }
                }
                chunk.clear();
                fresh.clear();
                renew.run();
            }
        }
        ordinary.sort(null);
        for (int i : ordinary) {
            BatchEntry entry = entries.get(i);
            try {
                results[i] = BatchItemResult.success(entry.reference(),
                        purchase(caller, key + ":" + entry.reference(), entry.request()));
            } catch (RuntimeException e) {
                results[i] = failure(entry, e, requestId);
            }
            renew.run();
        }
        if (held[0] != null) {
            try {
                ctx.idempotency().completeBatch(held[0]);
            } catch (RuntimeException e) {
                // The entries are done and keyed on their own: the caller still gets their results.
                log.warn("batch of partner {}: its key could not be completed ({}); a retry replays the entries",
                        caller.partnerId(), Reconciler.describe(e));
            } finally {
                ctx.idempotency().done(held[0]);
            }
        }
        List<BatchItemResult> list = List.of(results);
        long ok = list.stream().filter(BatchItemResult::succeeded).count();
        log.info("batch of partner {}: {} of {} entries succeeded", caller.partnerId(), ok, list.size());
        return new BatchPurchaseResult(list);
    }

    /** The most entries of a batch issued in one transaction. */
    static final int CHUNK = 100;

    private static BatchItemResult failure(BatchEntry entry, RuntimeException e, String requestId) {
        PostageException pe = Failures.toPostage(e, "batch entry " + entry.reference(), requestId);
        return BatchItemResult.failure(entry.reference(), PostageError.of(pe));
    }

    // ---------------------------------------------------------------- account purchases issued together

    /** An account purchase under a key never used, validated and ready to issue. */
    private record Fresh(String key, String fingerprint, PurchaseRequest request, Validated validated,
                         Ledger.IssueCommand command) {
    }

    /**
     * What {@link #issueTogether} made of one purchase: the purchase, its final failure, or
     * {@code ordinaryPath} when it must take the single path (its key turned out to be in use).
     */
    private record Answer(Purchase purchase, RuntimeException error, boolean ordinaryPath) {
        static final Answer ORDINARY = new Answer(null, null, true);

        Purchase get() {
            if (error != null) {
                throw error;
            }
            return purchase;
        }
    }

    /**
     * {@code request} (paid from the account) validated as a purchase under the unused key
     * {@code key}; {@code null} if validation refused it, for the single path to answer (a key used
     * before then replays its outcome, whatever the request's validity today). {@code meters}, if
     * given, caches the meters a batch's entries name.
     */
    private Fresh fresh(Caller caller, String key, String fingerprint, PurchaseRequest request,
                        Map<Object, Ledger.Meter> meters) {
        Validated v;
        try {
            v = validate(caller, request, meters);
        } catch (RuntimeException e) {
            return null;
        }
        return new Fresh(key, fingerprint, request, v, new Ledger.IssueCommand(Ids.newId("pur"), caller.partnerId(),
                caller.mode(), v.meter.meterId(), request.items(), null));
    }

    /**
     * Issues account purchases whose keys no one used, in one transaction that records each key
     * with its outcome ({@link IdempotencyStore#insertCompleted}) and debits them all
     * ({@link Ledger#debitAccounts}): one commit instead of a claim, a purchase and a completion
     * each. A purchase its meter cannot pay stores its failure under its key in the same
     * transaction. Then the indicia are signed outside every lock and stored in one more
     * transaction ({@link org.openpostage.server.internal.ledger.Signatures#completeAll}).
     *
     * <p>If a key turns out to be in use (a concurrent call, a key used before), the transaction
     * rolls back and every purchase of it takes the single path. If the transaction fails otherwise,
     * each purchase's key says what happened: committed (replayed), or nothing (the failure is the
     * answer, to be retried with the key).
     */
    private List<Answer> issueTogether(Caller caller, List<Fresh> fresh) {
        List<IdempotencyStore.Outcome> outcomes = new ArrayList<>(fresh.size());
        List<Ledger.IssueCommand> commands = new ArrayList<>(fresh.size());
        for (Fresh f : fresh) {
            outcomes.add(new IdempotencyStore.Outcome(f.key, f.fingerprint, f.command.purchaseId()));
            commands.add(f.command);
        }
        List<Ledger.Debited> debited;
        try {
            debited = ctx.db().transaction("purchase", c -> {
                ctx.idempotency().insertCompleted(c, caller.partnerId(), outcomes);
                List<Ledger.Debited> d = ctx.ledger().debitAccounts(c, commands);
                for (int k = 0; k < d.size(); k++) {
                    if (d.get(k).failure() != null) {
                        ctx.idempotency().failInserted(c, caller.partnerId(), fresh.get(k).key, d.get(k).failure());
                    }
                }
                return d;
            });
        } catch (DataAccessException e) {
            if (Sql.UNIQUE_VIOLATION.equals(e.sqlState())) {
                return java.util.Collections.nCopies(fresh.size(), Answer.ORDINARY);
            }
            return afterUnknown(caller, fresh, e);
        } catch (RuntimeException e) {
            return afterUnknown(caller, fresh, e);
        }
        List<Ledger.Issued> issued = new ArrayList<>(fresh.size());
        for (Ledger.Debited d : debited) {
            if (d.issued() != null) {
                issued.add(d.issued());
                log.debug("purchase {} issued: partner {}, meter {}, {} indicia, {} from the account",
                        d.issued().purchaseId(), caller.partnerId(), d.issued().meterId(), d.issued().indicia().size(),
                        d.issued().total());
            } else {
                log.info("purchase of partner {} on meter {} failed: {}", caller.partnerId(), d.command().meterId(),
                        d.failure().getMessage());
            }
        }
        // Paid and recorded: from here on a failure leaves the key COMPLETED, and a retry signs.
        Iterator<Ledger.Issued> signed = ctx.signatures().completeAll(issued).iterator();
        List<Answer> answers = new ArrayList<>(fresh.size());
        for (int k = 0; k < fresh.size(); k++) {
            Ledger.Debited d = debited.get(k);
            if (d.failure() != null) {
                answers.add(new Answer(null, d.failure(), false));
                continue;
            }
            Ledger.Issued s = signed.next();
            if (!s.isSigned()) {
                answers.add(new Answer(null, Signatures.unsigned(s.purchaseId()), false));
                continue;
            }
            try {
                answers.add(new Answer(toPurchase(s, fresh.get(k).request.print(), fresh.get(k).validated.background),
                        null, false));
            } catch (RuntimeException e) {
                answers.add(new Answer(null, e, false));
            }
        }
        return answers;
    }

    /**
     * After the transaction of {@link #issueTogether} failed without a key conflict: it may still
     * have committed (the connection broke during COMMIT), so each key says what happened.
     */
    private List<Answer> afterUnknown(Caller caller, List<Fresh> fresh, RuntimeException e) {
        List<Answer> answers = new ArrayList<>(fresh.size());
        for (Fresh f : fresh) {
            try {
                Optional<Row> row = ctx.idempotency().find(caller.partnerId(), f.key);
                if (row.isPresent() && row.get().state() == IdempotencyStore.State.COMPLETED) {
                    answers.add(new Answer(replay(row.get().purchaseId(), f.request.print()), null, false));
                } else if (row.isPresent() && row.get().state() == IdempotencyStore.State.FAILED) {
                    answers.add(new Answer(null, row.get().error(), false));
                } else {
                    answers.add(new Answer(null, e, false));
                }
            } catch (RuntimeException again) {
                answers.add(new Answer(null, e, false));
            }
        }
        return answers;
    }

    /**
     * Renews the batch key's lease (held by {@code claim}) during the batch, so that a batch longer
     * than the lease is not taken over; returns the claim, or {@code null} once it is lost (logged; the entries' results
     * still go to the caller, and the batch key is then left to whoever took it over).
     */
    private Claim renewBatchClaim(Claim claim, Caller caller) {
        try {
            if (ctx.idempotency().renew(claim)) {
                return claim;
            }
            log.warn("batch of partner {}: the claim on its key was lost (taken over after its lease); the entries "
                    + "are still answered, each under its own key", caller.partnerId());
        } catch (RuntimeException e) {
            log.warn("batch of partner {}: its key's lease could not be renewed ({})", caller.partnerId(),
                    Reconciler.describe(e));
            return claim;
        }
        return null;
    }

    /** What a key someone else already used stands for; empty if the key was released meanwhile. */
    private Optional<Purchase> outcome(Row row, PrintOptions print) {
        switch (row.state()) {
            case COMPLETED:
                log.debug("replaying purchase {} for partner {}", row.purchaseId(), row.partnerId());
                return Optional.of(replay(row.purchaseId(), print));
            case FAILED:
                throw row.error();
            default:
                // PENDING, or IN_PROGRESS with a card payment left by a request that died: settle it now.
                Settlement s = settle(row.paymentId());
                log.debug("retry of pending payment {} settled as {}", row.paymentId(), s);
                Optional<Row> now = ctx.idempotency().find(row.partnerId(), row.key());
                if (now.isEmpty()) {
                    return Optional.empty();
                }
                return switch (now.get().state()) {
                    case COMPLETED -> Optional.of(replay(now.get().purchaseId(), print));
                    case FAILED -> throw now.get().error();
                    default -> throw pendingError(row.paymentId());
                };
        }
    }

    /** The answer to a retry whose card payment is not settled yet, worded from the payment's state. */
    private PostageException pendingError(String paymentId) {
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

    // ---------------------------------------------------------------- execution

    private Purchase execute(Caller caller, Claim claim, PurchaseRequest request, String form) {
        Validated v;
        try {
            v = validate(caller, request);
        } catch (RuntimeException e) {
            ctx.idempotency().release(claim);
            throw e;
        }
        if (request.payment() instanceof CardPayment card) {
            return payByCard(caller, claim, request, v, card, form);
        }
        return payByAccount(caller, claim, request, v);
    }

    private Purchase payByAccount(Caller caller, Claim claim, PurchaseRequest request, Validated v) {
        Ledger.IssueCommand cmd = new Ledger.IssueCommand(Ids.newId("pur"), caller.partnerId(), caller.mode(),
                v.meter.meterId(), request.items(), null);
        Ledger.Issued issued;
        try {
            issued = ctx.db().transaction("purchase", c -> {
                // The key is completed first: it is this request's own row, so no one waits on it.
                ctx.idempotency().complete(c, claim, cmd.purchaseId(), null);
                return ctx.ledger().debit(c, cmd);
            });
        } catch (PostageException e) {
            if (e.retryable()) {
                return afterFailure(claim, e, request.print());
            }
            ctx.idempotency().fail(claim, e);
            log.info("purchase of partner {} on meter {} failed: {}", caller.partnerId(), v.meter.meterId(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            return afterFailure(claim, e, request.print());
        }
        logIssued(caller, issued);
        // Paid and recorded: from here on a failure leaves the key COMPLETED, and a retry signs.
        return toPurchase(ctx.signatures().complete(issued), request.print(), v.background);
    }

    /**
     * After a failure whose effect is unknown (the commit may have happened before the connection
     * broke): release the key if the purchase did not commit, else replay it.
     */
    private Purchase afterFailure(Claim claim, RuntimeException e, PrintOptions print) {
        try {
            ctx.idempotency().release(claim);
            Optional<Row> row = ctx.idempotency().find(claim.partnerId(), claim.key());
            if (row.isPresent() && row.get().state() == IdempotencyStore.State.COMPLETED) {
                return replay(row.get().purchaseId(), print);
            }
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
        throw e;
    }

    private Purchase payByCard(Caller caller, Claim claim, PurchaseRequest request, Validated v, CardPayment card,
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
        Payment payment = new Payment(paymentId, caller.partnerId(), claim.key(), caller.mode(), v.meter.meterId(),
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
            Ledger.Issued issued = captureAndIssue(authorized, gateway);
            return toPurchase(ctx.signatures().complete(issued), request.print(), v.background);
        } catch (Superseded lost) {
            log.info("payment {} of partner {} is driven by another node now (its claim expired); answering from "
                    + "the stored state", paymentId, caller.partnerId());
        } finally {
            releaseQuietly(paymentId, owner);
        }
        Optional<Row> row = ctx.idempotency().find(claim.partnerId(), claim.key());
        Optional<Purchase> outcome = row.isPresent() ? outcome(row.get(), request.print()) : Optional.empty();
        return outcome.orElseThrow(() -> new ServiceUnavailableException("the card payment was abandoned while its "
                + "authorization was under way, and nothing was charged; retry with the same idempotency key"));
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

    // ---------------------------------------------------------------- settlement

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
    // ---------------------------------------------------------------- validation

    /** What validation found: the meter to debit and the background to compose onto. */
    private record Validated(Ledger.Meter meter, BackgroundImage background) {
    }

    private Validated validate(Caller caller, PurchaseRequest request) {
        return validate(caller, request, null);
    }

    /** {@link #validate(Caller, PurchaseRequest)}, reading each meter once per {@code meters} cache (if given). */
    private Validated validate(Caller caller, PurchaseRequest request, Map<Object, Ledger.Meter> meters) {
        ctx.requireSigningAllowed(caller.mode());
        Object meterKey = request.meterId() != null ? request.meterId() : caller.mode();
        Ledger.Meter meter = meters == null ? null : meters.get(meterKey);
        if (meter == null) {
            meter = resolveMeter(caller, request.meterId());
            if (meters != null) {
                meters.put(meterKey, meter);
            }
        }
        PrintOptions print = request.print();
        if (print.format() != OutputFormat.INDICIUM_DATA && !ctx.imaging().available()) {
            throw new ServiceUnavailableException("rendering is not configured");
        }
        BackgroundImage background = null;
        if (print.backgroundId() != null) {
            background = ctx.backgrounds().find(print.backgroundId()).orElseThrow(() -> new NotFoundException(
                    "print.backgroundId '" + print.backgroundId() + "' is not in the background catalogue"));
        }
        LocalDate today = ctx.today();
        for (int i = 0; i < request.items().size(); i++) {
            PurchaseItem item = request.items().get(i);
            String at = "items[" + i + "]";
            LocalDate date = item.dateOfMailing();
            if (date.isBefore(today.minusDays(1))) {
                throw new InvalidRequestException(at + ".dateOfMailing " + date + " is in the past (today is " + today + ")");
            }
            if (date.isAfter(today.plusDays(ctx.config().maxDaysAhead()))) {
                throw new InvalidRequestException(at + ".dateOfMailing " + date + " is more than "
                        + ctx.config().maxDaysAhead() + " days ahead");
            }
            Priced priced;
            try {
                priced = ctx.rates().price(item.piece(), date);
            } catch (InvalidRequestException e) {
                throw new InvalidRequestException(at + "." + e.getMessage());
            }
            if (!priced.price().currency().equals(meter.currency())) {
                throw new InvalidRequestException(at + ": rate table " + priced.table().version() + " prices in "
                        + priced.price().currency() + " but meter " + meter.meterId() + " keeps " + meter.currency());
            }
            if (!priced.price().equals(item.price())) {
                throw new PriceChangedException(at + ".price " + item.price() + " is no longer current: rate table "
                        + priced.table().version() + " prices " + item.piece().mailClass() + " " + item.piece().weight()
                        + " at " + priced.price() + ". Quote again");
            }
        }
        return new Validated(meter, background);
    }

    private Ledger.Meter resolveMeter(Caller caller, Long meterId) {
        if (meterId == null) {
            return ctx.ledger().defaultMeter(caller.partnerId(), caller.mode()).orElseThrow(() -> new NotFoundException(
                    "partner '" + caller.partnerId() + "' has no " + caller.mode() + " meter; ask the postal operator "
                            + "for one, or name meterId"));
        }
        Ledger.Meter m = ctx.ledger().meter(meterId).filter(x -> x.partnerId().equals(caller.partnerId()))
                .orElseThrow(() -> new NotFoundException("meter " + meterId + " does not exist for partner '"
                        + caller.partnerId() + "'"));
        if (m.mode() != caller.mode()) {
            throw new PermissionDeniedException("meter " + meterId + " is a " + m.mode() + " meter; a "
                    + caller.mode() + " key can use only " + caller.mode() + " meters");
        }
        return m;
    }

    // ---------------------------------------------------------------- results

    /**
     * The purchase stored under {@code purchaseId}, with images rendered per {@code print}; indicia
     * still waiting for their signatures (the request that paid for them failed after the commit)
     * are signed first.
     */
    private Purchase replay(String purchaseId, PrintOptions print) {
        Ledger.Issued issued = ctx.signatures().complete(ctx.ledger().loadPurchase(purchaseId).orElseThrow(
                () -> new IllegalStateException("purchase " + purchaseId + " is referenced by an idempotency key but "
                        + "missing")));
        BackgroundImage background = print.backgroundId() == null ? null
                : ctx.backgrounds().find(print.backgroundId()).orElse(null);
        return toPurchase(issued, print, background);
    }

    private Purchase toPurchase(Ledger.Issued issued, PrintOptions print, BackgroundImage background) {
        List<Indicium> indicia = new ArrayList<>(issued.indicia().size());
        for (Ledger.IssuedIndicium i : issued.indicia()) {
            RenderedImage image = print.format() == OutputFormat.INDICIUM_DATA ? null
                    : ctx.imaging().render(i.signed(), print, background);
            indicia.add(new Indicium(i.indiciumId(), i.signed().encoded(), image));
        }
        return new Purchase(issued.purchaseId(), indicia, issued.total(), issued.payment(), issued.mode(),
                issued.issuedAt());
    }

    private static void logIssued(Caller caller, Ledger.Issued issued) {
        log.debug("purchase {} issued: partner {}, meter {}, {} indicia, {} from the account", issued.purchaseId(),
                caller.partnerId(), issued.meterId(), issued.indicia().size(), issued.total());
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
