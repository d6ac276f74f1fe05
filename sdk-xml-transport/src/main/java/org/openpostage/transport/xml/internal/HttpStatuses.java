package org.openpostage.transport.xml.internal;

import org.openpostage.api.error.ErrorCode;

/** The HTTP status that carries each error code; docs/protocol/xml.md has the same table. */
public final class HttpStatuses {
    private HttpStatuses() {
    }

    /** The status of a response carrying {@code code}. */
    public static int of(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, MALFORMED_INDICIUM -> 400;
            case UNAUTHENTICATED -> 401;
            case PAYMENT_DECLINED, INSUFFICIENT_FUNDS -> 402;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case PRICE_CHANGED, REFUND_NOT_ALLOWED, REQUEST_IN_PROGRESS, PAYMENT_PENDING -> 409;
            case IDEMPOTENCY_KEY_REUSED -> 422;
            case RATE_LIMITED -> 429;
            case SERVICE_UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case INVALID_CONFIGURATION, INTERNAL -> 500;
        };
    }
}
