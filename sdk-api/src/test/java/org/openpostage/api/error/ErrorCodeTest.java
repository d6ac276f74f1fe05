package org.openpostage.api.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    private static final Map<ErrorCode, Class<? extends PostageException>> EXPECTED = Map.ofEntries(
            Map.entry(ErrorCode.INVALID_REQUEST, InvalidRequestException.class),
            Map.entry(ErrorCode.MALFORMED_INDICIUM, IndiciumFormatException.class),
            Map.entry(ErrorCode.PRICE_CHANGED, PriceChangedException.class),
            Map.entry(ErrorCode.UNAUTHENTICATED, AuthenticationException.class),
            Map.entry(ErrorCode.PERMISSION_DENIED, PermissionDeniedException.class),
            Map.entry(ErrorCode.PAYMENT_DECLINED, PaymentDeclinedException.class),
            Map.entry(ErrorCode.INSUFFICIENT_FUNDS, InsufficientFundsException.class),
            Map.entry(ErrorCode.PAYMENT_PENDING, PaymentPendingException.class),
            Map.entry(ErrorCode.IDEMPOTENCY_KEY_REUSED, IdempotencyConflictException.class),
            Map.entry(ErrorCode.REQUEST_IN_PROGRESS, IdempotencyConflictException.class),
            Map.entry(ErrorCode.NOT_FOUND, NotFoundException.class),
            Map.entry(ErrorCode.REFUND_NOT_ALLOWED, RefundNotAllowedException.class),
            Map.entry(ErrorCode.RATE_LIMITED, RateLimitedException.class),
            Map.entry(ErrorCode.SERVICE_UNAVAILABLE, ServiceUnavailableException.class),
            Map.entry(ErrorCode.DEADLINE_EXCEEDED, ServiceUnavailableException.class),
            Map.entry(ErrorCode.INVALID_CONFIGURATION, ConfigurationException.class),
            Map.entry(ErrorCode.INTERNAL, PostageException.class));

    @Test
    void everyCodeRebuildsItsExceptionWithCodeMessageAndRequestId() {
        assertEquals(ErrorCode.values().length, EXPECTED.size(), "a new code needs a row here");
        for (ErrorCode code : ErrorCode.values()) {
            PostageException e = code.toException("what happened", "req-9");
            assertEquals(EXPECTED.get(code), e.getClass(), code.name());
            assertEquals(code, e.code());
            assertEquals("what happened", e.getMessage());
            assertEquals("req-9", e.requestId());
            assertEquals(code.retryable(), e.retryable());
        }
    }

    @Test
    void unknownCodesFromNewerServersBecomeInternal() {
        assertEquals(ErrorCode.INTERNAL, ErrorCode.fromName("SOMETHING_NEW"));
        assertEquals(ErrorCode.INTERNAL, ErrorCode.fromName(null));
        assertEquals(ErrorCode.PAYMENT_DECLINED, ErrorCode.fromName("PAYMENT_DECLINED"));
    }

    @Test
    void priceChangesAreInvalidRequestsACallerCanCatchSpecifically() {
        assertInstanceOf(InvalidRequestException.class, new PriceChangedException("x"));
        assertInstanceOf(InvalidRequestException.class, new IndiciumFormatException("x"));
    }

    @Test
    void toStringShowsCodeAndRequestId() {
        assertEquals("org.openpostage.api.error.PaymentDeclinedException: [PAYMENT_DECLINED] no (request r1)",
                new PaymentDeclinedException("no", "r1").toString());
    }
}
