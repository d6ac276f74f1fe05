package org.openpostage.transport.xml.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PaymentDeclinedException;
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
 * A small in-memory postal server for tests, honest about money: every purchase debits its meter
 * once, under a lock, before it returns; idempotency keys (scoped to the partner) replay the first
 * outcome, success or failure, and refuse a different request; indicia are really signed (ECDSA
 * P-256, a key made at start) and really verified. It counts calls and debits so tests can prove
 * that a retry charged once and that rejected requests never reached it.
 *
 * <p>Rates: LETTER 73, LARGE_LETTER 150, PRIORITY_LETTER 250, REGISTERED_LETTER 480, PARCEL 690,
 * PRIORITY_PARCEL 950 cents, plus 20 cents per started 100 g over 100 g; table {@value #RATE_TABLE}.
 * Cards: {@value #DECLINED_CARD} is declined, {@value #BROKE_CARD} has insufficient funds, an
 * expired card is declined, any other card number with a valid Luhn digit pays.
 */
public final class InMemoryPostalService implements PostalService {
    /** The rate table version quoted. */
    public static final String RATE_TABLE = "2026-07";
    /** A card the gateway declines. */
    public static final String DECLINED_CARD = "4000000000000002";
    /** A card without funds. */
    public static final String BROKE_CARD = "4000000000009995";
    /** The funds each meter starts with, in cents. */
    public static final long INITIAL_FUNDS = 100_000;
    /** A 1x1 PNG, for backgrounds and rendered stamps. */
    public static final Bytes TINY_PNG = Bytes.fromBase64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static final long KEY_ID = 7;
    private static final int VENDOR_ID = 42;
    private static final int SOFTWARE_ID = 3;

    private final Clock clock;
    private final IndiciumSigner signer;
    private final VerificationKeySet keys;
    private final Map<String, Meter> meters = new HashMap<>();
    private final Map<String, Stored> idempotency = new HashMap<>();
    private final Map<String, Issued> issued = new HashMap<>();
    private final Map<String, Integer> scans = new HashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger debits = new AtomicInteger();
    private final AtomicInteger purchasesCommitted = new AtomicInteger();
    private final AtomicReference<CallContext> lastContext = new AtomicReference<>();
    private int nextId = 1;

    /** A service on the system clock. */
    public InMemoryPostalService() {
        this(Clock.systemUTC());
    }

    /** A service on {@code clock}. */
    public InMemoryPostalService(Clock clock) {
        this.clock = clock;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            this.signer = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, KEY_ID, pair.getPrivate(), null);
            this.keys = new VerificationKeySet(List.of(VerificationKey.of(KEY_ID, SignatureAlgorithm.ECDSA_P256_SHA256,
                    pair.getPublic(), Instant.parse("2026-01-01T00:00:00Z"), null)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- What tests look at ---

    /** How many calls reached the service, of any operation. */
    public int calls() {
        return calls.get();
    }

    /** How many times a meter was debited (one per committed purchase, however many indicia). */
    public int debits() {
        return debits.get();
    }

    /** How many purchases were committed, counted after the debit and before returning. */
    public int purchasesCommitted() {
        return purchasesCommitted.get();
    }

    /** The context of the last call. */
    public CallContext lastContext() {
        return lastContext.get();
    }

    /** A snapshot of every meter's registers, to compare before and after. */
    public synchronized Map<String, String> ledger() {
        Map<String, String> out = new HashMap<>();
        meters.forEach((k, m) -> out.put(k, m.ascending + "/" + m.descending + "/" + m.pieces));
        return out;
    }

    /** The published keys. */
    public VerificationKeySet keys() {
        return keys;
    }

    // --- PostalService ---

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        enter(context);
        LocalDate date = request.dateOfMailing() != null ? request.dateOfMailing() : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return new RateQuote(request.piece(), price(request.piece()), RATE_TABLE, 0, date);
    }

    @Override
    public synchronized Purchase purchase(PurchaseRequest request, CallContext context) {
        Caller caller = enter(context);
        return replayOrRun(caller, requireKey(context), request, () -> commit(caller, request));
    }

    @Override
    public synchronized BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        Caller caller = enter(context);
        String key = requireKey(context);
        return replayOrRun(caller, key, request, () -> {
            List<BatchItemResult> results = new ArrayList<>();
            for (BatchEntry entry : request.entries()) {
                try {
                    results.add(BatchItemResult.success(entry.reference(), commit(caller, entry.request())));
                } catch (PostageException e) {
                    results.add(BatchItemResult.failure(entry.reference(), PostageError.of(e)));
                }
            }
            return new BatchPurchaseResult(results);
        });
    }

    @Override
    public synchronized Refund refund(RefundRequest request, CallContext context) {
        Caller caller = enter(context);
        return replayOrRun(caller, requireKey(context), request, () -> {
            Issued i = issued.get(request.indiciumId());
            if (i == null || !i.partnerId.equals(caller.partnerId())) {
                throw new NotFoundException("indicium " + request.indiciumId() + " not found");
            }
            if (i.refunded) {
                throw new RefundNotAllowedException("indicium " + request.indiciumId() + " was refunded before");
            }
            Meter m = meters.get(i.meterKey);
            m.ascending -= i.amount.minorUnits();
            if (i.paidBy == PaymentKind.ACCOUNT) {
                m.descending += i.amount.minorUnits();
            }
            i.refunded = true;
            return new Refund("rf-" + nextId++, request.indiciumId(), i.amount, i.paidBy, clock.instant());
        });
    }

    @Override
    public synchronized AccountStatement accountStatement(CallContext context) {
        Caller caller = enter(context);
        Meter m = meter(caller);
        Money asc = Money.of(m.ascending, "USD");
        Money desc = Money.of(m.descending, "USD");
        return new AccountStatement(caller.partnerId(), caller.mode(), List.of(new MeterStatement(m.id, caller.mode(), asc,
                desc, asc.plus(desc), m.pieces)), clock.instant());
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        enter(context);
        return new BackgroundCatalogue(List.of(new BackgroundImage("bg-harbour", "Harbour at dawn", "image/png", TINY_PNG, 1, 1)));
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        enter(context);
        return keys;
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        enter(context);
        return PrintComponent.of("1.0.0", Bytes.of("export function printStamp(el) { window.print(); }\n"
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public synchronized VerificationResult verify(VerifyRequest request, CallContext context) {
        enter(context);
        SignedIndicium signed = IndiciumCodec.decode(request.indicium());
        IndiciumData d = signed.data();
        SignatureCheck check = keys.verify(signed);
        String piece = d.meterId() + "/" + d.pieceSerial();
        int previous = scans.getOrDefault(piece, 0);
        Issued i = issued.values().stream().filter(x -> x.data.equals(request.indicium())).findFirst().orElse(null);
        Verdict verdict;
        if (check == SignatureCheck.UNKNOWN_KEY) {
            verdict = Verdict.UNKNOWN_KEY;
        } else if (check == SignatureCheck.BAD_SIGNATURE) {
            verdict = Verdict.BAD_SIGNATURE;
        } else if (i == null) {
            verdict = Verdict.NOT_ISSUED;
        } else if (d.testMode()) {
            verdict = Verdict.TEST_INDICIUM;
        } else if (i.refunded) {
            verdict = Verdict.REFUNDED;
        } else if (previous > 0) {
            verdict = Verdict.DUPLICATE;
        } else {
            verdict = Verdict.VALID;
        }
        if (check == SignatureCheck.VALID) {
            scans.put(piece, previous + 1);
        }
        return new VerificationResult(verdict, d, check == SignatureCheck.VALID, i != null && i.refunded, previous,
                "verdict " + verdict + " for meter " + d.meterId() + " piece " + d.pieceSerial());
    }

    // --- Internals ---

    private Caller enter(CallContext context) {
        calls.incrementAndGet();
        lastContext.set(context);
        if (context.expired(clock)) {
            throw new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, "deadline passed", context.requestId());
        }
        return Objects.requireNonNull(context.caller(), "the binding must pass the caller");
    }

    private static String requireKey(CallContext context) {
        if (context.idempotencyKey() == null) {
            throw new InvalidRequestException("an idempotency key is required");
        }
        return context.idempotencyKey();
    }

    /** Replays the stored outcome for the key, refuses a different request, or runs and stores. */
    @SuppressWarnings("unchecked")
    private <T> T replayOrRun(Caller caller, String key, Object request, java.util.function.Supplier<T> work) {
        String scoped = caller.partnerId() + "|" + caller.mode() + "|" + key;
        Stored stored = idempotency.get(scoped);
        if (stored != null) {
            if (!stored.request.equals(request)) {
                throw new IdempotencyConflictException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "idempotency key " + key + " was used for a different request", null);
            }
            if (stored.failure != null) {
                throw stored.failure;
            }
            return (T) stored.result;
        }
        try {
            T result = work.get();
            idempotency.put(scoped, new Stored(request, result, null));
            return result;
        } catch (PostageException e) {
            idempotency.put(scoped, new Stored(request, null, e));
            throw e;
        }
    }

    /** Prices, pays, debits once and signs; nothing changes if any step fails. */
    private Purchase commit(Caller caller, PurchaseRequest request) {
        for (int n = 0; n < request.items().size(); n++) {
            PurchaseItem item = request.items().get(n);
            Money current = price(item.piece());
            if (!current.equals(item.price())) {
                throw new PriceChangedException("items[" + n + "]: the price is " + current + " in rate table "
                        + RATE_TABLE + ", not " + item.price());
            }
        }
        Meter m = meter(caller);
        if (request.meterId() != null && request.meterId() != m.id) {
            throw new NotFoundException("meter " + request.meterId() + " not found");
        }
        Money total = request.total();
        PaymentSummary payment;
        if (request.payment() instanceof CardPayment card) {
            if (card.number().equals(DECLINED_CARD) || card.expiredAt(YearMonth.now(clock.withZone(ZoneOffset.UTC)))) {
                throw new PaymentDeclinedException("the card was declined");
            }
            if (card.number().equals(BROKE_CARD)) {
                throw new InsufficientFundsException("the card has insufficient funds");
            }
            m.descending += total.minorUnits(); // the captured amount funds the meter, then is debited below
            payment = new PaymentSummary(PaymentKind.CARD, total, card.brand(), card.last4(), "gw-" + nextId++);
        } else {
            if (m.descending < total.minorUnits()) {
                throw new InsufficientFundsException("meter " + m.id + " holds " + Money.of(m.descending, "USD")
                        + ", less than " + total);
            }
            payment = new PaymentSummary(PaymentKind.ACCOUNT, total, null, null, "jr-" + nextId++);
        }
        debits.incrementAndGet();
        List<Indicium> indicia = new ArrayList<>();
        for (PurchaseItem item : request.items()) {
            m.ascending += item.price().minorUnits();
            m.descending -= item.price().minorUnits();
            m.pieces++;
            IndiciumData data = IndiciumData.builder().keyId(KEY_ID).vendorId(VENDOR_ID).meterId(m.id)
                    .pieceSerial(m.pieces).ascendingRegister(m.ascending).descendingRegister(m.descending)
                    .postage(item.price()).dateOfMailing(item.dateOfMailing()).origin(item.piece().origin())
                    .destination(item.piece().destination()).mailClass(item.piece().mailClass())
                    .softwareId(SOFTWARE_ID).testMode(caller.mode() == Mode.TEST).build();
            SignedIndicium signed = IndiciumCodec.sign(data, signer);
            String id = "ind-" + m.id + "-" + m.pieces;
            RenderedImage image = request.print().format() == OutputFormat.INDICIUM_DATA ? null
                    : new RenderedImage(request.print().format(), TINY_PNG, request.print().dpi());
            indicia.add(new Indicium(id, signed.encoded(), image));
            issued.put(id, new Issued(caller.partnerId(), caller.partnerId() + "|" + caller.mode(), signed.encoded(),
                    item.price(), payment.kind()));
        }
        purchasesCommitted.incrementAndGet();
        return new Purchase("pu-" + nextId++, indicia, total, payment, caller.mode(), clock.instant());
    }

    private Meter meter(Caller caller) {
        return meters.computeIfAbsent(caller.partnerId() + "|" + caller.mode(),
                k -> new Meter(caller.mode() == Mode.LIVE ? 1001 : 2001));
    }

    /** The price of a piece in this table. */
    public static Money price(MailPiece piece) {
        long base = switch (piece.mailClass()) {
            case LETTER -> 73;
            case LARGE_LETTER -> 150;
            case PRIORITY_LETTER -> 250;
            case REGISTERED_LETTER -> 480;
            case PARCEL -> 690;
            case PRIORITY_PARCEL -> 950;
        };
        int extra = Math.max(0, (piece.weight().grams() - 1) / 100);
        if (piece.mailClass() == MailClass.LETTER && piece.weight().grams() > 500) {
            throw new InvalidRequestException("piece.weight: a LETTER weighs at most 500 g, was " + piece.weight());
        }
        return Money.of(base + 20L * extra, "USD");
    }

    private static final class Meter {
        final long id;
        long ascending;
        long descending = INITIAL_FUNDS;
        long pieces;

        Meter(long id) {
            this.id = id;
        }
    }

    private record Stored(Object request, Object result, PostageException failure) {
    }

    private static final class Issued {
        final String partnerId;
        final String meterKey;
        final Bytes data;
        final Money amount;
        final PaymentKind paidBy;
        boolean refunded;

        Issued(String partnerId, String meterKey, Bytes data, Money amount, PaymentKind paidBy) {
            this.partnerId = partnerId;
            this.meterKey = meterKey;
            this.data = data;
            this.amount = amount;
            this.paidBy = paidBy;
        }
    }
}
