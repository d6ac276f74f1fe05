package org.openpostage.api;

/**
 * The idempotency key clashes with another request. Two cases, told apart by {@link #code()}:
 * <ul>
 *   <li>{@link ErrorCode#IDEMPOTENCY_KEY_REUSED}: the key was used before with a different
 *       request. Not retryable: use a fresh key for a new request.</li>
 *   <li>{@link ErrorCode#REQUEST_IN_PROGRESS}: a request with this key is still being processed.
 *       Retryable: the retry returns the first request's result once it is done.</li>
 * </ul>
 */
public class IdempotencyConflictException extends PostageException {
    /**
     * @param code {@link ErrorCode#IDEMPOTENCY_KEY_REUSED} or {@link ErrorCode#REQUEST_IN_PROGRESS}
     */
    public IdempotencyConflictException(ErrorCode code, String message, String requestId) {
        super(requireConflictCode(code), message, requestId, null);
    }

    private static ErrorCode requireConflictCode(ErrorCode code) {
        if (code != ErrorCode.IDEMPOTENCY_KEY_REUSED && code != ErrorCode.REQUEST_IN_PROGRESS) {
            throw new IllegalArgumentException("not an idempotency conflict code: " + code);
        }
        return code;
    }
}
