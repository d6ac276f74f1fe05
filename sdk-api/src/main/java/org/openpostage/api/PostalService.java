package org.openpostage.api;

import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.RateLimitedException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.error.ServiceUnavailableException;
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
 * The contract between a portal and a postal server: everything a portal can ask for.
 *
 * <p>The same interface is implemented on both sides. A portal obtains a client with
 * {@link PostalClients#connect(ClientConfig)}, which speaks XML over HTTPS or gRPC depending only
 * on the endpoint URI. A postal server implements it in its core and exposes that implementation
 * through the transports' server bindings, which authenticate each request and pass the
 * {@link Caller} in the {@link CallContext}.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>Thread safety.</b> Every method may be called concurrently from any number of threads.</li>
 *   <li><b>Idempotency.</b> The mutating methods ({@link #purchase}, {@link #purchaseBatch},
 *       {@link #refund}) are keyed by {@link CallContext#idempotencyKey()}, scoped to the caller
 *       and kept for at least 24 hours. The same key with the same request replays the first
 *       outcome, success or failure, without repeating its effect; the same key with a different
 *       request fails with {@link IdempotencyConflictException} ({@link ErrorCode#IDEMPOTENCY_KEY_REUSED});
 *       a request refused before anything was charged (an invalid field, a stale price) leaves its
 *       key unused, so the corrected request may be sent under the same key;
 *       a retry while the first call is still running fails with {@link ErrorCode#REQUEST_IN_PROGRESS}
 *       or waits for it. Clients fill in a fresh key when the context has none.</li>
 *   <li><b>Money.</b> Every indicium is debited from its meter exactly once, before it is returned.
 *       A failed call debits nothing.</li>
 *   <li><b>Errors.</b> Every failure is a {@link PostageException}; each method lists the
 *       subclasses it may throw beyond {@link AuthenticationException} (no or bad credentials),
 *       {@link InvalidRequestException} (a field out of range, named in the message),
 *       {@link RateLimitedException} and {@link ServiceUnavailableException} (including deadline
 *       exceeded), which any method may throw.</li>
 *   <li><b>Deadlines.</b> A call whose {@link CallContext#deadline()} passes fails with
 *       {@link ErrorCode#DEADLINE_EXCEEDED}; for a mutating call its effect may or may not have
 *       happened, and a retry with the same key tells which.</li>
 * </ul>
 */
public interface PostalService {

    /**
     * Prices one mail piece from the rate table in force on its date of mailing. Read-only.
     *
     * @throws InvalidRequestException if the piece is outside what the rate table covers (a weight
     *                                 over the class's limit, a class not sold, a zone that needs a
     *                                 destination); the message says which
     */
    RateQuote quote(QuoteRequest request, CallContext context);

    /**
     * Buys the request's indicia with one payment, all or nothing. Idempotent by key.
     *
     * <p>The price of every item is recomputed; the payment is verified (card: Luhn, expiry,
     * authorization and capture; account: the meter's descending register must cover the total);
     * then, in one transaction, the meter is debited, each indicium gets the next piece serial and
     * the registers after its own debit, and is signed. Rendered images are added when the
     * request's {@link org.openpostage.api.model.PrintOptions} ask for them.
     *
     * @throws org.openpostage.api.error.PriceChangedException if an item's price is no longer current
     * @throws PaymentDeclinedException   if the card was declined
     * @throws InsufficientFundsException if the card or the account cannot cover the total
     * @throws PaymentPendingException    if the gateway's answer is unknown; retry with the same key later
     * @throws NotFoundException          if the meter or the background image does not exist
     * @throws PermissionDeniedException  if the meter belongs to the other mode
     * @throws IdempotencyConflictException if the key was used for a different request, or is in use
     */
    Purchase purchase(PurchaseRequest request, CallContext context);

    /**
     * Runs several independent purchases in one call; each entry succeeds or fails on its own and
     * is reported in the result, in request order. Idempotent by key: each entry is keyed by the
     * batch key and its reference, so a retried batch replays every entry's first outcome.
     *
     * <p>Errors of single entries (declined card, price changed) are results, not exceptions.
     * Exceptions are for the batch as a whole.
     *
     * @throws IdempotencyConflictException if the key was used for a different batch, or is in use
     */
    BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context);

    /**
     * Refunds an unused indicium within the refund window, exactly once: the postage goes back to
     * the card or to the portal's account, and the indicium no longer verifies as valid. Idempotent
     * by key: a retry with the same key replays the refund.
     *
     * @throws NotFoundException          if the caller has no such indicium
     * @throws RefundNotAllowedException  if it was refunded before, or is past the window
     */
    Refund refund(RefundRequest request, CallContext context);

    /** The caller's meters and their registers, in the caller's mode. Read-only. */
    AccountStatement accountStatement(CallContext context);

    /** The background images the server offers. Read-only. */
    BackgroundCatalogue backgrounds(CallContext context);

    /**
     * The keys that verify this server's indicia, current and retired, with each key's state
     * (retirement, last date of mailing, revocation). Read-only. A verifier may cache the set, but
     * must fetch it again when an indicium names a key not in it, and regularly (daily, say) and
     * whenever the operator announces a revocation: a revocation changes a key it already knows.
     */
    VerificationKeySet verificationKeys(CallContext context);

    /** The print component the server publishes for browsers to print stamps. Read-only. */
    PrintComponent printComponent(CallContext context);

    /**
     * Verifies scanned indicium data: decodes it, checks the signature against the published keys,
     * and reports whether the piece was issued, refunded, or seen before. A call by a scanner (on
     * the reference server: an API key issued as a scanner key) records one scan of the piece, so
     * verifying the same piece twice reports a duplicate the second time; other callers verify
     * without recording. Not idempotent, so clients do not repeat it once it may have arrived.
     *
     * @throws org.openpostage.api.error.IndiciumFormatException if the bytes are malformed
     */
    VerificationResult verify(VerifyRequest request, CallContext context);

    /**
     * A past purchase of the caller, by its id, with its indicia rendered again as the request's
     * {@link org.openpostage.api.model.PrintOptions} ask (a reprint) and the refunds of its
     * indicia so far. Read-only: nothing is charged or issued, and the signed data is the same as
     * the purchase returned, whenever the purchase was made (idempotency keys expire; purchases do
     * not). A purchase of the other mode is not found.
     *
     * <p>Added in protocol v1 as an additive operation: this default implementation, for services
     * written before it, fails with {@link ErrorCode#INTERNAL}.
     *
     * @throws NotFoundException if the caller has no such purchase, or the background image does not exist
     */
    default PurchaseRecord lookupPurchase(PurchaseLookupRequest request, CallContext context) {
        throw notOffered(PostalOperation.LOOKUP_PURCHASE);
    }

    /**
     * The caller's purchases committed in a period, oldest first, a page at a time (see
     * {@link PurchaseListRequest}). Read-only. A page token names a position in the list, so
     * purchases committed later never shift the pages already read.
     *
     * <p>Added in protocol v1 as an additive operation: this default implementation, for services
     * written before it, fails with {@link ErrorCode#INTERNAL}.
     *
     * @throws InvalidRequestException if the page token is not one this server issued for the period
     */
    default PurchasePage listPurchases(PurchaseListRequest request, CallContext context) {
        throw notOffered(PostalOperation.LIST_PURCHASES);
    }

    /**
     * The journal of the caller's meters (of the caller's mode) in a period, as a CSV or XML
     * document: every funding, debit, refund and reversal with the registers after it. Read-only.
     *
     * <p>Added in protocol v1 as an additive operation: this default implementation, for services
     * written before it, fails with {@link ErrorCode#INTERNAL}.
     *
     * @throws NotFoundException       if the request names a meter the caller does not have
     * @throws InvalidRequestException if the period holds more than {@link JournalExport#MAX_ENTRIES}
     *                                 entries (export it in shorter parts)
     */
    default JournalExport exportJournal(JournalExportRequest request, CallContext context) {
        throw notOffered(PostalOperation.EXPORT_JOURNAL);
    }

    // --- Convenience overloads with an empty context. ---

    /** {@link #quote(QuoteRequest, CallContext)} with an empty context. */
    default RateQuote quote(QuoteRequest request) {
        return quote(request, CallContext.empty());
    }

    /** {@link #purchase(PurchaseRequest, CallContext)} with a fresh idempotency key. */
    default Purchase purchase(PurchaseRequest request) {
        return purchase(request, CallContext.empty());
    }

    /** {@link #purchaseBatch(BatchPurchaseRequest, CallContext)} with a fresh idempotency key. */
    default BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request) {
        return purchaseBatch(request, CallContext.empty());
    }

    /** {@link #refund(RefundRequest, CallContext)} with a fresh idempotency key. */
    default Refund refund(RefundRequest request) {
        return refund(request, CallContext.empty());
    }

    /** {@link #accountStatement(CallContext)} with an empty context. */
    default AccountStatement accountStatement() {
        return accountStatement(CallContext.empty());
    }

    /** {@link #backgrounds(CallContext)} with an empty context. */
    default BackgroundCatalogue backgrounds() {
        return backgrounds(CallContext.empty());
    }

    /** {@link #verificationKeys(CallContext)} with an empty context. */
    default VerificationKeySet verificationKeys() {
        return verificationKeys(CallContext.empty());
    }

    /** {@link #printComponent(CallContext)} with an empty context. */
    default PrintComponent printComponent() {
        return printComponent(CallContext.empty());
    }

    /** {@link #verify(VerifyRequest, CallContext)} with an empty context. */
    default VerificationResult verify(VerifyRequest request) {
        return verify(request, CallContext.empty());
    }

    /** {@link #lookupPurchase(PurchaseLookupRequest, CallContext)} with an empty context. */
    default PurchaseRecord lookupPurchase(PurchaseLookupRequest request) {
        return lookupPurchase(request, CallContext.empty());
    }

    /** {@link #listPurchases(PurchaseListRequest, CallContext)} with an empty context. */
    default PurchasePage listPurchases(PurchaseListRequest request) {
        return listPurchases(request, CallContext.empty());
    }

    /** {@link #exportJournal(JournalExportRequest, CallContext)} with an empty context. */
    default JournalExport exportJournal(JournalExportRequest request) {
        return exportJournal(request, CallContext.empty());
    }

    private static PostageException notOffered(PostalOperation<?, ?> operation) {
        return new PostageException(ErrorCode.INTERNAL, operation.name() + " is not offered by this postal service: "
                + "it was written before the operation was added to protocol v1", null, null);
    }
}
