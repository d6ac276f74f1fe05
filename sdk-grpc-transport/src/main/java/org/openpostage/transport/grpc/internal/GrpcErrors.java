package org.openpostage.transport.grpc.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.openpostage.api.ErrorCode;
import org.openpostage.api.PostageException;
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

    /** The status exception (status and trailers) that reports {@code code} with {@code message}. */
    public static StatusRuntimeException toStatusException(ErrorCode code, String message, String requestId) {
        V1.ErrorInfo.Builder info = V1.ErrorInfo.newBuilder().setCode(code.name()).setMessage(message)
                .setRetryable(code.retryable());
        if (requestId != null) {
            info.setRequestId(requestId);
        }
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(statusCode(code).value())
                .setMessage(message)
                .addDetails(Any.pack(info.build()))
                .build();
        Metadata trailers = new Metadata();
        if (requestId != null) {
            trailers.put(Headers.REQUEST_ID, requestId);
        }
        return StatusProto.toStatusRuntimeException(status, trailers);
    }

    /** The status exception that reports {@code e}. */
    public static StatusRuntimeException toStatusException(PostageException e, String requestId) {
        return toStatusException(e.code(), e.getMessage() == null ? e.code().name() : e.getMessage(), requestId);
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
            return ErrorCode.fromName(info.getCode()).toException(info.getMessage(), requestId);
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
        return fallbackCode(status.getCode()).toException(message.toString(), requestId);
    }
}
