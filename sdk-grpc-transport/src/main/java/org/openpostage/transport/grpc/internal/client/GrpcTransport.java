package org.openpostage.transport.grpc.internal.client;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.spi.Attempt;
import org.openpostage.api.spi.AttemptFailure;
import org.openpostage.api.spi.ClientTransport;
import org.openpostage.api.spi.TlsFailures;
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.openpostage.transport.grpc.internal.Headers;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.ProtoResponses;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * The gRPC transport's single attempt ({@link ClientTransport}) of {@code openpostage.v1}, on one
 * shared channel: the API key, idempotency key and request id as metadata, the call's deadline as
 * the gRPC deadline, and the outcome as an {@link AttemptFailure} saying how far the request got.
 * Retries, keys and the deadline itself are the shared pipeline's
 * ({@link org.openpostage.api.spi.PipelinedPostalClient}).
 */
public final class GrpcTransport implements ClientTransport {
    private final ClientConfig config;
    private final ManagedChannel channel;

    /** A transport for {@code config}. @throws ConfigurationException if it cannot be used */
    public GrpcTransport(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.channel = Channels.create(config, ClientOptions.parse(config.options()));
    }

    @Override
    public <Q, R> R send(Attempt<Q, R> attempt) {
        PostalOperation<Q, R> op = attempt.operation();
        Q q = attempt.request();
        Object result;
        if (op == PostalOperation.QUOTE) {
            result = unary(PostalServiceGrpc.getQuoteMethod(), ProtoRequests.quote((QuoteRequest) q),
                    ProtoResponses::rateQuote, attempt);
        } else if (op == PostalOperation.PURCHASE) {
            result = unary(PostalServiceGrpc.getPurchaseMethod(), ProtoRequests.purchase((PurchaseRequest) q),
                    ProtoResponses::purchase, attempt);
        } else if (op == PostalOperation.PURCHASE_BATCH) {
            result = unary(PostalServiceGrpc.getPurchaseBatchMethod(), ProtoRequests.batch((BatchPurchaseRequest) q),
                    ProtoResponses::batch, attempt);
        } else if (op == PostalOperation.REFUND) {
            result = unary(PostalServiceGrpc.getRefundMethod(), ProtoRequests.refund((RefundRequest) q),
                    ProtoResponses::refund, attempt);
        } else if (op == PostalOperation.ACCOUNT_STATEMENT) {
            result = unary(PostalServiceGrpc.getGetAccountStatementMethod(),
                    V1.GetAccountStatementRequest.getDefaultInstance(), ProtoResponses::accountStatement, attempt);
        } else if (op == PostalOperation.BACKGROUNDS) {
            result = unary(PostalServiceGrpc.getListBackgroundsMethod(), V1.ListBackgroundsRequest.getDefaultInstance(),
                    ProtoResponses::backgrounds, attempt);
        } else if (op == PostalOperation.VERIFICATION_KEYS) {
            result = unary(PostalServiceGrpc.getGetVerificationKeysMethod(),
                    V1.GetVerificationKeysRequest.getDefaultInstance(), ProtoResponses::verificationKeys, attempt);
        } else if (op == PostalOperation.PRINT_COMPONENT) {
            result = unary(PostalServiceGrpc.getGetPrintComponentMethod(),
                    V1.GetPrintComponentRequest.getDefaultInstance(), ProtoResponses::printComponent, attempt);
        } else if (op == PostalOperation.VERIFY) {
            result = unary(PostalServiceGrpc.getVerifyMethod(), ProtoRequests.verify((VerifyRequest) q),
                    ProtoResponses::verification, attempt);
        } else if (op == PostalOperation.LOOKUP_PURCHASE) {
            result = unary(PostalServiceGrpc.getLookupPurchaseMethod(), ProtoRequests.lookup((PurchaseLookupRequest) q),
                    ProtoResponses::purchaseRecord, attempt);
        } else if (op == PostalOperation.LIST_PURCHASES) {
            result = unary(PostalServiceGrpc.getListPurchasesMethod(), ProtoRequests.list((PurchaseListRequest) q),
                    ProtoResponses::purchasePage, attempt);
        } else if (op == PostalOperation.EXPORT_JOURNAL) {
            result = unary(PostalServiceGrpc.getExportJournalMethod(), ProtoRequests.export((JournalExportRequest) q),
                    ProtoResponses::journalExport, attempt);
        } else {
            throw new IllegalArgumentException("no gRPC method for " + op);
        }
        return op.responseType().cast(result);
    }

