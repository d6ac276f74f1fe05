package org.openpostage.transport.xml.internal;

/** The HTTP header names of the protocol; {@code XmlProtocol} publishes the same constants. */
public final class Headers {
    /** The caller's API key. */
    public static final String API_KEY = "X-Api-Key";
    /** The idempotency key of purchases, batches and refunds. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** The request id, echoed on every response. */
    public static final String REQUEST_ID = "X-Request-Id";
    /** The caller's remaining patience in milliseconds. */
    public static final String TIMEOUT = "X-Request-Timeout-Ms";
    /** The W3C trace context's parent (optional): joins the server's spans to the caller's trace. */
    public static final String TRACE_PARENT = "traceparent";
    /** The W3C trace context's vendor state (optional). */
    public static final String TRACE_STATE = "tracestate";
    /** The media type of every body. */
    public static final String MEDIA_TYPE = "application/xml";

    private Headers() {
    }
}
