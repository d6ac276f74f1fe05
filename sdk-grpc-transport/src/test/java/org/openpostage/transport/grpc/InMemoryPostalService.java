package org.openpostage.transport.grpc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.PriceChangedException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentSummary;
import org.openpostage.api.model.PostageError;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;

/**
 * An honest in-memory {@link PostalService} for transport tests: it prices from a tiny rate table,
 * debits meters exactly once per idempotency key (replaying stored outcomes, rejecting a reused
 * key with a different request, answering REQUEST_IN_PROGRESS while the first call runs), signs
 * real indicia, refunds once, and verifies. Tests can inject failures, hold calls at a gate, and
 * read what the service saw: the contexts, how many calls reached each method, and the ledger.
 */
final class InMemoryPostalService implements PostalService {
    static final String PARTNER = "portal-1";
    static final long TEST_METER = 1001;
    static final long LIVE_METER = 2001;
    static final String DECLINED_CARD = "4000000000000002";
    static final String BACKGROUND_ID = "harbour";
    private static final long KEY_ID = 7;
    private static final int MAX_LETTER_GRAMS = 500;

    private final IndiciumSigner signer;
    private final VerificationKeySet keys;
    private final Map<Long, Meter> meters = new LinkedHashMap<>();
    private final Map<String, Stored> outcomes = new HashMap<>();
    private final Map<String, Issued> issued = new HashMap<>();
    private final Map<String, Integer> scans = new HashMap<>();
    private final BackgroundCatalogue catalogue = new BackgroundCatalogue(List.of(new BackgroundImage(BACKGROUND_ID,
            "Harbour at dawn", "image/png", Bytes.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}), 800, 600)));
    private final PrintComponent printComponent = PrintComponent.of("1.0.0",
            Bytes.of("export function print() {}\n".getBytes(StandardCharsets.UTF_8)));

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<CallContext> contexts = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Supplier<RuntimeException>>> faults = new ConcurrentHashMap<>();
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final Map<String, Deque<Duration>> delays = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile int imageBytes = 64;
    private volatile Object lastResult;
    private long nextPurchase = 1;
    private long nextRefund = 1;
    private int debits;

    InMemoryPostalService() {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = kpg.generateKeyPair();
            signer = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, KEY_ID, pair.getPrivate(), null);
            keys = new VerificationKeySet(List.of(VerificationKey.of(KEY_ID, SignatureAlgorithm.ECDSA_P256_SHA256,
                    pair.getPublic(), Instant.parse("2026-01-01T00:00:00Z"), null)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        meters.put(TEST_METER, new Meter(TEST_METER, Mode.TEST, 1_000_000));
        meters.put(LIVE_METER, new Meter(LIVE_METER, Mode.LIVE, 1_000_000));
    }

    // ----------------------------------------------------------------------------------------
    // Test controls and observations

    /** The next {@code times} calls of {@code method} fail with {@code failure}, before any effect. */
    void failNext(String method, int times, Supplier<RuntimeException> failure) {
        Deque<Supplier<RuntimeException>> queue = faults.computeIfAbsent(method, m -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(failure);
            }
        }
    }

    /** Calls of {@code method} wait at a gate until {@link #open} (at most 10 s), then honour their deadline. */
    void hold(String method) {
        gates.put(method, new Gate(new CountDownLatch(1)));
    }

    /** Releases the calls held at {@code method}'s gate. */
    void open(String method) {
        Gate gate = gates.remove(method);
        if (gate != null) {
            gate.latch.countDown();
        }
    }

    /**
     * The next call of mutating {@code method} sleeps {@code delay} after registering its key as in
     * progress, then completes its work anyway, as a server does that outlives a client's timeout.
     */
    void delayNext(String method, Duration delay) {
        delays.computeIfAbsent(method, m -> new ConcurrentLinkedDeque<>()).add(delay);
    }

    /** How many calls wait at gates now. */
    int waiting() {
        return waiting.get();
    }

    /** Rendered images get this many bytes. */
    void imageBytes(int bytes) {
        this.imageBytes = bytes;
    }

    /** How many calls reached {@code method}. */
    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** How many calls reached purchase, purchaseBatch or refund. */
    int mutatingCalls() {
        return calls("purchase") + calls("purchaseBatch") + calls("refund");
    }

    /** Every context the service received, in order. */
    List<CallContext> contexts() {
        return List.copyOf(contexts);
    }

    /** The last context the service received. */
    CallContext lastContext() {
        return contexts.get(contexts.size() - 1);
    }

    /** Everything money depends on: debits, registers, stored outcomes, refunds. */
    synchronized Ledger ledger() {
        Map<Long, String> registers = new LinkedHashMap<>();
        meters.values().forEach(m -> registers.put(m.id, m.ascending + "/" + m.descending + "/" + m.pieces));
        long refunded = issued.values().stream().filter(i -> i.refunded).count();
        return new Ledger(debits, registers, outcomes.size(), refunded);
    }

    /** A snapshot of the money state. */
    record Ledger(int debits, Map<Long, String> registers, int storedOutcomes, long refunds) {
    }

    /** The last result the service returned, to compare with what a client received. */
    Object lastResult() {
        return lastResult;
    }

    private <T> T remember(T result) {
        lastResult = result;
        return result;
    }

    /** The catalogue's background. */
    BackgroundCatalogue catalogue() {
        return catalogue;
    }

    // ----------------------------------------------------------------------------------------
    // PostalService

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        enter("quote", context);
        LocalDate date = request.dateOfMailing() != null ? request.dateOfMailing() : LocalDate.now(ZoneOffset.UTC);
        return remember(new RateQuote(request.piece(), price(request.piece()), "2026-11", zone(request.piece()), date));
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        enter("purchase", context);
        return remember(idempotent("purchase", context, request, () -> buy(request, context.caller())));
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        enter("purchaseBatch", context);
        return remember(idempotent("purchaseBatch", context, request, () -> {
            List<BatchItemResult> results = new ArrayList<>();
            for (BatchEntry entry : request.entries()) {
                try {
                    results.add(BatchItemResult.success(entry.reference(), buy(entry.request(), context.caller())));
                } catch (PostageException e) {
                    results.add(BatchItemResult.failure(entry.reference(), PostageError.of(e)));
                }
            }
            return new BatchPurchaseResult(results);
        }));
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        enter("refund", context);
        return remember(idempotent("refund", context, request, () -> {
            synchronized (this) {
                Issued item = issued.get(request.indiciumId());
                if (item == null || !item.partner.equals(context.caller().partnerId())) {
                    throw new NotFoundException("indicium '" + request.indiciumId() + "' does not exist");
                }
                if (item.refunded) {
                    throw new RefundNotAllowedException("indicium '" + request.indiciumId() + "' was refunded before");
                }
                item.refunded = true;
                if (item.paidBy == PaymentKind.ACCOUNT) {
                    meters.get(item.meterId).descending += item.amount.minorUnits();
                }
                return new Refund("r-" + nextRefund++, request.indiciumId(), item.amount, item.paidBy, now());
            }
        }));
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        enter("accountStatement", context);
        synchronized (this) {
            return remember(statement(context.caller()));
        }
    }

    private AccountStatement statement(Caller caller) {
        Mode mode = caller.mode();
        List<MeterStatement> statements = meters.values().stream().filter(m -> m.mode == mode)
                .map(m -> new MeterStatement(m.id, m.mode, usd(m.ascending), usd(m.descending),
                        usd(m.ascending + m.descending), m.pieces))
                .toList();
        return new AccountStatement(caller.partnerId(), mode, statements, now());
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        enter("backgrounds", context);
        return remember(catalogue);
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        enter("verificationKeys", context);
        return remember(keys);
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        enter("printComponent", context);
        return remember(printComponent);
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        enter("verify", context);
        synchronized (this) {
            return remember(check(request));
        }
    }

    private VerificationResult check(VerifyRequest request) {
        SignedIndicium decoded = IndiciumCodec.decode(request.indicium());
        IndiciumData data = decoded.data();
        SignatureCheck check = keys.verify(decoded);
        String piece = data.meterId() + "/" + data.pieceSerial();
        int previous = scans.merge(piece, 1, Integer::sum) - 1;
        Issued item = issued.values().stream().filter(i -> i.data.equals(request.indicium())).findFirst().orElse(null);
        Verdict verdict;
        if (check == SignatureCheck.UNKNOWN_KEY) {
            verdict = Verdict.UNKNOWN_KEY;
        } else if (check == SignatureCheck.BAD_SIGNATURE) {
            verdict = Verdict.BAD_SIGNATURE;
        } else if (item == null) {
            verdict = Verdict.NOT_ISSUED;
        } else if (item.refunded) {
            verdict = Verdict.REFUNDED;
        } else if (data.testMode()) {
            verdict = Verdict.TEST_INDICIUM;
        } else if (previous > 0) {
            verdict = Verdict.DUPLICATE;
        } else {
            verdict = Verdict.VALID;
        }
        return new VerificationResult(verdict, data, check == SignatureCheck.VALID, item != null && item.refunded,
                previous, "verdict " + verdict + " for piece " + piece);
    }

    // ----------------------------------------------------------------------------------------
    // Internals

    private void enter(String method, CallContext context) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        contexts.add(context);
        if (context.caller() == null) {
            throw new IllegalStateException("the binding passed no caller");
        }
        Deque<Supplier<RuntimeException>> queue = faults.get(method);
        if (queue != null) {
            Supplier<RuntimeException> fault;
            synchronized (queue) {
                fault = queue.poll();
            }
            if (fault != null) {
                throw fault.get();
            }
        }
        Gate gate = gates.get(method);
        if (gate != null) {
            waiting.incrementAndGet();
            try {
                gate.latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
            if (context.deadline() != null && !Instant.now().isBefore(context.deadline())) {
                throw new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, "deadline passed; nothing done", null);
            }
        }
    }

    /** Sleeps as {@link #delayNext} asked, while the call's key is registered as in progress. */
    private void pause(String method) {
        Deque<Duration> queue = delays.get(method);
        Duration pause = queue == null ? null : queue.poll();
        if (pause != null) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String scope(CallContext context, String method) {
        if (context.idempotencyKey() == null) {
            throw new InvalidRequestException("idempotency key missing: the client transport must set one");
        }
        return context.caller().partnerId() + "/" + method + "/" + context.idempotencyKey();
    }

    /** Runs {@code work} once per key: replays the stored outcome for the same request, rejects a different one. */
    @SuppressWarnings("unchecked")
    private <T> T idempotent(String method, CallContext context, Object request, Supplier<T> work) {
        String key = scope(context, method);
        synchronized (this) {
            Stored stored = outcomes.get(key);
            if (stored != null) {
                if (!stored.request.equals(request)) {
                    throw new IdempotencyConflictException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                            "idempotency key was used for a different request", null);
                }
                if (stored.inProgress) {
                    throw new IdempotencyConflictException(ErrorCode.REQUEST_IN_PROGRESS,
                            "a request with this idempotency key is still running", null);
                }
                if (stored.failure != null) {
                    throw stored.failure.code().toException(stored.failure.getMessage(), null);
                }
                return (T) stored.result;
            }
            outcomes.put(key, new Stored(request, true, null, null));
        }
        try {
            pause(method);
            T result = work.get();
            synchronized (this) {
                outcomes.put(key, new Stored(request, false, result, null));
            }
            return result;
        } catch (PostageException e) {
            synchronized (this) {
                outcomes.put(key, new Stored(request, false, null, e));
            }
            throw e;
        }
    }

    private synchronized Purchase buy(PurchaseRequest request, Caller caller) {
        Meter meter = meters.get(request.meterId() != null ? request.meterId()
                : caller.mode() == Mode.TEST ? TEST_METER : LIVE_METER);
        if (meter == null) {
            throw new NotFoundException("meter " + request.meterId() + " does not exist");
        }
        if (meter.mode != caller.mode()) {
            throw new PermissionDeniedException("meter " + meter.id + " is a " + meter.mode + " meter; the key is "
                    + caller.mode());
        }
        for (int i = 0; i < request.items().size(); i++) {
            PurchaseItem item = request.items().get(i);
            Money current = price(item.piece());
            if (!current.equals(item.price())) {
                throw new PriceChangedException("items[" + i + "].price " + item.price() + " is not the current "
                        + current + " (rate table 2026-11)");
            }
        }
        String backgroundId = request.print().backgroundId();
        if (backgroundId != null && catalogue.find(backgroundId).isEmpty()) {
            throw new NotFoundException("background '" + backgroundId + "' does not exist");
        }
        Money total = request.total();
        PaymentSummary summary;
        if (request.payment() instanceof CardPayment card) {
            if (card.number().equals(DECLINED_CARD) || card.expiredAt(YearMonth.now(ZoneOffset.UTC))) {
                throw new PaymentDeclinedException("the card ending " + card.last4() + " was declined");
            }
            meter.descending += total.minorUnits(); // the captured card payment funds the meter first
            summary = new PaymentSummary(PaymentKind.CARD, total, card.brand(), card.last4(), "gw-" + nextPurchase);
        } else {
            if (meter.descending < total.minorUnits()) {
                throw new InsufficientFundsException("meter " + meter.id + " holds " + usd(meter.descending)
                        + " but the purchase costs " + total);
            }
            summary = new PaymentSummary(PaymentKind.ACCOUNT, total, null, null, "journal-" + nextPurchase);
        }
        List<Indicium> indicia = new ArrayList<>();
        for (PurchaseItem item : request.items()) {
            long price = item.price().minorUnits();
            meter.descending -= price;
            meter.ascending += price;
            meter.pieces++;
            debits++;
            IndiciumData data = IndiciumData.builder().keyId(KEY_ID).vendorId(42).meterId(meter.id)
                    .pieceSerial(meter.pieces).ascendingRegister(meter.ascending).descendingRegister(meter.descending)
                    .postage(item.price()).dateOfMailing(item.dateOfMailing()).origin(item.piece().origin())
                    .destination(item.piece().destination()).mailClass(item.piece().mailClass()).softwareId(1)
                    .testMode(caller.mode() == Mode.TEST).build();
            Bytes encoded = IndiciumCodec.sign(data, signer).encoded();
            String id = "ind-" + meter.id + "-" + meter.pieces;
            issued.put(id, new Issued(caller.partnerId(), meter.id, item.price(), summary.kind(), encoded));
            indicia.add(new Indicium(id, encoded, image(request.print().format(), request.print().dpi(), encoded)));
        }
        return new Purchase("p-" + nextPurchase++, indicia, total, summary, caller.mode(), now());
    }

    private RenderedImage image(OutputFormat format, int dpi, Bytes data) {
        if (format == OutputFormat.INDICIUM_DATA) {
            return null;
        }
        byte[] content = new byte[Math.max(imageBytes, data.size())];
        byte[] raw = data.toArray();
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (raw[i % raw.length] ^ i);
        }
        return new RenderedImage(format, Bytes.of(content), format == OutputFormat.PNG ? dpi : 300);
    }

    /** 50 cents per started 20 g for letters (up to 500 g), 500 cents plus 1 per 10 g for others; +10 per zone. */
    static Money price(MailPiece piece) {
        int grams = piece.weight().grams();
        boolean letter = piece.mailClass() == MailClass.LETTER || piece.mailClass() == MailClass.LARGE_LETTER
                || piece.mailClass() == MailClass.PRIORITY_LETTER || piece.mailClass() == MailClass.REGISTERED_LETTER;
        if (letter && grams > MAX_LETTER_GRAMS) {
            throw new InvalidRequestException("piece.weight " + grams + " g is over the " + piece.mailClass()
                    + " limit of " + MAX_LETTER_GRAMS + " g");
        }
        long cents = letter ? 50L * ((grams + 19) / 20) : 500L + grams / 10;
        return Money.of(cents + 10L * zone(piece), "USD");
    }

    private static int zone(MailPiece piece) {
        return piece.destination() == null ? 0 : 1 + Math.abs(piece.destination().value().hashCode() % 8);
    }

    private static Money usd(long cents) {
        return Money.of(cents, "USD");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static final class Meter {
        final long id;
        final Mode mode;
        long ascending;
        long descending;
        long pieces;

        Meter(long id, Mode mode, long funds) {
            this.id = id;
            this.mode = mode;
            this.descending = funds;
        }
    }

    private static final class Issued {
        final String partner;
        final long meterId;
        final Money amount;
        final PaymentKind paidBy;
        final Bytes data;
        boolean refunded;

        Issued(String partner, long meterId, Money amount, PaymentKind paidBy, Bytes data) {
            this.partner = partner;
            this.meterId = meterId;
            this.amount = amount;
            this.paidBy = paidBy;
            this.data = data;
        }
    }

    private record Stored(Object request, boolean inProgress, Object result, PostageException failure) {
    }

    private record Gate(CountDownLatch latch) {
    }
}