    /** Shuts the channel down, letting running calls finish for up to five seconds. */
    @Override
    public void close() {
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

    private <Q, R, A> A unary(MethodDescriptor<Q, R> method, Q request, Function<R, A> decode, Attempt<?, ?> attempt) {
        R response;
        try {
            response = ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(
                            headers(attempt.context()))),
                    method, CallOptions.DEFAULT.withDeadlineAfter(attempt.remaining().toNanos(), TimeUnit.NANOSECONDS),
                    request);
        } catch (StatusRuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw AttemptFailure.unknown(new ServiceUnavailableException("interrupted while calling "
                        + method.getBareMethodName(), e));
            }
            throw failure(e.getStatus(), e.getTrailers(), attempt);
        }
        try {
            return decode.apply(response);
        } catch (InvalidRequestException e) {
            throw AttemptFailure.answered(new PostageException(ErrorCode.INTERNAL, "the server sent an invalid "
                    + method.getBareMethodName() + " response: " + e.getMessage(), null, e));
        }
    }

    /**
     * How an attempt that ended with {@code status} failed: the server's answer when it sent an
     * ErrorInfo; otherwise a TLS configuration problem, no connection, or a lost or late answer.
     */
    static AttemptFailure failure(Status status, Metadata trailers, Attempt<?, ?> attempt) {
        if (GrpcErrors.errorInfo(status, trailers) != null) {
            return AttemptFailure.answered(GrpcErrors.toPostageException(status, trailers));
        }
        String tls = TlsFailures.configurationProblem(status.getCause());
        if (tls != null) {
            return AttemptFailure.notSent(new ConfigurationException(attempt.operation().name() + ": " + tls,
                    status.asRuntimeException()));
        }
        Status.Code code = status.getCode();
        if ((code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED) && attempt.expired()) {
            // gRPC ends a call cut by its deadline as CANCELLED when the server's reset arrives first
            return AttemptFailure.unknown(new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED,
                    attempt.operation().name() + ": no answer before the call's deadline (gRPC " + code + ")", null));
        }
        if (code == Status.Code.UNKNOWN && connectionClosed(status.getCause())) {
            // Netty reports a connection that closed under the call as UNKNOWN "channel closed": the
            // request may have reached the server, as with UNAVAILABLE, and no server said UNKNOWN.
            return AttemptFailure.unknown(new ServiceUnavailableException(ErrorCode.SERVICE_UNAVAILABLE,
                    attempt.operation().name() + ": the connection closed before the answer (gRPC UNKNOWN: "
                            + status.getDescription() + ")", null));
        }
        PostageException error = GrpcErrors.toPostageException(status, trailers);
        if (code == Status.Code.UNAVAILABLE && neverConnected(status.getCause())) {
            return AttemptFailure.notSent(error);
        }
        return code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED
                ? AttemptFailure.unknown(error) : AttemptFailure.answered(error);
    }

    private static boolean connectionClosed(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    private static boolean neverConnected(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
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
        if (ctx.trace() != null) {
            headers.put(Headers.TRACE_PARENT, ctx.trace().traceParent());
            if (ctx.trace().traceState() != null) {
                headers.put(Headers.TRACE_STATE, ctx.trace().traceState());
            }
        }
        return headers;
    }
}
