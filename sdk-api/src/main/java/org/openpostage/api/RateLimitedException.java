package org.openpostage.api;

/**
 * The caller sent too many requests ({@link ErrorCode#RATE_LIMITED}). Retryable after a pause.
 */
public class RateLimitedException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public RateLimitedException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public RateLimitedException(String message, String requestId) {
        super(ErrorCode.RATE_LIMITED, message, requestId, null);
    }
}
