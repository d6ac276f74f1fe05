package org.openpostage.transport.grpc.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * How OpenPostage errors travel over gRPC: a status code chosen from the {@link ErrorCode}, the
 * message as the status description, and an {@code openpostage.v1.ErrorInfo} packed into the
 * {@code google.rpc.Status} of the standard {@code grpc-status-details-bin} trailer.
 *
 * <p>The receiving side rebuilds the exception from the ErrorInfo's code, not from the gRPC
 * status; a status without an ErrorInfo (raised by gRPC itself, a proxy, or the network) maps to
 * the closest code ({@link #fallbackCode}).
 */
public final class GrpcErrors {
    private GrpcErrors() {
    }

    /** The gRPC status code that carries {@code code}. */
    public static Status.Code statusCode(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, MALFORMED_INDICIUM -> Status.Code.INVALID_ARGUMENT;
            case PRICE_CHANGED, PAYMENT_DECLINED, INSUFFICIENT_FUNDS, REFUND_NOT_ALLOWED -> Status.Code.FAILED_PRECONDITION;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case PAYMENT_PENDING, REQUEST_IN_PROGRESS -> Status.Code.ABORTED;
            case IDEMPOTENCY_KEY_REUSED -> Status.Code.ALREADY_EXISTS;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case RATE_LIMITED -> Status.Code.RESOURCE_EXHAUSTED;
            case SERVICE_UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case INVALID_CONFIGURATION, INTERNAL -> Status.Code.INTERNAL;
        };
    }

    /**
     * The code a status without an ErrorInfo stands for. Such statuses come from gRPC itself or
     * from something between client and server; RESOURCE_EXHAUSTED then means a message over a
     * size limit, which a retry cannot cure, hence {@link ErrorCode#INVALID_REQUEST}.
     */
    public static ErrorCode fallbackCode(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE, CANCELLED -> ErrorCode.SERVICE_UNAVAILABLE;
            case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> ErrorCode.INVALID_REQUEST;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.IDEMPOTENCY_KEY_REUSED;
            case ABORTED -> ErrorCode.REQUEST_IN_PROGRESS;
            case OK, UNKNOWN, UNIMPLEMENTED, INTERNAL, DATA_LOSS -> ErrorCode.INTERNAL;
        };
    }

    /** The pause a RATE_LIMITED or SERVICE_UNAVAILABLE error asks for when its exception names none. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    /** The status exception (status and trailers) that reports {@code code} with {@code message}. */
    public static StatusRuntimeException toStatusException(ErrorCode code, String message, String requestId) {
        return toStatusException(code, message, requestId, null);
    }

    /**
     * The status exception that reports {@code code} with {@code message}; a RATE_LIMITED,
     * SERVICE_UNAVAILABLE or REQUEST_IN_PROGRESS error carries {@code retryAfter} (or {@link #DEFAULT_RETRY_AFTER}) as the
     * {@code retry-after} trailer, in whole seconds rounded up, and as a {@code google.rpc.RetryInfo}.
     */
    public static StatusRuntimeException toStatusException(ErrorCode code, String message, String requestId,
                                                           Duration retryAfter) {
        V1.ErrorInfo.Builder info = V1.ErrorInfo.newBuilder().setCode(code.name()).setMessage(message)
                .setRetryable(code.retryable());
        if (requestId != null) {
            info.setRequestId(requestId);
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(statusCode(code).value())
                .setMessage(message)
                .addDetails(Any.pack(info.build()));
        Metadata trailers = new Metadata();
        if (requestId != null) {
            trailers.put(Headers.REQUEST_ID, requestId);
        }
        if (code == ErrorCode.RATE_LIMITED || code == ErrorCode.SERVICE_UNAVAILABLE
                || code == ErrorCode.REQUEST_IN_PROGRESS) {
            long seconds = retryAfterSeconds(retryAfter == null ? DEFAULT_RETRY_AFTER : retryAfter);
            trailers.put(Headers.RETRY_AFTER, Long.toString(seconds));
            status.addDetails(Any.pack(com.google.rpc.RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(seconds)).build()));
        }
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }

    /** The status exception that reports {@code e}, with its {@link PostageException#retryAfter()}. */
    public static StatusRuntimeException toStatusException(PostageException e, String requestId) {
        return toStatusException(e.code(), e.getMessage() == null ? e.code().name() : e.getMessage(), requestId,
                e.retryAfter());
    }

    private static long retryAfterSeconds(Duration d) {
        return Math.max(1, d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
    }

    /** The pause the server asked for: the {@code retry-after} trailer, else a RetryInfo detail; or {@code null}. */
    public static Duration retryAfter(Status status, Metadata trailers) {
        String header = trailers == null ? null : trailers.get(Headers.RETRY_AFTER);
        if (header != null && header.strip().matches("[0-9]{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(header.strip()));
        }
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        if (details != null) {
            for (Any any : details.getDetailsList()) {
                if (any.is(com.google.rpc.RetryInfo.class)) {
                    try {
                        com.google.protobuf.Duration d = any.unpack(com.google.rpc.RetryInfo.class).getRetryDelay();
                        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
                    } catch (InvalidProtocolBufferException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /** The ErrorInfo in {@code status} and {@code trailers}, or {@code null} if there is none. */
    public static V1.ErrorInfo errorInfo(Status status, Metadata trailers) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        if (details == null) {
            return null;
        }
        for (Any any : details.getDetailsList()) {
            if (any.is(V1.ErrorInfo.class)) {
                try {
                    return any.unpack(V1.ErrorInfo.class);
                } catch (InvalidProtocolBufferException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The exception a client raises for a call that ended with {@code status}: the ErrorInfo's code
     * decides it; without one, {@link #fallbackCode} does and the message names the gRPC status.
     */
    public static PostageException toPostageException(Status status, Metadata trailers) {
        V1.ErrorInfo info = errorInfo(status, trailers);
        if (info != null) {
            String requestId = info.getRequestId().isEmpty() ? null : info.getRequestId();
            return ErrorCode.fromName(info.getCode()).toException(info.getMessage(), requestId,
                    retryAfter(status, trailers));
        }
        String requestId = trailers == null ? null : trailers.get(Headers.REQUEST_ID);
        StringBuilder message = new StringBuilder("gRPC status ").append(status.getCode());
        if (status.getDescription() != null) { // its first line: Netty appends its pipeline on the next
            message.append(": ").append(status.getDescription().lines().findFirst().orElse("").strip());
        }
        Throwable cause = status.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null) {
            message.append(" (").append(cause.getMessage()).append(')'); // e.g. why a TLS handshake failed
        }
        ErrorCode code = fallbackCode(status.getCode());
        String said = message.toString();
        if (said.contains("HTTP status code 431") || said.contains("Header size exceeded")) {
            // the server's HTTP/2 layer refused request headers over its metadata limit
            code = ErrorCode.INVALID_REQUEST;
            message.append(" (the request's metadata is larger than the server accepts)");
        }
        return code.toException(message.toString(), requestId, retryAfter(status, trailers));
    }
}
