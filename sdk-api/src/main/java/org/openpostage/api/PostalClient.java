package org.openpostage.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;

/**
 * A {@link PostalService} reached over a transport. Create one per postal server with
 * {@link PostalClients#connect(ClientConfig)} and share it: it is thread-safe and pools its
 * connections. Close it when the application stops.
 *
 * <h2>Asynchronous calls</h2>
 * Every operation also has a variant returning a {@link CompletableFuture}, so that a portal's
 * request threads need not wait for the postal server: {@link #callAsync} runs any
 * {@link PostalOperation}, and {@code quoteAsync}, {@code purchaseAsync} and the others below are
 * its typed shorthands (one line each; an operation added later gets its shorthand the same way).
 * An asynchronous call is the synchronous call run on the client's executor
 * ({@link ClientConfig#asyncExecutor()}), with the same rules:
 * <ul>
 *   <li>its idempotency key, request id and <b>deadline are fixed when the method is called</b>, so
 *       time spent waiting for a thread counts against the deadline, and a retry of yours with the
 *       same context replays rather than repeats;</li>
 *   <li>it passes the same interceptors, retries and transport as a synchronous call;</li>
 *   <li>the methods never throw: a closed client, a missing request or a failed call completes the
 *       future exceptionally with the same {@link PostageException} the synchronous call throws
 *       ({@link CompletableFuture#join()} wraps it in a {@link java.util.concurrent.CompletionException},
 *       {@link CompletableFuture#get()} in an {@link java.util.concurrent.ExecutionException});</li>
 *   <li>cancelling the future before the call has started means it is never sent; cancelling it
 *       later does not stop it: a purchase may still happen, and calling again with the same
 *       idempotency key tells which;</li>
 *   <li>dependent stages that are not {@code ...Async} run on the client's executor thread that
 *       completed the call: pass your own executor to {@code thenApplyAsync} and the like for
 *       long work.</li>
 * </ul>
 */
public interface PostalClient extends PostalService, AutoCloseable {
    /** The configuration the client was made with. */
    ClientConfig config();

    /**
     * Runs one call of {@code operation} without waiting for it: the asynchronous form of every
     * operation (see the class documentation for the rules). The clients of every transport run it
     * in the shared pipeline ({@link org.openpostage.api.spi.PipelinedPostalClient#callAsync}).
     *
     * <p>This default, for implementations that do not use the pipeline (a decorator, a test
     * double), runs the synchronous call on {@link ClientConfig#asyncExecutor()}, or on a new daemon
     * thread when none is configured; its deadline starts when the call does. It is a default
     * method so that adding it broke no implementation (docs/api-evolution.md).
     *
     * @param operation the operation, for example {@link PostalOperation#PURCHASE}
     * @param request   the request; {@code null} for operations without one
     * @param context   the call's context, or {@code null} for an empty one
     * @return a future completed with the response, or exceptionally with a {@link PostageException}
     */
    default <Q, R> CompletableFuture<R> callAsync(PostalOperation<Q, R> operation, @Nullable Q request,
                                                  @Nullable CallContext context) {
        CompletableFuture<R> future = new CompletableFuture<>();
        Runnable call = () -> {
            try {
                future.complete(operation.invoke(this, request, context == null ? CallContext.empty() : context));
            } catch (Throwable t) { // a PostageException, or a bug that must not leave the future pending
                future.completeExceptionally(t);
            }
        };
        Executor executor = config().asyncExecutor();
        try {
            if (executor != null) {
                executor.execute(call);
            } else {
                Thread thread = new Thread(call, "openpostage-async-" + operation.name());
                thread.setDaemon(true);
                thread.start();
            }
        } catch (RuntimeException e) {
            future.completeExceptionally(new ConfigurationException(operation.name()
                    + ": the asynchronous executor refused the call: " + e.getMessage(), e));
        }
        return future;
    }

    /** Releases connections and threads. Calls made after closing fail. Does not throw. */
    @Override
    void close();

    // --- Typed shorthands of callAsync: one line per operation. ---

    /** {@link #quote(QuoteRequest, CallContext)} without waiting. */
    default CompletableFuture<RateQuote> quoteAsync(QuoteRequest request, @Nullable CallContext context) {
        return callAsync(PostalOperation.QUOTE, request, context);
    }

