package org.openpostage.api;

import java.util.List;
import java.util.Objects;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;

/**
 * The operations of {@link PostalService} as data: each one's name, request and response types,
 * and {@link Kind}, which decides whether it needs an idempotency key and when a client may
 * repeat it. Every client transport runs its calls through the same rules
 * ({@link org.openpostage.api.spi.PipelinedPostalClient}), so retries behave the same on every
 * transport.
 *
 * <p>Operations without a request body (the read-only getters) have request type {@link Void}
 * and a {@code null} request.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public final class PostalOperation<Q, R> {

    /** How an operation may be repeated, which decides retries. */
    public enum Kind {
        /** No effect on the server: always safe to repeat. */
        READ_ONLY,
        /**
         * An effect keyed by the call's idempotency key: repeating it with the same key replays the
         * first outcome, so it is safe to repeat. The client fills in a key when the context has none.
         */
        IDEMPOTENT_BY_KEY,
        /**
         * An effect without a key ({@link PostalService#verify} records a scan): repeated only when
         * the request surely never reached the server, or the server answered that it did nothing
         * ({@link ErrorCode#RATE_LIMITED}, {@link ErrorCode#SERVICE_UNAVAILABLE}).
         */
        NOT_IDEMPOTENT;

        /** Whether calls of this kind carry an idempotency key. */
        public boolean needsIdempotencyKey() {
            return this == IDEMPOTENT_BY_KEY;
        }

        /** Whether a request of this kind may be sent again after it may have reached the server. */
        public boolean safeToRepeat() {
            return this != NOT_IDEMPOTENT;
        }
    }

    /** {@link PostalService#quote}. */
    public static final PostalOperation<QuoteRequest, RateQuote> QUOTE =
            new PostalOperation<>("quote", Kind.READ_ONLY, QuoteRequest.class, RateQuote.class);
    /** {@link PostalService#purchase}. */
    public static final PostalOperation<PurchaseRequest, Purchase> PURCHASE =
            new PostalOperation<>("purchase", Kind.IDEMPOTENT_BY_KEY, PurchaseRequest.class, Purchase.class);
    /** {@link PostalService#purchaseBatch}. */
    public static final PostalOperation<BatchPurchaseRequest, BatchPurchaseResult> PURCHASE_BATCH =
            new PostalOperation<>("purchaseBatch", Kind.IDEMPOTENT_BY_KEY, BatchPurchaseRequest.class,
                    BatchPurchaseResult.class);
    /** {@link PostalService#refund}. */
    public static final PostalOperation<RefundRequest, Refund> REFUND =
            new PostalOperation<>("refund", Kind.IDEMPOTENT_BY_KEY, RefundRequest.class, Refund.class);
    /** {@link PostalService#accountStatement}. */
    public static final PostalOperation<Void, AccountStatement> ACCOUNT_STATEMENT =
            new PostalOperation<>("accountStatement", Kind.READ_ONLY, Void.class, AccountStatement.class);
    /** {@link PostalService#backgrounds}. */
    public static final PostalOperation<Void, BackgroundCatalogue> BACKGROUNDS =
            new PostalOperation<>("backgrounds", Kind.READ_ONLY, Void.class, BackgroundCatalogue.class);
    /** {@link PostalService#verificationKeys}. */
    public static final PostalOperation<Void, VerificationKeySet> VERIFICATION_KEYS =
            new PostalOperation<>("verificationKeys", Kind.READ_ONLY, Void.class, VerificationKeySet.class);
    /** {@link PostalService#printComponent}. */
    public static final PostalOperation<Void, PrintComponent> PRINT_COMPONENT =
            new PostalOperation<>("printComponent", Kind.READ_ONLY, Void.class, PrintComponent.class);
    /** {@link PostalService#verify}: records a scan, so it is not idempotent. */
    public static final PostalOperation<VerifyRequest, VerificationResult> VERIFY =
            new PostalOperation<>("verify", Kind.NOT_IDEMPOTENT, VerifyRequest.class, VerificationResult.class);

    /** {@link PostalService#lookupPurchase}: a past purchase, rendered again. */
    public static final PostalOperation<PurchaseLookupRequest, PurchaseRecord> LOOKUP_PURCHASE =
            new PostalOperation<>("lookupPurchase", Kind.READ_ONLY, PurchaseLookupRequest.class, PurchaseRecord.class);
    /** {@link PostalService#listPurchases}: the purchases of a period, a page at a time. */
    public static final PostalOperation<PurchaseListRequest, PurchasePage> LIST_PURCHASES =
            new PostalOperation<>("listPurchases", Kind.READ_ONLY, PurchaseListRequest.class, PurchasePage.class);
    /** {@link PostalService#exportJournal}: the journal of a period, as CSV or XML. */
    public static final PostalOperation<JournalExportRequest, JournalExport> EXPORT_JOURNAL =
            new PostalOperation<>("exportJournal", Kind.READ_ONLY, JournalExportRequest.class, JournalExport.class);

    private static final List<PostalOperation<?, ?>> ALL = List.of(QUOTE, PURCHASE, PURCHASE_BATCH, REFUND,
            ACCOUNT_STATEMENT, BACKGROUNDS, VERIFICATION_KEYS, PRINT_COMPONENT, VERIFY, LOOKUP_PURCHASE,
            LIST_PURCHASES, EXPORT_JOURNAL);

    private final String name;
    private final Kind kind;
    private final Class<Q> requestType;
    private final Class<R> responseType;

    private PostalOperation(String name, Kind kind, Class<Q> requestType, Class<R> responseType) {
        this.name = name;
        this.kind = kind;
        this.requestType = requestType;
        this.responseType = responseType;
    }

    /** Every operation, in the order {@link PostalService} declares them. */
    public static List<PostalOperation<?, ?>> all() {
        return ALL;
    }

    /** The {@link PostalService} method's name, for example {@code "purchaseBatch"}. */
    public String name() {
        return name;
    }

    /** How the operation may be repeated. */
    public Kind kind() {
        return kind;
    }

    /** The request type; {@link Void} for operations without a request. */
    public Class<Q> requestType() {
        return requestType;
    }

    /** The response type. */
    public Class<R> responseType() {
        return responseType;
    }

    /** Whether the operation takes a request ({@code false} for the read-only getters). */
    public boolean hasRequest() {
        return requestType != Void.class;
    }

    /** Calls this operation on {@code service}: how a pipeline's last step reaches an in-process service. */
    public R invoke(PostalService service, Q request, CallContext context) {
        Objects.requireNonNull(service, "service");
        Object result = switch (name) {
            case "quote" -> service.quote((QuoteRequest) request, context);
            case "purchase" -> service.purchase((PurchaseRequest) request, context);
            case "purchaseBatch" -> service.purchaseBatch((BatchPurchaseRequest) request, context);
            case "refund" -> service.refund((RefundRequest) request, context);
            case "accountStatement" -> service.accountStatement(context);
            case "backgrounds" -> service.backgrounds(context);
            case "verificationKeys" -> service.verificationKeys(context);
            case "printComponent" -> service.printComponent(context);
            case "verify" -> service.verify((VerifyRequest) request, context);
            case "lookupPurchase" -> service.lookupPurchase((PurchaseLookupRequest) request, context);
            case "listPurchases" -> service.listPurchases((PurchaseListRequest) request, context);
            case "exportJournal" -> service.exportJournal((JournalExportRequest) request, context);
            default -> throw new IllegalStateException("unknown operation " + name);
        };
        return responseType.cast(result);
    }

    @Override
    public String toString() {
        return name;
    }
}
