package org.openpostage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.Mode;

class CallContextTest {
    @Test
    void aMissingIdempotencyKeyIsFilledOnceAndKept() {
        CallContext filled = CallContext.empty().ensureIdempotencyKey();
        assertNotNull(filled.idempotencyKey());
        assertSame(filled, filled.ensureIdempotencyKey());
        assertNotEquals(filled.idempotencyKey(), CallContext.empty().ensureIdempotencyKey().idempotencyKey());
        assertEquals("order-17", CallContext.withKey("order-17").ensureIdempotencyKey().idempotencyKey());
    }

    @Test
    void keysMustBeVisibleAscii() {
        assertThrows(InvalidRequestException.class, () -> CallContext.withKey("has space"));
        assertThrows(InvalidRequestException.class, () -> CallContext.withKey(""));
        assertThrows(InvalidRequestException.class, () -> CallContext.withKey("k".repeat(256)));
        assertThrows(InvalidRequestException.class, () -> CallContext.empty().withRequestId("bad\r\nheader"));
    }

    @Test
    void deadlinesReportTimeLeft() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
        CallContext c = CallContext.empty().withDeadline(Instant.parse("2026-11-25T10:00:05Z"));
        assertEquals(Duration.ofSeconds(5), c.remaining(clock));
        assertFalse(c.expired(clock));
        assertTrue(c.expired(Clock.offset(clock, Duration.ofSeconds(5))));
        assertFalse(CallContext.empty().expired(clock));
        assertThrows(InvalidRequestException.class, () -> CallContext.empty().withTimeout(Duration.ZERO));
    }

    @Test
    void withersChangeOneComponent() {
        Caller caller = new Caller("paper-shop", Mode.TEST, "key-1");
        CallContext c = CallContext.withKey("k").withRequestId("r").withCaller(caller);
        assertEquals(new CallContext("k", null, "r", caller), c);
        assertEquals("k2", c.withIdempotencyKey("k2").idempotencyKey());
        assertEquals(caller, c.withIdempotencyKey("k2").caller());
    }
}