    /** {@link #purchase(PurchaseRequest, CallContext)} without waiting. */
    default CompletableFuture<Purchase> purchaseAsync(PurchaseRequest request, @Nullable CallContext context) {
        return callAsync(PostalOperation.PURCHASE, request, context);
    }

    /** {@link #purchaseBatch(BatchPurchaseRequest, CallContext)} without waiting. */
    default CompletableFuture<BatchPurchaseResult> purchaseBatchAsync(BatchPurchaseRequest request,
                                                                      @Nullable CallContext context) {
        return callAsync(PostalOperation.PURCHASE_BATCH, request, context);
    }

    /** {@link #refund(RefundRequest, CallContext)} without waiting. */
    default CompletableFuture<Refund> refundAsync(RefundRequest request, @Nullable CallContext context) {
        return callAsync(PostalOperation.REFUND, request, context);
    }

    /** {@link #accountStatement(CallContext)} without waiting. */
    default CompletableFuture<AccountStatement> accountStatementAsync(@Nullable CallContext context) {
        return callAsync(PostalOperation.ACCOUNT_STATEMENT, null, context);
    }

    /** {@link #backgrounds(CallContext)} without waiting. */
    default CompletableFuture<BackgroundCatalogue> backgroundsAsync(@Nullable CallContext context) {
        return callAsync(PostalOperation.BACKGROUNDS, null, context);
    }

    /** {@link #verificationKeys(CallContext)} without waiting. */
    default CompletableFuture<VerificationKeySet> verificationKeysAsync(@Nullable CallContext context) {
        return callAsync(PostalOperation.VERIFICATION_KEYS, null, context);
    }

    /** {@link #printComponent(CallContext)} without waiting. */
    default CompletableFuture<PrintComponent> printComponentAsync(@Nullable CallContext context) {
        return callAsync(PostalOperation.PRINT_COMPONENT, null, context);
    }

    /** {@link #verify(VerifyRequest, CallContext)} without waiting. */
    default CompletableFuture<VerificationResult> verifyAsync(VerifyRequest request, @Nullable CallContext context) {
        return callAsync(PostalOperation.VERIFY, request, context);
    }

    // --- The same with an empty context (a fresh idempotency key for keyed operations). ---

    /** {@link #quoteAsync(QuoteRequest, CallContext)} with an empty context. */
    default CompletableFuture<RateQuote> quoteAsync(QuoteRequest request) {
        return quoteAsync(request, null);
    }

    /** {@link #purchaseAsync(PurchaseRequest, CallContext)} with a fresh idempotency key. */
    default CompletableFuture<Purchase> purchaseAsync(PurchaseRequest request) {
        return purchaseAsync(request, null);
    }

    /** {@link #purchaseBatchAsync(BatchPurchaseRequest, CallContext)} with a fresh idempotency key. */
    default CompletableFuture<BatchPurchaseResult> purchaseBatchAsync(BatchPurchaseRequest request) {
        return purchaseBatchAsync(request, null);
    }

    /** {@link #refundAsync(RefundRequest, CallContext)} with a fresh idempotency key. */
    default CompletableFuture<Refund> refundAsync(RefundRequest request) {
        return refundAsync(request, null);
    }

    /** {@link #accountStatementAsync(CallContext)} with an empty context. */
    default CompletableFuture<AccountStatement> accountStatementAsync() {
        return accountStatementAsync(null);
    }

    /** {@link #backgroundsAsync(CallContext)} with an empty context. */
    default CompletableFuture<BackgroundCatalogue> backgroundsAsync() {
        return backgroundsAsync(null);
    }

    /** {@link #verificationKeysAsync(CallContext)} with an empty context. */
    default CompletableFuture<VerificationKeySet> verificationKeysAsync() {
        return verificationKeysAsync(null);
    }

    /** {@link #printComponentAsync(CallContext)} with an empty context. */
    default CompletableFuture<PrintComponent> printComponentAsync() {
        return printComponentAsync(null);
    }

    /** {@link #verifyAsync(VerifyRequest, CallContext)} with an empty context. */
    default CompletableFuture<VerificationResult> verifyAsync(VerifyRequest request) {
        return verifyAsync(request, null);
    }
}
