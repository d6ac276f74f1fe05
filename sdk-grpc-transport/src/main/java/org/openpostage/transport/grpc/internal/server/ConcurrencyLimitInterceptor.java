package org.openpostage.transport.grpc.internal.server;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openpostage.api.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits at most a fixed number of calls at once and answers the others at once with
 * RESOURCE_EXHAUSTED ({@link ErrorCode#RATE_LIMITED}, retryable), before they are authenticated or
 * read. A call holds its permit until the transport reports it complete or cancelled; gRPC
 * delivers that report only after the handler has returned, so the permit also bounds the threads
 * busy in the service.
 */
final class ConcurrencyLimitInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(ConcurrencyLimitInterceptor.class);

    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final int limit;
    private final Semaphore permits;
    private final AtomicInteger rejectedSinceWarning = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    ConcurrencyLimitInterceptor(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String requestId = ServerContextKeys.requestId();
        if (!permits.tryAcquire()) {
            warnAtMostEveryTenSeconds();
            return Rejections.reject(call, ErrorCode.RATE_LIMITED, "the server is already handling its limit of "
                    + limit + " concurrent calls; retry after a pause", requestId);
        }
        Runnable release = releaseOnce();
        try {
            return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                @Override
                public void onComplete() {
                    try {
                        super.onComplete();
                    } finally {
                        release.run();
                    }
                }

                @Override
                public void onCancel() {
                    try {
                        super.onCancel();
                    } finally {
                        release.run();
                    }
                }
            };
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
    }

    /** Logs rejections as one line per ten seconds at most: an overloaded server should not also flood its log. */
    private void warnAtMostEveryTenSeconds() {
        int rejected = rejectedSinceWarning.incrementAndGet();
        long last = lastWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            rejectedSinceWarning.addAndGet(-rejected);
            log.warn("at the limit of {} concurrent calls: rejected {} call(s) with RESOURCE_EXHAUSTED", limit, rejected);
        }
    }

    private Runnable releaseOnce() {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        };
    }
}
