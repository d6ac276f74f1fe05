package org.openpostage.conformance.transport;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentSummary;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.PurchaseSummary;
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
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * A {@link PostalService} for transport tests: it answers quotes, purchases and verifications
 * with fixed, well-formed values, records every call that reaches it (operation, context, time),
 * and follows a script: fail the next calls of an operation with a given exception, or delay them.
 * It keeps no ledger: the tests it serves are about what reaches the server, not about money.
 * Other operations answer {@link NotFoundException}. Thread-safe.
 */
public final class ScriptedService implements PostalService {
    /** The price of everything this service quotes or sells. */
    public static final Money PRICE = Money.of(73, "USD");

    /**
     * One call that reached the service.
     *
     * @param request the request, or {@code null} for operations without one
     */
    public record Call(String operation, CallContext context, Instant at, Object request) {
        /** A call without its request (the record of the kit's first version). */
        public Call(String operation, CallContext context, Instant at) {
            this(operation, context, at, null);
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Queue<Supplier<RuntimeException>>> failures = new ConcurrentHashMap<>();
    private final Map<String, Queue<Duration>> delays = new ConcurrentHashMap<>();
    private final AtomicInteger serial = new AtomicInteger();

    /** Fails the next {@code times} calls of {@code operation} with what {@code failure} makes. */
    public void failNext(String operation, int times, Supplier<RuntimeException> failure) {
        Queue<Supplier<RuntimeException>> q = failures.computeIfAbsent(operation, o -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            q.add(failure);
        }
    }

    /** Delays the next {@code times} calls of {@code operation} by {@code delay} before they answer. */
    public void delayNext(String operation, int times, Duration delay) {
        Queue<Duration> q = delays.computeIfAbsent(operation, o -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            q.add(delay);
        }
    }

    /** Every call that reached the service, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of {@code operation} that reached the service. */
    public List<Call> calls(String operation) {
        List<Call> of = new ArrayList<>();
        for (Call c : calls) {
            if (c.operation().equals(operation)) {
                of.add(c);
            }
        }
        return of;
    }

    /** Forgets calls and script. */
    public void reset() {
        calls.clear();
        failures.clear();
        delays.clear();
    }

    private void enter(String operation, CallContext context) {
        enter(operation, context, null);
    }

    private void enter(String operation, CallContext context, Object request) {
        calls.add(new Call(operation, context, Instant.now(), request));
        Duration delay = poll(delays, operation);
        Supplier<RuntimeException> failure = poll(failures, operation); // taken now: a reset during the delay forgets it
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure.get();
        }
    }

    private static <T> T poll(Map<String, Queue<T>> script, String operation) {
        Queue<T> q = script.get(operation);
        return q == null ? null : q.poll();
    }

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        enter("quote", context);
        LocalDate day = request.dateOfMailing() != null ? request.dateOfMailing() : LocalDate.now(ZoneOffset.UTC);
        return new RateQuote(request.piece(), PRICE, "scripted-1", 1, day);
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        enter("purchase", context);
        List<Indicium> indicia = new ArrayList<>();
        Money total = Money.zero(PRICE.currency());
        for (PurchaseItem item : request.items()) {
            indicia.add(new Indicium("ind-" + serial.incrementAndGet(), Bytes.of(new byte[] {1, 2, 3}), null));
            total = total.plus(item.price());
        }
        return new Purchase("pu-" + serial.incrementAndGet(), indicia, total,
                new PaymentSummary(PaymentKind.ACCOUNT, total, null, null, "jr-" + serial.get()), Mode.TEST,
                Instant.now());
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        enter("purchaseBatch", context);
        throw new NotFoundException("batches are not scripted");
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        enter("refund", context);
        throw new NotFoundException("no indicium " + request.indiciumId());
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        enter("accountStatement", context);
        throw new NotFoundException("no account");
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        enter("backgrounds", context);
        return new BackgroundCatalogue(List.of());
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        enter("verificationKeys", context);
        throw new NotFoundException("no keys");
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        enter("printComponent", context);
        throw new NotFoundException("no print component");
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        enter("verify", context);
        IndiciumData data = new IndiciumData(SignatureAlgorithm.ECDSA_P256_SHA256, 1, 42, 1001, 1, 73, 1000,
                PRICE, LocalDate.now(ZoneOffset.UTC), PostalCode.of("94107"), null, MailClass.LETTER, 1, true);
        return new VerificationResult(Verdict.TEST_INDICIUM, data, true, false, calls("verify").size() - 1,
                "scripted");
    }

