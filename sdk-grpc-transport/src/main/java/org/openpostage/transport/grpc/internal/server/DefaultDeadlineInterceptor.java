package org.openpostage.transport.grpc.internal.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a call that arrived without a deadline the server's default one. The call's
 * {@link Context} carries the deadline (so the service receives it in its
 * {@link org.openpostage.api.CallContext} and sees the context cancelled when it passes), and when
 * it passes the call is closed with DEADLINE_EXCEEDED at once, whatever the service is still doing.
 * Calls with a client deadline are left to gRPC, which enforces those itself.
 */
final class DefaultDeadlineInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(DefaultDeadlineInterceptor.class);

    private final Duration defaultDeadline;
    private final ScheduledExecutorService scheduler;

    DefaultDeadlineInterceptor(Duration defaultDeadline, ScheduledExecutorService scheduler) {
        this.defaultDeadline = defaultDeadline;
        this.scheduler = scheduler;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (Context.current().getDeadline() != null) {
            return next.startCall(call, headers);
        }
        String requestId = ServerContextKeys.requestId();
        ExclusiveServerCall<Q, R> exclusive = new ExclusiveServerCall<>(call);
        Context.CancellableContext context = Context.current()
                .withDeadlineAfter(defaultDeadline.toNanos(), TimeUnit.NANOSECONDS, scheduler);
        context.addListener(cancelled -> {
            if (cancelled.cancellationCause() instanceof TimeoutException) {
                log.info("{} (request {}) ran past the default deadline of {} and was cut",
                        call.getMethodDescriptor().getBareMethodName(), requestId, defaultDeadline);
                StatusRuntimeException e = GrpcErrors.toStatusException(ErrorCode.DEADLINE_EXCEEDED,
                        "the call set no deadline and ran past the server's default of " + defaultDeadline.toMillis()
                                + " ms; retry with the same idempotency key to learn its outcome", requestId);
                exclusive.close(e.getStatus(), e.getTrailers());
            }
        }, Runnable::run);

        ServerCall.Listener<Q> listener;
        try {
            listener = Contexts.interceptCall(context, exclusive, headers, next);
        } catch (RuntimeException | Error e) {
            context.cancel(null);
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null); // stops the timer
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }
        };
    }
}
