package org.openpostage.transport.xml.internal;

import java.util.Map;
import org.openpostage.api.error.ErrorCode;

/**
 * A request refused at the HTTP level (unknown path, wrong method or media type, body too large),
 * with the status, the error code for the body and any headers the status calls for.
 */
public final class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final ErrorCode code;
    private final transient Map<String, String> headers;

    /**
     * @param status  the HTTP status
     * @param code    the code of the error body
     * @param message what is wrong, for the error body
     * @param headers extra response headers, such as {@code Allow} for 405
     */
    public HttpProblem(int status, ErrorCode code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** A problem without extra headers. */
    public HttpProblem(int status, ErrorCode code, String message) {
        this(status, code, message, Map.of());
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code of the body. */
    public ErrorCode code() {
        return code;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }
}
