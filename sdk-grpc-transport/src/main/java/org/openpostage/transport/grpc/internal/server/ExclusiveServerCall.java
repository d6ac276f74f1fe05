package org.openpostage.transport.grpc.internal.server;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * A server call that may be closed from another thread (a deadline timer) while the handler is
 * still running: every operation is serialized, the call closes once, and whatever the handler
 * sends after that is dropped instead of failing.
 */
final class ExclusiveServerCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private boolean closed;

    ExclusiveServerCall(ServerCall<Q, R> delegate) {
        super(delegate);
    }

    @Override
    public synchronized void request(int numMessages) {
        if (!closed) {
            super.request(numMessages);
        }
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
        if (!closed) {
            super.sendHeaders(headers);
        }
    }

    @Override
    public synchronized void sendMessage(R message) {
        if (!closed) {
            super.sendMessage(message);
        }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
        if (!closed) {
            closed = true;
            super.close(status, trailers);
        }
    }

    @Override
    public synchronized boolean isReady() {
        return !closed && super.isReady();
    }
}
