package org.openpostage.transport.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response produced by the {@link XmlServerBinding}: a status, headers and an XML body
 * (every response has one, errors included). An adapter copies all three to its framework's
 * response. Immutable.
 */
public final class XmlResponse {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    /**
     * @param status  the HTTP status
     * @param headers the response headers, in the order to send them
     * @param body    the body; kept, not copied
     */
    XmlResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = Objects.requireNonNull(body, "body");
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The headers to send: at least {@code Content-Type} and {@code X-Request-Id}. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The value of header {@code name} (exact name as in {@link #headers()}), or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body's length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** Writes the body to {@code out} without copying it. */
    public void writeBodyTo(OutputStream out) throws IOException {
        out.write(body);
    }

    @Override
    public String toString() {
        return "XmlResponse[" + status + ", " + body.length + " bytes]";
    }
}
