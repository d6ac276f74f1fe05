package org.openpostage.transport.grpc.internal.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.UUID;
import org.openpostage.api.CallContext;
import org.openpostage.transport.grpc.internal.Headers;

/**
 * The outermost interceptor: gives every call a request id (the client's {@code x-request-id}, or
 * a fresh UUID when it sent none or an invalid one: a request id only correlates logs, so a bad
 * one is replaced, not refused), puts it into the call's {@link Context} and echoes it in the
 * response headers, or in the trailers of a call that ends without headers.
 */
final class RequestIdInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String given = headers.get(Headers.REQUEST_ID);
        String requestId = given != null && valid(given) ? given : UUID.randomUUID().toString();
        ServerCall<Q, R> echoing = new EchoingCall<>(call, requestId);
        Context context = Context.current().withValue(ServerContextKeys.REQUEST_ID, requestId);
        return Contexts.interceptCall(context, echoing, headers, next);
    }

    private static boolean valid(String id) {
        return !id.isEmpty() && id.length() <= CallContext.MAX_KEY_LENGTH
                && id.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }

    /** Adds the request id to the headers, and to the trailers unless they already hold it. */
    private static final class EchoingCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final String requestId;

        EchoingCall(ServerCall<Q, R> delegate, String requestId) {
            super(delegate);
            this.requestId = requestId;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headers.put(Headers.REQUEST_ID, requestId);
            super.sendHeaders(headers);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!trailers.containsKey(Headers.REQUEST_ID)) {
                trailers.put(Headers.REQUEST_ID, requestId);
            }
            super.close(status, trailers);
        }
    }
}
