package org.openpostage.api;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;

/**
 * The W3C Trace Context (<a href="https://www.w3.org/TR/trace-context/">www.w3.org/TR/trace-context</a>)
 * of a call: the {@code traceparent} and {@code tracestate} values that tie the postal server's
 * work on a request to the portal's trace. Transports send them unchanged, as the
 * {@code traceparent} and {@code tracestate} HTTP headers (XML) or metadata (gRPC); servers read
 * them into {@link CallContext#trace()}. A tracing interceptor sets them per attempt with
 * {@link ClientInterceptor.Invocation#proceed(TraceContext)}.
 *
 * <p>The SDK only carries these values: a tracing library (OpenTelemetry, say) makes and reads
 * them. The checks here are the header's shape, so that nothing else travels in it.
 *
 * @param traceParent the {@code traceparent} value: version, trace id, parent id and flags in
 *                    lower-case hex, such as {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
 * @param traceState  the {@code tracestate} value (vendor entries, up to 512 printable ASCII
 *                    characters), or {@code null} for none
 */
public record TraceContext(String traceParent, @Nullable String traceState) {
    /** The longest {@code tracestate} carried, as the W3C recommendation lets a propagator truncate it. */
    public static final int MAX_TRACE_STATE_LENGTH = 512;

    private static final Pattern TRACE_PARENT =
            Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[\\x21-\\x7e]{0,200})?");

    public TraceContext {
        if (traceParent == null || !TRACE_PARENT.matcher(traceParent).matches() || traceParent.startsWith("ff")) {
            throw new InvalidArgumentException("traceParent must be a W3C traceparent value such as "
                    + "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        }
        if (traceState != null) {
            if (traceState.length() > MAX_TRACE_STATE_LENGTH) {
                throw new InvalidArgumentException("traceState must have at most " + MAX_TRACE_STATE_LENGTH
                        + " characters, had " + traceState.length());
            }
            for (int i = 0; i < traceState.length(); i++) {
                char c = traceState.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new InvalidArgumentException("traceState may hold only printable ASCII characters");
                }
            }
            if (traceState.isBlank()) {
                traceState = null;
            }
        }
    }

    /**
     * The trace context of received header values, or {@code null} when there is no usable
     * {@code traceparent}: servers ignore a malformed one (tracing never refuses a call) and start
     * a trace of their own.
     */
    public static @Nullable TraceContext parse(@Nullable String traceParent, @Nullable String traceState) {
        if (traceParent == null) {
            return null;
        }
        String parent = traceParent.strip();
        if (!TRACE_PARENT.matcher(parent).matches() || parent.startsWith("ff")) {
            return null;
        }
        String state = traceState == null ? null : traceState.strip();
        try {
            return new TraceContext(parent, state);
        } catch (InvalidArgumentException e) {
            return new TraceContext(parent, null); // a bad tracestate is dropped, the parent kept
        }
    }

    /** The trace id: the 32 hex digits after the version. */
    public String traceId() {
        return traceParent.substring(3, 35);
    }
}
