package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The card gateway did not answer in time, so the payment's outcome is unknown ({@link ErrorCode#PAYMENT_PENDING}). Nothing has been issued. The server settles the payment with the gateway; retry later with the same idempotency key to receive either the postage or the decline.
 */
public class PaymentPendingException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public PaymentPendingException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public PaymentPendingException(String message, @Nullable String requestId) {
        super(ErrorCode.PAYMENT_PENDING, message, requestId, null);
    }
}
