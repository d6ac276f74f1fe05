package org.openpostage.transport.grpc.internal.server;

import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * A request as read from the wire: the parsed message, or why its bytes are not one.
 *
 * <p>gRPC answers a request that its marshaller cannot parse with UNKNOWN ("Application error
 * processing RPC"); reading requests through {@link #marshaller} instead lets the handler answer
 * INVALID_ARGUMENT with an ErrorInfo, as for any other invalid request.
 *
 * @param message the parsed message, or {@code null}
 * @param error   why the bytes could not be parsed, or {@code null}
 */
record Inbound<T>(T message, String error) {

    /** A marshaller that never throws while parsing: failures become an {@link Inbound} with an error. */
    static <T> MethodDescriptor.Marshaller<Inbound<T>> marshaller(MethodDescriptor.Marshaller<T> delegate) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Inbound<T> value) { // used by binary logging only
                return value.message() == null ? InputStream.nullInputStream() : delegate.stream(value.message());
            }

            @Override
            public Inbound<T> parse(InputStream stream) {
                try {
                    return new Inbound<>(delegate.parse(stream), null);
                } catch (StatusRuntimeException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    return new Inbound<>(null, cause.getMessage() == null ? "unreadable bytes" : cause.getMessage());
                } catch (RuntimeException e) {
                    return new Inbound<>(null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            }
        };
    }
}
