package org.openpostage.transport.xml;

import java.io.InputStream;
import java.net.URL;
import java.util.Objects;
import org.openpostage.transport.xml.internal.HardenedXml;
import org.openpostage.transport.xml.internal.Headers;
import org.openpostage.transport.xml.internal.Wire;

/**
 * The constants of the OpenPostage XML protocol, version 1: namespace, media type, headers and the
 * schema that every message validates against. {@code docs/protocol/xml.md} describes the protocol
 * in full; {@link XmlServerBinding#routes()} lists its endpoints.
 */
public final class XmlProtocol {
    /** The namespace of every element of every message. */
    public static final String NAMESPACE = Wire.NS;

    /** The media type of every body, request and response. */
    public static final String MEDIA_TYPE = Headers.MEDIA_TYPE;

    /** The {@code Content-Type} of every response body. */
    public static final String CONTENT_TYPE = MEDIA_TYPE + "; charset=UTF-8";

    /** The request header carrying the caller's API key. */
    public static final String API_KEY_HEADER = Headers.API_KEY;

    /**
     * The request header carrying the idempotency key (the IETF draft's name). Required for purchases,
     * batch purchases and refunds: the same key with the same body replays the first outcome.
     */
    public static final String IDEMPOTENCY_KEY_HEADER = Headers.IDEMPOTENCY_KEY;

    /** The request and response header correlating logs; echoed on every response, generated when absent. */
    public static final String REQUEST_ID_HEADER = Headers.REQUEST_ID;

    /**
     * The request header giving the caller's remaining patience in milliseconds (1 to 86,400,000);
     * the server turns it into the call's deadline.
     */
    public static final String TIMEOUT_HEADER = Headers.TIMEOUT;

    /**
     * The optional request header carrying the W3C trace context's parent ({@code traceparent}), so
     * that the server's spans join the caller's trace; a missing or malformed one is ignored.
     */
    public static final String TRACE_PARENT_HEADER = Headers.TRACE_PARENT;

    /** The optional request header carrying the W3C trace context's vendor state ({@code tracestate}). */
    public static final String TRACE_STATE_HEADER = Headers.TRACE_STATE;

    /** The path of the schema inside this jar, for {@link ClassLoader#getResource}. */
    public static final String SCHEMA_RESOURCE = HardenedXml.SCHEMA_RESOURCE;

    private XmlProtocol() {
    }

    /** The location of the v1 schema inside this jar. */
    public static URL schemaUrl() {
        return Objects.requireNonNull(XmlProtocol.class.getClassLoader().getResource(SCHEMA_RESOURCE),
                "the schema is missing from the jar: " + SCHEMA_RESOURCE);
    }

    /** Opens the v1 schema shipped inside this jar; the caller closes the stream. */
    public static InputStream openSchema() {
        return Objects.requireNonNull(XmlProtocol.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE),
                "the schema is missing from the jar: " + SCHEMA_RESOURCE);
    }
}
