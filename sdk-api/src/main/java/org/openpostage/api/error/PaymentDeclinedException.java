package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The card was declined by the issuer or the gateway ({@link ErrorCode#PAYMENT_DECLINED}). No postage was issued and nothing was charged. A retry with the same idempotency key returns the same decline; ask the user for another card and send a new request.
 */
public class PaymentDeclinedException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public PaymentDeclinedException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public PaymentDeclinedException(String message, @Nullable String requestId) {
        super(ErrorCode.PAYMENT_DECLINED, message, requestId, null);
    }
}