    /**
     * The purchase {@code request.purchaseId()} names, as if it had been bought earlier: one
     * indicium, rendered as asked when the print options want an image, and one refund of it.
     */
    @Override
    public PurchaseRecord lookupPurchase(PurchaseLookupRequest request, CallContext context) {
        enter("lookupPurchase", context, request);
        if (!request.purchaseId().startsWith("pu-")) {
            throw new NotFoundException("no purchase " + request.purchaseId());
        }
        RenderedImage image = request.print().format() == OutputFormat.INDICIUM_DATA ? null
                : new RenderedImage(request.print().format(), Bytes.of(new byte[] {7, 7, 7}), request.print().dpi());
        Purchase p = new Purchase(request.purchaseId(), List.of(new Indicium("ind-1", Bytes.of(new byte[] {1, 2, 3}),
                image)), PRICE, new PaymentSummary(PaymentKind.ACCOUNT, PRICE, null, null, "jr-1"), Mode.TEST, HISTORY);
        return new PurchaseRecord(p, 42, List.of(new Refund("re-1", "ind-1", PRICE, PaymentKind.ACCOUNT,
                HISTORY.plusSeconds(60))));
    }

    /**
     * Two pages of scripted purchases: the first (no token) ends with token {@code page-2}, the
     * second has no next page; any other token is refused.
     */
    @Override
    public PurchasePage listPurchases(PurchaseListRequest request, CallContext context) {
        enter("listPurchases", context, request);
        PaymentSummary paid = new PaymentSummary(PaymentKind.CARD, PRICE, CardBrand.VISA, "4242", "gw-1");
        if (request.pageToken() == null) {
            return new PurchasePage(List.of(new PurchaseSummary("pu-a", 42, request.from(), PRICE, paid, 1, 0)),
                    "page-2");
        }
        if (request.pageToken().equals("page-2")) {
            return new PurchasePage(List.of(new PurchaseSummary("pu-b", 42, request.from().plusSeconds(1), PRICE, paid,
                    2, 1)), null);
        }
        throw new InvalidRequestException("pageToken '" + request.pageToken() + "' was not issued by this server");
    }

    /** A CSV or XML document naming the request's period; the content is fixed text, not a real journal. */
    @Override
    public JournalExport exportJournal(JournalExportRequest request, CallContext context) {
        enter("exportJournal", context, request);
        String text = request.format() == ExportFormat.CSV ? "entry_id,kind\n1,FUNDING\n"
                : "<accountJournal xmlns=\"https://openpostage.org/postage/v1\"/>";
        return new JournalExport(request.format(), request.from(), request.to(), 1,
                Bytes.of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** When the scripted purchases of {@link #lookupPurchase} were issued. */
    public static final Instant HISTORY = Instant.parse("2026-01-15T10:00:00Z");

    /** A letter this service quotes and sells. */
    public static MailPiece letter() {
        return MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"));
    }

    /** A quote request for {@link #letter()}, mailed tomorrow. */
    public static QuoteRequest quoteRequest() {
        return new QuoteRequest(letter(), LocalDate.now(ZoneOffset.UTC).plusDays(1));
    }

    /** A purchase of one {@link #letter()} from the account. */
    public static PurchaseRequest purchaseRequest() {
        return PurchaseRequest.of(List.of(new PurchaseItem(letter(), PRICE, LocalDate.now(ZoneOffset.UTC).plusDays(1))),
                org.openpostage.api.model.PaymentMethod.account());
    }

    /** A verify request; this service does not look at the bytes. */
    public static VerifyRequest verifyRequest() {
        return new VerifyRequest(Bytes.of(new byte[] {1, 2, 3, 4}));
    }
}
