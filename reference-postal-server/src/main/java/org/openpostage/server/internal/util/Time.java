package org.openpostage.server.internal.util;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps as the ledger stores them. */
public final class Time {
    private Time() {
    }

    /**
     * The clock's instant, truncated to milliseconds: both databases keep at least that, so a
     * value read back equals the one written (and a replayed purchase equals the original).
     */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
