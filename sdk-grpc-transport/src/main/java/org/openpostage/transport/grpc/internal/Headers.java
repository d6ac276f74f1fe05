package org.openpostage.transport.grpc.internal;

import io.grpc.Metadata;

/** The metadata entries of the {@code openpostage.v1} gRPC protocol (docs/protocol/grpc.md). */
public final class Headers {
    /** The caller's API key. Never logged. */
    public static final Metadata.Key<String> API_KEY = key("x-api-key");
    /** Identifies one logical mutating call; every retry carries the same value. */
    public static final Metadata.Key<String> IDEMPOTENCY_KEY = key("idempotency-key");
    /** Correlates logs; echoed by the server in its response headers (or trailers), generated when absent. */
    public static final Metadata.Key<String> REQUEST_ID = key("x-request-id");
    /**
     * In the trailers of a RATE_LIMITED or SERVICE_UNAVAILABLE error: how many whole seconds the
     * caller should wait before retrying (as HTTP's {@code Retry-After}); a {@code google.rpc.RetryInfo}
     * detail says the same for generic tools.
     */
    public static final Metadata.Key<String> RETRY_AFTER = key("retry-after");

    /** The W3C trace context's parent (optional): joins the server's spans to the caller's trace. */
    public static final Metadata.Key<String> TRACE_PARENT = key("traceparent");
    /** The W3C trace context's vendor state (optional). */
    public static final Metadata.Key<String> TRACE_STATE = key("tracestate");

    private Headers() {
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
