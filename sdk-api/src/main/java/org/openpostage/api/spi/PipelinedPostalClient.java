package org.openpostage.api.spi;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.PostageException;
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
 * The client call pipeline every transport shares: a {@link PostalClient} that runs each call by
 * the same rules and leaves a single attempt to a {@link ClientTransport}. For each call it
 *
 * <ol>
 *   <li>refuses it with a {@link ConfigurationException} once the client is closed, and a missing
 *       request with an {@link InvalidArgumentException}, before anything is sent;</li>
 *   <li>fills in an idempotency key for {@linkplain PostalOperation.Kind#IDEMPOTENT_BY_KEY keyed}
 *       operations and a request id for all, the same for every attempt;</li>
 *   <li>sets <b>one deadline for the whole call</b>: the earlier of the context's deadline and the
 *       call's start plus {@link ClientConfig#requestTimeout()}; every attempt and every pause
 *       must end by it, and a call that reaches it fails with {@link ErrorCode#DEADLINE_EXCEEDED};</li>
 *   <li>passes the call and each attempt through the configured {@link ClientInterceptor}s;</li>
 *   <li>retries a failed attempt when {@link AttemptFailure#retryable(PostalOperation.Kind)} says a
 *       retry is safe and may succeed, at most {@link RetryPolicy#maxAttempts()} attempts in all,
 *       pausing between them for the policy's backoff with full jitter, and at least as long as the
 *       server's {@code Retry-After}; when the pause would reach the deadline it gives up at once
 *       with the last failure.</li>
 * </ol>
 *
 * <p>{@link #callAsync} runs the same pipeline on the configured
 * {@linkplain ClientConfig#asyncExecutor() executor}, or on threads of the client's own, so every
 * transport gets asynchronous calls of every operation without code of its own; the call is
 * prepared (key, request id, deadline) before it is handed over.
 *
 * <p>Thread-safe; closing it closes the transport and stops the client's own threads.
 */
public final class PipelinedPostalClient implements PostalClient {
    private static final System.Logger log = System.getLogger(PipelinedPostalClient.class.getName());

    private final ClientConfig config;
    private final ClientTransport transport;
    private final List<ClientInterceptor> interceptors;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Executor asyncExecutor;
    private final @Nullable ExecutorService ownExecutor;

    /**
     * A client for {@code config} that sends its attempts through {@code transport}.
     *
     * @param config    the configuration (timeouts, retry policy, interceptors)
     * @param transport sends single attempts; closed with this client
     */
    public PipelinedPostalClient(ClientConfig config, ClientTransport transport) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.interceptors = config.interceptors();
        Executor given = config.asyncExecutor();
        this.ownExecutor = given == null ? ownThreads(config) : null;
        this.asyncExecutor = given != null ? given : Objects.requireNonNull(ownExecutor);
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    @Override
    public RateQuote quote(QuoteRequest request, @Nullable CallContext context) {
        return call(PostalOperation.QUOTE, request, context);
    }

    @Override
    public Purchase purchase(PurchaseRequest request, @Nullable CallContext context) {
        return call(PostalOperation.PURCHASE, request, context);
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, @Nullable CallContext context) {
        return call(PostalOperation.PURCHASE_BATCH, request, context);
    }

    @Override
    public Refund refund(RefundRequest request, @Nullable CallContext context) {
        return call(PostalOperation.REFUND, request, context);
    }

    @Override
    public AccountStatement accountStatement(@Nullable CallContext context) {
        return call(PostalOperation.ACCOUNT_STATEMENT, null, context);
    }

    @Override
    public BackgroundCatalogue backgrounds(@Nullable CallContext context) {
        return call(PostalOperation.BACKGROUNDS, null, context);
    }

    @Override
    public VerificationKeySet verificationKeys(@Nullable CallContext context) {
        return call(PostalOperation.VERIFICATION_KEYS, null, context);
    }

    @Override
    public PrintComponent printComponent(@Nullable CallContext context) {
        return call(PostalOperation.PRINT_COMPONENT, null, context);
    }

    @Override
    public VerificationResult verify(VerifyRequest request, @Nullable CallContext context) {
        return call(PostalOperation.VERIFY, request, context);
    }

    @Override
    public PurchaseRecord lookupPurchase(PurchaseLookupRequest request, @Nullable CallContext context) {
        return call(PostalOperation.LOOKUP_PURCHASE, request, context);
    }

    @Override
    public PurchasePage listPurchases(PurchaseListRequest request, @Nullable CallContext context) {
        return call(PostalOperation.LIST_PURCHASES, request, context);
    }

    @Override
    public JournalExport exportJournal(JournalExportRequest request, @Nullable CallContext context) {
        return call(PostalOperation.EXPORT_JOURNAL, request, context);
    }

    /**
     * Runs one call of {@code operation} through the pipeline.
     *
     * @param request the request; {@code null} for operations without one
     * @param context the call's context, or {@code null} for an empty one
     */
    public <Q, R> R call(PostalOperation<Q, R> operation, @Nullable Q request, @Nullable CallContext context) {
        CallContext prepared = prepare(operation, request, context);
        return run(operation, request, prepared);
    }

    /**
     * Runs one call of {@code operation} through the pipeline on the asynchronous executor. The
     * call's idempotency key, request id and deadline are fixed now, before it waits for a thread;
     * a refusal (closed client, missing request) completes the future at once. Never throws.
     *
     * @param request the request; {@code null} for operations without one
     * @param context the call's context, or {@code null} for an empty one
     */
    @Override
    public <Q, R> CompletableFuture<R> callAsync(PostalOperation<Q, R> operation, @Nullable Q request,
                                                 @Nullable CallContext context) {
        CompletableFuture<R> future = new CompletableFuture<>();
        CallContext prepared;
        try {
            prepared = prepare(operation, request, context);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return future;
        }
        try {
            asyncExecutor.execute(() -> {
                if (future.isDone()) {
                    return; // cancelled before it started: nothing is sent
                }
                try {
                    future.complete(run(operation, request, prepared));
                } catch (Throwable t) { // a PostageException, or a bug that must not leave the future pending
                    future.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(closed.get()
                    ? new ConfigurationException(operation.name() + ": this PostalClient is closed")
                    : new ConfigurationException(operation.name() + ": the client's asynchronous executor refused "
                            + "the call: " + e.getMessage(), e));
        }
        return future;
    }

    /**
     * Closes the transport and stops the client's own asynchronous threads (an executor given in
     * the configuration is left alone); calls made afterwards fail with a
     * {@link ConfigurationException}. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transport.close();
            if (ownExecutor != null) {
                ownExecutor.shutdown();
            }
        }
    }

    @Override
    public String toString() {
        return "PostalClient[" + config.endpoint() + " via " + transport.getClass().getSimpleName() + "]";
    }

    /** Checks a call and fixes its idempotency key (keyed operations), request id and deadline. */
    private <Q, R> CallContext prepare(PostalOperation<Q, R> operation, @Nullable Q request,
                                       @Nullable CallContext context) {
        Objects.requireNonNull(operation, "operation");
        checkOpen(operation);
        if (operation.hasRequest() && request == null) {
            throw new InvalidArgumentException(operation.name() + ": the request is required");
        }
        CallContext ctx = context == null ? CallContext.empty() : context;
        if (operation.kind().needsIdempotencyKey()) {
            ctx = ctx.ensureIdempotencyKey();
        }
        ctx = ctx.ensureRequestId();
        Instant deadline = Instant.now().plus(config.requestTimeout());
        if (ctx.deadline() != null && ctx.deadline().isBefore(deadline)) {
            deadline = ctx.deadline();
        }
        return ctx.withDeadline(deadline);
    }

    /** Runs a prepared call: the interceptors' {@code interceptCall} around all its attempts. */
    private <Q, R> R run(PostalOperation<Q, R> operation, @Nullable Q request, CallContext prepared) {
        return intercepted(0, 0, operation, request, prepared, c -> attempts(operation, request, c));
    }

    /** At most {@link ClientConfig#DEFAULT_ASYNC_THREADS} daemon threads, idle ones ending after a minute. */
    private static ExecutorService ownThreads(ClientConfig config) {
        AtomicInteger count = new AtomicInteger();
        String name = "openpostage-async-" + config.endpoint().getHost() + "-";
        ThreadPoolExecutor pool = new ThreadPoolExecutor(ClientConfig.DEFAULT_ASYNC_THREADS,
                ClientConfig.DEFAULT_ASYNC_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private <Q, R> R attempts(PostalOperation<Q, R> operation, @Nullable Q request, CallContext ctx) {
        RetryPolicy policy = config.retryPolicy();
        Instant deadline = Objects.requireNonNull(ctx.deadline());
        for (int attempt = 1; ; attempt++) {
            checkOpen(operation);
            if (!Instant.now().isBefore(deadline)) {
                throw new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, operation.name()
                        + ": the call's deadline passed before attempt " + attempt, null);
            }
            int number = attempt;
            AttemptFailure[] reported = new AttemptFailure[1];
            AttemptFailure failure;
            try {
                // Interceptors see the attempt's PostageException; the pipeline keeps its delivery.
                return intercepted(1, attempt, operation, request, ctx, c -> {
                    try {
                        return transport.send(new Attempt<>(operation, request, c, number));
                    } catch (AttemptFailure f) {
                        reported[0] = f;
                        throw f.error();
                    }
                });
            } catch (AttemptFailure f) {
                failure = f;
            } catch (PostageException e) {
                failure = reported[0] != null && reported[0].error() == e ? reported[0] : AttemptFailure.answered(e);
            }
            PostageException error = failure.error();
            if (!failure.retryable(operation.kind()) || attempt >= policy.maxAttempts()) {
                throw error;
            }
            Duration pause = policy.backoff(attempt, ThreadLocalRandom.current());
            if (error.retryAfter() != null && error.retryAfter().compareTo(pause) > 0) {
                pause = error.retryAfter();
            }
            if (!Instant.now().plus(pause).isBefore(deadline)) {
                throw error;
            }
            int failed = attempt;
            Duration wait = pause;
            AttemptFailure.Delivery delivery = failure.delivery();
            log.log(Level.DEBUG, () -> operation.name() + " (request " + ctx.requestId() + ") attempt " + failed
                    + " failed with " + error.code() + " (" + delivery + "); retrying in " + wait.toMillis()
                    + " ms with the same idempotency key");
            sleep(pause, error);
        }
    }

    private void checkOpen(PostalOperation<?, ?> operation) {
        if (closed.get()) {
            throw new ConfigurationException(operation.name() + ": this PostalClient is closed");
        }
    }

    /** Runs {@code last} inside the interceptors' {@code interceptCall} (level 0) or {@code interceptAttempt} (1). */
    private <R> R intercepted(int level, int attempt, PostalOperation<?, R> operation, @Nullable Object request,
                              CallContext ctx, Function<CallContext, R> last) {
        if (interceptors.isEmpty()) {
            return last.apply(ctx);
        }
        return new Chain<>(level, attempt, operation, request, ctx, last, 0).proceed();
    }

    private static void sleep(Duration pause, PostageException failure) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /** One step of the interceptor chain. */
    private final class Chain<R> implements ClientInterceptor.Invocation<R> {
        private final int level;
        private final int attempt;
        private final PostalOperation<?, R> operation;
        private final @Nullable Object request;
        private final CallContext ctx;
        private final Function<CallContext, R> last;
        private final int index;

        Chain(int level, int attempt, PostalOperation<?, R> operation, @Nullable Object request, CallContext ctx,
              Function<CallContext, R> last, int index) {
            this.level = level;
            this.attempt = attempt;
            this.operation = operation;
            this.request = request;
            this.ctx = ctx;
            this.last = last;
            this.index = index;
        }

        @Override
        public PostalOperation<?, R> operation() {
            return operation;
        }

        @Override
        public @Nullable Object request() {
            return request;
        }

        @Override
        public CallContext context() {
            return ctx;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public R proceed() {
            return proceedWith(ctx);
        }

        @Override
        public R proceed(@Nullable TraceContext trace) {
            return proceedWith(ctx.withTrace(trace));
        }

        private R proceedWith(CallContext context) {
            if (index == interceptors.size()) {
                return last.apply(context);
            }
            Chain<R> next = new Chain<>(level, attempt, operation, request, context, last, index + 1);
            ClientInterceptor interceptor = interceptors.get(index);
            return level == 0 ? interceptor.interceptCall(next) : interceptor.interceptAttempt(next);
        }
    }
}
