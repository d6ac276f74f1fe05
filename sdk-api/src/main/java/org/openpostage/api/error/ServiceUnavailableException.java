package org.openpostage.api.error;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The service could not answer: it is down or overloaded ({@link ErrorCode#SERVICE_UNAVAILABLE}),
 * the network failed, or the call's deadline passed ({@link ErrorCode#DEADLINE_EXCEEDED}).
 * Retryable: a retry with the same idempotency key never charges twice.
 */
public class ServiceUnavailableException extends PostageException {
    /** Creates a {@link ErrorCode#SERVICE_UNAVAILABLE} error raised locally. */
    public ServiceUnavailableException(String message) {
        this(ErrorCode.SERVICE_UNAVAILABLE, message, null);
    }

    /** Creates a {@link ErrorCode#SERVICE_UNAVAILABLE} error raised locally, with its cause. */
    public ServiceUnavailableException(String message, @Nullable Throwable cause) {
        super(ErrorCode.SERVICE_UNAVAILABLE, message, null, cause);
    }

    /**
     * @param code {@link ErrorCode#SERVICE_UNAVAILABLE} or {@link ErrorCode#DEADLINE_EXCEEDED}
     */
    public ServiceUnavailableException(ErrorCode code, String message, @Nullable String requestId) {
        this(code, message, requestId, null);
    }

    /**
     * Creates the exception with the pause the server asks for before a retry: a server-side
     * service throws it so (a database failover, say), and the binding sends it to the client.
     *
     * @param code       {@link ErrorCode#SERVICE_UNAVAILABLE} or {@link ErrorCode#DEADLINE_EXCEEDED}
     * @param retryAfter how long to wait before retrying, or {@code null} for the binding's default
     */
    public ServiceUnavailableException(ErrorCode code, String message, @Nullable String requestId,
                                       @Nullable Duration retryAfter) {
        super(requireCode(code), message, requestId, null, retryAfter);
    }

    private static ErrorCode requireCode(ErrorCode code) {
        if (code != ErrorCode.SERVICE_UNAVAILABLE && code != ErrorCode.DEADLINE_EXCEEDED) {
            throw new IllegalArgumentException("not an availability code: " + code);
        }
        return code;
    }
}
