package org.openpostage.api;

import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.PostageException;

/**
 * Observes or decorates a client's calls: for logging, metrics and tracing. Interceptors are
 * configured with {@link ClientConfig.Builder#interceptor} and shared by every transport, since
 * every client runs its calls through the same pipeline
 * ({@link org.openpostage.api.spi.PipelinedPostalClient}).
 *
 * <p>Each interceptor sees every logical call once ({@link #interceptCall}) and each of its
 * attempts ({@link #interceptAttempt}): a call retried twice passes one call and three attempts.
 * Interceptors run in the order configured, the first outermost. Each must call
 * {@link Invocation#proceed()} exactly once and return its result or let its exception pass
 * (it may wrap neither); an exception an interceptor throws itself ends the call with that
 * exception, so throw only {@link PostageException}s.
 *
 * <pre>{@code
 * ClientInterceptor timing = new ClientInterceptor() {
 *     public <R> R interceptAttempt(Invocation<R> attempt) {
 *         long start = System.nanoTime();
 *         try {
 *             return attempt.proceed();
 *         } finally {
 *             log.info("{} attempt {} (request {}) took {} µs", attempt.operation(), attempt.attempt(),
 *                     attempt.context().requestId(), (System.nanoTime() - start) / 1000);
 *         }
 *     }
 * };
 * }</pre>
 *
 * <p>Implementations must be thread-safe. Requests carry card data: never log them whole.
 */
public interface ClientInterceptor {

    /** Around one logical call, all its attempts and pauses included. Passes it on by default. */
    default <R> R interceptCall(Invocation<R> call) {
        return call.proceed();
    }

    /** Around one attempt of a call. Passes it on by default. */
    default <R> R interceptAttempt(Invocation<R> attempt) {
        return attempt.proceed();
    }

    /**
     * A call or an attempt on its way to the transport.
     *
     * @param <R> the response type
     */
    interface Invocation<R> {
        /** The operation called. */
        PostalOperation<?, R> operation();

        /** The request, or {@code null} for operations without one. Holds card data: do not log it whole. */
        @Nullable Object request();

        /**
         * The call's context as the transport sends it: the idempotency key (for keyed
         * operations), the request id and the call's deadline, which bounds all its attempts.
         */
        CallContext context();

        /** The attempt's number, from 1; 0 in {@link #interceptCall}. */
        int attempt();

        /** Passes the call on to the next interceptor, or the transport, and returns its result. */
        R proceed();

        /**
         * Passes the call on, as {@link #proceed()}, with {@code trace} as its W3C trace context: what
         * the transport sends as {@code traceparent} and {@code tracestate} (from
         * {@link #interceptAttempt}: for this attempt; from {@link #interceptCall}: for every attempt,
         * unless an attempt's interceptor sets its own). Nothing else of the context may change: the
         * idempotency key, request id and deadline stay the pipeline's. A tracing interceptor starts a
         * client span and passes its context here.
         *
         * <p>The default implementation, for invocations written before this method, ignores
         * {@code trace} and calls {@link #proceed()}.
         *
         * @param trace the trace context to send, or {@code null} for none
         */
        default R proceed(@Nullable TraceContext trace) {
            return proceed();
        }
    }
}
