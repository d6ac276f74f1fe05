package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The card has insufficient funds, or the portal's prepaid account (the meter's descending register) cannot cover the postage ({@link ErrorCode#INSUFFICIENT_FUNDS}). Nothing was debited. The failure is final for this idempotency key, even after a top-up: send a new request.
 */
public class InsufficientFundsException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public InsufficientFundsException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public InsufficientFundsException(String message, @Nullable String requestId) {
        super(ErrorCode.INSUFFICIENT_FUNDS, message, requestId, null);
    }
}
