package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The error codes of the OpenPostage protocol, shared by every transport.
 *
 * <p>Each code names the exception a caller receives (see {@link #toException}) and whether the
 * same call may succeed if retried with the <em>same</em> idempotency key. Transports carry the
 * code's {@link #name()} on the wire; the protocol documents how each maps to an HTTP status and
 * a gRPC status code.
 */
public enum ErrorCode {
    /** The request is malformed or a field is out of range; the message names the field. */
    INVALID_REQUEST(false),
    /** Indicium bytes could not be decoded; the message names the offset and field. */
    MALFORMED_INDICIUM(false),
    /** The quoted price no longer matches the current rate table; quote again. */
    PRICE_CHANGED(false),
    /** No credentials, or credentials the server does not accept. */
    UNAUTHENTICATED(false),
    /** The caller is known but may not do this (for example a test key on a live meter). */
    PERMISSION_DENIED(false),
    /** The card issuer or gateway declined the payment. */
    PAYMENT_DECLINED(false),
    /** The card has insufficient funds, or the portal account cannot cover the postage. */
    INSUFFICIENT_FUNDS(false),
    /** The payment outcome is not known yet; retry later with the same idempotency key. */
    PAYMENT_PENDING(true),
    /** The idempotency key was used before with a different request. */
    IDEMPOTENCY_KEY_REUSED(false),
    /** A request with this idempotency key is still being processed; retry shortly. */
    REQUEST_IN_PROGRESS(true),
    /** The named object (indicium, background, meter) does not exist for this caller. */
    NOT_FOUND(false),
    /** The indicium was already refunded, or is past the refund window. */
    REFUND_NOT_ALLOWED(false),
    /** The caller sent too many requests; retry after a pause. */
    RATE_LIMITED(true),
    /** The service cannot answer now; retry later. */
    SERVICE_UNAVAILABLE(true),
    /** The call's deadline passed before it completed. A retry with the same key is safe. */
    DEADLINE_EXCEEDED(true),
    /** The client's own configuration is unusable (no transport for a scheme, bad trust store). */
    INVALID_CONFIGURATION(false),
    /** An unexpected server-side failure. Details are in the server's log, under the request id. */
    INTERNAL(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether a call that failed with this code may succeed when retried with the same idempotency key. */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Builds the exception a caller receives for this code: transports use it to turn a wire error
     * back into the exception tree.
     *
     * @param message   the human-readable message, as sent by the server
     * @param requestId the request id the server reported, or {@code null}
     */
    public PostageException toException(String message, @Nullable String requestId) {
        return toException(message, requestId, null);
    }

    /**
     * As {@link #toException(String, String)}, with the pause the server asked for before a retry
     * (kept by {@link #RATE_LIMITED}, {@link #SERVICE_UNAVAILABLE}, {@link #DEADLINE_EXCEEDED} and
     * {@link #REQUEST_IN_PROGRESS}).
     *
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     */
    public PostageException toException(String message, @Nullable String requestId, java.time.@Nullable Duration retryAfter) {
        return switch (this) {
            case INVALID_REQUEST -> new InvalidRequestException(message, requestId);
            case MALFORMED_INDICIUM -> new IndiciumFormatException(message, requestId);
            case PRICE_CHANGED -> new PriceChangedException(message, requestId);
            case UNAUTHENTICATED -> new AuthenticationException(message, requestId);
            case PERMISSION_DENIED -> new PermissionDeniedException(message, requestId);
            case PAYMENT_DECLINED -> new PaymentDeclinedException(message, requestId);
            case INSUFFICIENT_FUNDS -> new InsufficientFundsException(message, requestId);
            case PAYMENT_PENDING -> new PaymentPendingException(message, requestId);
            case IDEMPOTENCY_KEY_REUSED -> new IdempotencyConflictException(this, message, requestId);
            case REQUEST_IN_PROGRESS -> new IdempotencyConflictException(this, message, requestId, retryAfter);
            case NOT_FOUND -> new NotFoundException(message, requestId);
            case REFUND_NOT_ALLOWED -> new RefundNotAllowedException(message, requestId);
            case RATE_LIMITED -> new RateLimitedException(message, requestId, retryAfter);
            case SERVICE_UNAVAILABLE, DEADLINE_EXCEEDED -> new ServiceUnavailableException(this, message, requestId,
                    retryAfter);
            case INVALID_CONFIGURATION -> new ConfigurationException(message, requestId);
            case INTERNAL -> new PostageException(INTERNAL, message, requestId, null);
        };
    }

    /**
     * The code named {@code name}, or {@link #INTERNAL} for a name this version does not know
     * (a newer server may add codes; an old client must still raise something sensible).
     */
    public static ErrorCode fromName(String name) {
        if (name != null) {
            for (ErrorCode code : values()) {
                if (code.name().equals(name)) {
                    return code;
                }
            }
        }
        return INTERNAL;
    }
}
