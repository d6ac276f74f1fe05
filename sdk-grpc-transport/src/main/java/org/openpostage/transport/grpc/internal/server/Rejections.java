package org.openpostage.transport.grpc.internal.server;

import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.transport.grpc.internal.GrpcErrors;

/** Ends a call before it reaches the service, with an OpenPostage error. */
final class Rejections {
    private Rejections() {
    }

    /**
     * Closes {@code call} with {@code code} and {@code message} and returns a listener that ignores
     * whatever the client still sends, so that nothing of the call reaches the service.
     */
    static <Q> ServerCall.Listener<Q> reject(ServerCall<Q, ?> call, ErrorCode code, String message, String requestId) {
        StatusRuntimeException e = GrpcErrors.toStatusException(code, message, requestId);
        call.close(e.getStatus(), e.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }
}
