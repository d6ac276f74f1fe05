package org.openpostage.api.error;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The caller sent too many requests ({@link ErrorCode#RATE_LIMITED}). Retryable after a pause:
 * {@link #retryAfter()} says how long, when the server said.
 */
public class RateLimitedException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public RateLimitedException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public RateLimitedException(String message, @Nullable String requestId) {
        this(message, requestId, null);
    }

    /**
     * Creates the exception with the pause the server asks for: a server-side service throws it
     * so, and the transport's binding sends {@code retryAfter} to the client.
     *
     * @param retryAfter how long to wait before retrying, or {@code null} for the binding's default
     */
    public RateLimitedException(String message, @Nullable String requestId, @Nullable Duration retryAfter) {
        super(ErrorCode.RATE_LIMITED, message, requestId, null, retryAfter);
    }
}
