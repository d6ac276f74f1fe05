package org.openpostage.server.internal.flow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.openpostage.api.Caller;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
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
import org.openpostage.server.internal.db.DataAccessException;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.idempotency.IdempotencyStore;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Claim;
import org.openpostage.server.internal.idempotency.IdempotencyStore.Row;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.ledger.Signatures;
import org.openpostage.server.internal.rates.Priced;
import org.openpostage.server.internal.util.GroupCommit;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purchases: idempotency, validation, and payment from the account or by card ({@link CardPayments}),
 * one at a time or in batches.
 *
 * <p>A purchase first claims its idempotency key; a key already used replays its outcome (and a
 * card payment left unsettled under it is settled first). Then it validates the request (meter,
 * rendering, background, dates, prices) — failures here change nothing and release the key — and
 * pays:
 * <ul>
 *   <li><b>Account</b>: one transaction locks the meter, checks the descending register, debits
 *       every item, records the indicia and completes the key; the indicia are signed after the
 *       commit.</li>
 *   <li><b>Card</b>: {@link CardPayments#pay} records, authorizes and captures the payment and
 *       issues the purchase in one transaction with the payment's ISSUED state and the key's
 *       completion; its states and moves are one table (docs/ledger.md, "Card payments").</li>
 * </ul>
 */
public final class PurchaseFlow {

    private static final Logger log = LoggerFactory.getLogger(PurchaseFlow.class);

    private final CoreContext ctx;
    private final CardPayments cards;
    /**
     * Single account purchases of concurrent callers, debited in shared transactions, one round at
     * a time per meter (purchases on one meter wait for its lock anyway; those on different meters
     * run side by side). A round holds at most {@value #CHUNK}, as a batch's chunk does.
     */
    private final ConcurrentMap<Long, GroupCommit<Fresh, Debit>> singles = new ConcurrentHashMap<>();

    public PurchaseFlow(CoreContext ctx, CardPayments cards) {
        this.ctx = ctx;
        this.cards = cards;
    }

    // ---------------------------------------------------------------- entry points

    /** A purchase under idempotency key {@code key} of {@code caller}. */
    public Purchase purchase(Caller caller, String key, PurchaseRequest request) {
        String form = RequestForm.of(request);
        String fingerprint = RequestForm.fingerprint(form);
        if (!(request.payment() instanceof CardPayment)) {
            Fresh fresh = fresh(caller, key, fingerprint, request, null);
            if (fresh != null) {
                Answer answer = issueOne(fresh);
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
        Map<Object, Ledger.MeterIdentity> meters = new HashMap<>();
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
                List<Answer> answers = issueTogether(fresh);
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
                        Map<Object, Ledger.MeterIdentity> meters) {
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
     * Issues account purchases whose keys no one used: debits them in one transaction
     * ({@link #debitTogether}), then signs them outside every lock, storing the signatures in one
     * more transaction ({@link org.openpostage.server.internal.ledger.Signatures#completeAll}), and
     * answers each.
     */
    private List<Answer> issueTogether(List<Fresh> fresh) {
        return answers(fresh, debitTogether(fresh));
    }

    /**
     * A single account purchase, debited in a transaction shared with the account purchases on its
     * meter of other callers that arrive meanwhile ({@link #singles}); signed and answered on the
     * caller's own thread.
     */
    private Answer issueOne(Fresh fresh) {
        GroupCommit<Fresh, Debit> meter = singles.computeIfAbsent(fresh.command.meterId(),
                id -> new GroupCommit<>(this::debitTogether, CHUNK));
        return answers(List.of(fresh), List.of(meter.submit(fresh))).get(0);
    }

    /**
     * Debits account purchases whose keys no one used (of one caller or of several) in one
     * transaction that records each key with its outcome ({@link IdempotencyStore#insertCompleted})
     * and debits them all ({@link Ledger#debitAccounts}): one commit instead of a claim, a purchase
     * and a completion each. A purchase its meter cannot pay stores its failure under its key in
     * the same transaction.
     *
     * <p>If a key turns out to be in use (a concurrent call, a key used before), the transaction
     * rolls back and every purchase of it takes the single path. If the transaction fails otherwise,
     * it may still have committed (the connection broke during COMMIT): each purchase's key then
     * says what happened ({@link #afterUnknown}).
     */
    private List<Debit> debitTogether(List<Fresh> fresh) {
        Map<String, List<IdempotencyStore.Outcome>> outcomes = new LinkedHashMap<>();
        List<Ledger.IssueCommand> commands = new ArrayList<>(fresh.size());
        for (Fresh f : fresh) {
            outcomes.computeIfAbsent(f.command.partnerId(), p -> new ArrayList<>())
                    .add(new IdempotencyStore.Outcome(f.key, f.fingerprint, f.command.purchaseId()));
            commands.add(f.command);
        }
        List<Ledger.Debited> debited;
        try {
            // Staged: Signatures.completeAll in answers() brings it to disk before any answer leaves.
            debited = ctx.db().stagedTransaction("purchase", c -> {
                // Every key first: a concurrent call with one of them waits here, holding no meter lock.
                for (Map.Entry<String, List<IdempotencyStore.Outcome>> partner : outcomes.entrySet()) {
                    ctx.idempotency().insertCompleted(c, partner.getKey(), partner.getValue());
                }
                List<Ledger.Debited> d = ctx.ledger().debitAccounts(c, commands);
                for (int k = 0; k < d.size(); k++) {
                    if (d.get(k).failure() != null) {
                        ctx.idempotency().failInserted(c, fresh.get(k).command.partnerId(), fresh.get(k).key,
                                d.get(k).failure());
                    }
                }
                return d;
            });
        } catch (RuntimeException e) {
            boolean keyInUse = e instanceof DataAccessException d && Sql.UNIQUE_VIOLATION.equals(d.sqlState());
            return Collections.nCopies(fresh.size(), keyInUse ? Debit.ORDINARY : new Debit(null, e));
        }
        List<Debit> result = new ArrayList<>(debited.size());
        for (Ledger.Debited d : debited) {
            result.add(new Debit(d, null));
        }
        return result;
    }

    /** Signs what {@link #debitTogether} issued (in one transaction for all) and answers each purchase. */
    private List<Answer> answers(List<Fresh> fresh, List<Debit> debits) {
        List<Ledger.Issued> issued = new ArrayList<>(fresh.size());
        for (Debit debit : debits) {
            Ledger.Debited d = debit.debited;
            if (d == null) {
                continue;
            }
            if (d.issued() != null) {
                issued.add(d.issued());
                log.debug("purchase {} issued: partner {}, meter {}, {} indicia, {} from the account",
                        d.issued().purchaseId(), d.command().partnerId(), d.issued().meterId(),
                        d.issued().indicia().size(), d.issued().total());
            } else {
                log.info("purchase of partner {} on meter {} failed: {}", d.command().partnerId(),
                        d.command().meterId(), d.failure().getMessage());
            }
        }
        // Paid and recorded: from here on a failure leaves the key COMPLETED, and a retry signs.
        // completeAll returns once the debit is on disk too (the signatures' commit, or durable()).
        Iterator<Ledger.Issued> signed = ctx.signatures().completeAll(issued).iterator();
        List<Answer> answers = new ArrayList<>(fresh.size());
        for (int k = 0; k < fresh.size(); k++) {
            Debit debit = debits.get(k);
            Fresh f = fresh.get(k);
            if (debit.ordinaryPath()) {
                answers.add(Answer.ORDINARY);
                continue;
            }
            if (debit.unknown != null) {
                answers.add(afterUnknown(f, debit.unknown));
                continue;
            }
            Ledger.Debited d = debit.debited;
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
                answers.add(new Answer(toPurchase(s, f.request.print(), f.validated.background), null, false));
            } catch (RuntimeException e) {
                answers.add(new Answer(null, e, false));
            }
        }
        return answers;
    }

    /**
     * What {@link #debitTogether} made of one purchase: its debit or final failure
     * ({@code debited}), the single path ({@code ORDINARY}: its key is in use), or a failure after
     * which the transaction may or may not have committed ({@code unknown}).
     */
    private record Debit(Ledger.Debited debited, RuntimeException unknown) {
        static final Debit ORDINARY = new Debit(null, null);

        boolean ordinaryPath() {
            return debited == null && unknown == null;
        }
    }

    /**
     * After the transaction of {@link #debitTogether} failed without a key conflict: it may still
     * have committed (the connection broke during COMMIT), so the purchase's key says what happened.
     */
    private Answer afterUnknown(Fresh f, RuntimeException e) {
        try {
            Optional<Row> row = ctx.idempotency().find(f.command.partnerId(), f.key);
            if (row.isPresent() && row.get().state() == IdempotencyStore.State.COMPLETED) {
                return new Answer(replay(row.get().purchaseId(), f.request.print()), null, false);
            } else if (row.isPresent() && row.get().state() == IdempotencyStore.State.FAILED) {
                return new Answer(null, row.get().error(), false);
            }
            return new Answer(null, e, false);
        } catch (RuntimeException again) {
            return new Answer(null, e, false);
        }
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
                ctx.db().durable(); // the failure may have been committed, staged, a moment ago
                throw row.error();
            default:
                // PENDING, or IN_PROGRESS with a card payment left by a request that died: settle it now.
                CardPayments.Settlement s = cards.settle(row.paymentId());
                log.debug("retry of pending payment {} settled as {}", row.paymentId(), s);
                Optional<Row> now = ctx.idempotency().find(row.partnerId(), row.key());
                if (now.isEmpty()) {
                    return Optional.empty();
                }
                return switch (now.get().state()) {
                    case COMPLETED -> Optional.of(replay(now.get().purchaseId(), print));
                    case FAILED -> {
                        ctx.db().durable();
                        throw now.get().error();
                    }
                    default -> throw cards.pendingError(row.paymentId());
                };
        }
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
            Optional<Ledger.Issued> issued = cards.pay(caller, claim, request, v.meter.meterId(), card, form);
            if (issued.isPresent()) {
                return toPurchase(ctx.signatures().complete(issued.get()), request.print(), v.background);
            }
            // Another driver took the payment over (this request's claim expired): answer from what it stored.
            Optional<Row> row = ctx.idempotency().find(claim.partnerId(), claim.key());
            Optional<Purchase> outcome = row.isPresent() ? outcome(row.get(), request.print()) : Optional.empty();
            return outcome.orElseThrow(() -> new ServiceUnavailableException("the card payment was abandoned while its "
                    + "authorization was under way, and nothing was charged; retry with the same idempotency key"));
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

    // ---------------------------------------------------------------- validation

    /** What validation found: the meter to debit and the background to compose onto. */
    private record Validated(Ledger.MeterIdentity meter, BackgroundImage background) {
    }

    private Validated validate(Caller caller, PurchaseRequest request) {
        return validate(caller, request, null);
    }

    /** {@link #validate(Caller, PurchaseRequest)}, reading each meter once per {@code meters} cache (if given). */
    private Validated validate(Caller caller, PurchaseRequest request, Map<Object, Ledger.MeterIdentity> meters) {
        ctx.requireSigningAllowed(caller.mode());
        Object meterKey = request.meterId() != null ? request.meterId() : caller.mode();
        Ledger.MeterIdentity meter = meters == null ? null : meters.get(meterKey);
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

    private Ledger.MeterIdentity resolveMeter(Caller caller, Long meterId) {
        if (meterId == null) {
            return ctx.ledger().defaultIdentity(caller.partnerId(), caller.mode()).orElseThrow(() -> new NotFoundException(
                    "partner '" + caller.partnerId() + "' has no " + caller.mode() + " meter; ask the postal operator "
                            + "for one, or name meterId"));
        }
        Ledger.MeterIdentity m = ctx.ledger().identity(meterId).filter(x -> x.partnerId().equals(caller.partnerId()))
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

}
