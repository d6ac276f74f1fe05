package org.openpostage.api.error;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The idempotency key clashes with another request. Two cases, told apart by {@link #code()}:
 * <ul>
 *   <li>{@link ErrorCode#IDEMPOTENCY_KEY_REUSED}: the key was used before with a different
 *       request. Not retryable: use a fresh key for a new request.</li>
 *   <li>{@link ErrorCode#REQUEST_IN_PROGRESS}: a request with this key is still being processed.
 *       Retryable: the retry returns the first request's result once it is done. The server
 *       says when to retry ({@link #retryAfter()}, HTTP {@code Retry-After}, gRPC
 *       {@code retry-after}).</li>
 * </ul>
 */
public class IdempotencyConflictException extends PostageException {
    /**
     * @param code {@link ErrorCode#IDEMPOTENCY_KEY_REUSED} or {@link ErrorCode#REQUEST_IN_PROGRESS}
     */
    public IdempotencyConflictException(ErrorCode code, String message, @Nullable String requestId) {
        this(code, message, requestId, null);
    }

    /**
     * Creates the exception with the pause the server asks for before a retry (for
     * {@link ErrorCode#REQUEST_IN_PROGRESS}; the binding sends it to the client).
     *
     * @param code       {@link ErrorCode#IDEMPOTENCY_KEY_REUSED} or {@link ErrorCode#REQUEST_IN_PROGRESS}
     * @param retryAfter how long to wait before retrying, or {@code null} for the binding's default
     */
    public IdempotencyConflictException(ErrorCode code, String message, @Nullable String requestId,
                                        @Nullable Duration retryAfter) {
        super(requireConflictCode(code), message, requestId, null, retryAfter);
    }

    private static ErrorCode requireConflictCode(ErrorCode code) {
        if (code != ErrorCode.IDEMPOTENCY_KEY_REUSED && code != ErrorCode.REQUEST_IN_PROGRESS) {
            throw new IllegalArgumentException("not an idempotency conflict code: " + code);
        }
        return code;
    }
}
