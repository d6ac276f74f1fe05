package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The indicium cannot be refunded ({@link ErrorCode#REFUND_NOT_ALLOWED}): it was refunded already, or it is past the refund window. The message says which.
 */
public class RefundNotAllowedException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public RefundNotAllowedException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public RefundNotAllowedException(String message, @Nullable String requestId) {
        super(ErrorCode.REFUND_NOT_ALLOWED, message, requestId, null);
    }
}
