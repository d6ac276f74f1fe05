package org.openpostage.transport.grpc.internal.client;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ErrorCode;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.PostageException;
import org.openpostage.api.PostalClient;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.ServiceUnavailableException;
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
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.openpostage.transport.grpc.internal.Headers;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.ProtoResponses;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.proto.V1;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PostalClient} speaking {@code openpostage.v1} over gRPC, on one shared channel.
 *
 * <p>Each call: the mutating ones get an idempotency key once (the context's, or a fresh one),
 * then every attempt carries the API key, that key and the request id as metadata, with the
 * deadline {@code min(context deadline, attempt start + requestTimeout)}. A failure whose code is
 * retryable is retried per the {@link RetryPolicy}, never past the context's deadline; any other
 * failure is thrown at once as the exception of its code.
 */
public final class GrpcPostalClient implements PostalClient {
    private static final Logger log = LoggerFactory.getLogger(GrpcPostalClient.class);

    private final ClientConfig config;
    private final ManagedChannel channel;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean closed;

    /** A client for {@code config}. @throws org.openpostage.api.ConfigurationException if it cannot be used */
    public GrpcPostalClient(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.channel = Channels.create(config, ClientOptions.parse(config.options()));
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        return call(PostalServiceGrpc.getQuoteMethod(), ProtoRequests.quote(request), ProtoResponses::rateQuote,
                context, false);
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        return call(PostalServiceGrpc.getPurchaseMethod(), ProtoRequests.purchase(request), ProtoResponses::purchase,
                context, true);
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        return call(PostalServiceGrpc.getPurchaseBatchMethod(), ProtoRequests.batch(request), ProtoResponses::batch,
                context, true);
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        return call(PostalServiceGrpc.getRefundMethod(), ProtoRequests.refund(request), ProtoResponses::refund,
                context, true);
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        return call(PostalServiceGrpc.getGetAccountStatementMethod(), V1.GetAccountStatementRequest.getDefaultInstance(),
                ProtoResponses::accountStatement, context, false);
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        return call(PostalServiceGrpc.getListBackgroundsMethod(), V1.ListBackgroundsRequest.getDefaultInstance(),
                ProtoResponses::backgrounds, context, false);
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        return call(PostalServiceGrpc.getGetVerificationKeysMethod(), V1.GetVerificationKeysRequest.getDefaultInstance(),
                ProtoResponses::verificationKeys, context, false);
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        return call(PostalServiceGrpc.getGetPrintComponentMethod(), V1.GetPrintComponentRequest.getDefaultInstance(),
                ProtoResponses::printComponent, context, false);
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        return call(PostalServiceGrpc.getVerifyMethod(), ProtoRequests.verify(request), ProtoResponses::verification,
                context, false);
    }

    /** Shuts the channel down, letting running calls finish for up to five seconds. */
    @Override
    public void close() {
        closed = true;
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "GrpcPostalClient[" + config + "]";
    }

    private <Q, R, A> A call(MethodDescriptor<Q, R> method, Q request, Function<R, A> decode, CallContext context,
                             boolean mutating) {
        CallContext ctx = context == null ? CallContext.empty() : context;
        if (mutating) {
            ctx = ctx.ensureIdempotencyKey();
        }
        Metadata headers = headers(ctx);
        RetryPolicy retry = config.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                throw new ServiceUnavailableException("this PostalClient is closed");
            }
            if (ctx.expired(clock)) {
                throw new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline "
                        + ctx.deadline() + " passed before attempt " + attempt + " of " + method.getBareMethodName(), null);
            }
            PostageException failure;
            try {
                R response = ClientCalls.blockingUnaryCall(
                        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                        method, CallOptions.DEFAULT.withDeadlineAfter(attemptTimeout(ctx).toNanos(),
                                TimeUnit.NANOSECONDS), request);
                return decode(method, decode, response);
            } catch (StatusRuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new ServiceUnavailableException("interrupted while calling " + method.getBareMethodName(), e);
                }
                failure = GrpcErrors.toPostageException(e.getStatus(), e.getTrailers());
            }
            if (!failure.retryable() || attempt >= retry.maxAttempts()) {
                throw failure;
            }
            Duration pause = retry.backoff(attempt, ThreadLocalRandom.current());
            if (ctx.deadline() != null && !clock.instant().plus(pause).isBefore(ctx.deadline())) {
                throw failure;
            }
            log.debug("{} attempt {} failed with {} (request {}); retrying in {} ms with the same idempotency key",
                    method.getBareMethodName(), attempt, failure.code(), failure.requestId(), pause.toMillis());
            sleep(pause, failure);
        }
    }

    private Metadata headers(CallContext ctx) {
        Metadata headers = new Metadata();
        if (config.apiKey() != null) {
            headers.put(Headers.API_KEY, config.apiKey());
        }
        if (ctx.idempotencyKey() != null) {
            headers.put(Headers.IDEMPOTENCY_KEY, ctx.idempotencyKey());
        }
        if (ctx.requestId() != null) {
            headers.put(Headers.REQUEST_ID, ctx.requestId());
        }
        return headers;
    }

    /** The time this attempt may take: the request timeout, cut short by the context's deadline. */
    private Duration attemptTimeout(CallContext ctx) {
        Duration timeout = config.requestTimeout();
        Duration remaining = ctx.remaining(clock);
        return remaining != null && remaining.compareTo(timeout) < 0 ? remaining : timeout;
    }

    private static <R, A> A decode(MethodDescriptor<?, R> method, Function<R, A> decode, R response) {
        try {
            return decode.apply(response);
        } catch (InvalidRequestException e) {
            throw new PostageException(ErrorCode.INTERNAL, "the server sent an invalid " + method.getBareMethodName()
                    + " response: " + e.getMessage(), null, e);
        }
    }

    private static void sleep(Duration pause, PostageException failure) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }
}
