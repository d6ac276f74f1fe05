package org.openpostage.api.model;

import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.internal.Checks;

/**
 * An error as data: how a batch reports an entry that failed.
 *
 * @param code    the error code
 * @param message what went wrong
 */
public record PostageError(ErrorCode code, String message) {
    public PostageError {
        Checks.notNull("error.code", code);
        Checks.notNull("error.message", message);
    }

    /** The error that {@code e} reports. */
    public static PostageError of(PostageException e) {
        return new PostageError(e.code(), e.getMessage());
    }

    /** Whether retrying the entry with the same idempotency key may succeed. */
    public boolean retryable() {
        return code.retryable();
    }

    /** The exception this error stands for, to throw it. */
    public PostageException toException(String requestId) {
        return code.toException(message, requestId);
    }
}
