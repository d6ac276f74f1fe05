package org.openpostage.transport.grpc.internal.server;

import io.grpc.Context;
import org.openpostage.api.CallContext;

/** What the server interceptors hand down to the handlers, in the gRPC {@link Context} of a call. */
final class ServerContextKeys {
    /** The call's request id: the client's {@code x-request-id} or a generated one. */
    static final Context.Key<String> REQUEST_ID = Context.key("openpostage-request-id");
    /** The authenticated call context the service implementation receives. */
    static final Context.Key<CallContext> CALL_CONTEXT = Context.key("openpostage-call-context");

    private ServerContextKeys() {
    }

    /** The current call's request id, or {@code null} outside a call. */
    static String requestId() {
        return REQUEST_ID.get();
    }
}
