package org.openpostage.portal.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.openpostage.api.value.MailClass;
import org.openpostage.portal.internal.shop.CartItem;

/**
 * What a flood of cookie-less requests can make the portal keep: at most so many sessions (the
 * least recently used anonymous one makes room, expired ones are swept as new ones come), at most
 * five open checkout forms per session, and a cart whose limit holds for parallel adds.
 */
class SessionLimitsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    void aFloodOfNewSessionsKeepsTheTableAtItsCap() {
        Sessions sessions = new Sessions("test", false);
        for (int i = 0; i < Sessions.MAX_SESSIONS + 5_000; i++) {
            sessions.open();
        }
        assertEquals(Sessions.MAX_SESSIONS, sessions.size());
    }

    @Test
    void whenFullTheLeastRecentlyUsedAnonymousSessionMakesRoom() {
        Sessions sessions = new Sessions("test", false, 3, clock);
        Session signedIn = sessions.open();
        signedIn.userId = 1L;
        Session idle = sessions.open();
        Session busy = sessions.open();
        clock.advance(Duration.ofMinutes(1));
        assertNotNull(sessions.lookup(busy.id));

        Session fourth = sessions.open();
        assertEquals(3, sessions.size());
        assertNull(sessions.lookup(idle.id), "the least recently used session without a user went");
        assertNotNull(sessions.lookup(signedIn.id), "the signed-in one, older still, stayed");
        assertNotNull(sessions.lookup(busy.id));
        assertNotNull(sessions.lookup(fourth.id));

        busy.userId = 2L;
        fourth.userId = 3L;
        clock.advance(Duration.ofMinutes(1));
        sessions.lookup(fourth.id);
        sessions.lookup(busy.id);
        sessions.open(); // all signed in: the least recently used goes
        assertNull(sessions.lookup(signedIn.id));
        assertNotNull(sessions.lookup(fourth.id));
        assertNotNull(sessions.lookup(busy.id));
    }

    @Test
    void expiredSessionsAreSweptAsNewOnesAreMade() {
        Sessions sessions = new Sessions("test", false, 100, clock);
        Session old = sessions.open();
        for (int i = 0; i < 9; i++) {
            sessions.open();
        }
        clock.advance(Sessions.IDLE.minusMinutes(1));
        Session kept = sessions.open();
        assertEquals(11, sessions.size());
        clock.advance(Duration.ofMinutes(2)); // the first ten are idle for more than two hours
        sessions.open();
        assertEquals(2, sessions.size(), "the ten expired sessions were swept when a new one was made");
        assertNull(sessions.lookup(old.id));
        assertNotNull(sessions.lookup(kept.id));
        clock.advance(Sessions.IDLE);
        assertNull(sessions.lookup(kept.id), "a session idle for two hours is gone when asked for");
    }

    @Test
    void onlyTheFiveMostRecentCheckoutFormsOfASessionCanBePaid() {
        Session s = new Session(Session.token());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tokens.add(s.openCheckout());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(-1L, s.useCheckout(tokens.get(i)), "form " + i + " is no longer valid");
        }
        for (int i = 3; i < 8; i++) {
            assertNull(s.useCheckout(tokens.get(i)), "form " + i + " can be paid");
            assertEquals(0L, s.useCheckout(tokens.get(i)), "once");
        }
    }

    @Test
    void parallelAddsCannotTogetherPassTheCartLimit() throws Exception {
        Session s = new Session(Session.token());
        CartItem stamp = new CartItem("a", MailClass.LETTER, 20, "94107", "10001", 82, "USD", LocalDate.now(), null);
        List<CartItem> twenty = Collections.nCopies(20, stamp);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> adds = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                adds.add(pool.submit(() -> {
                    go.await();
                    return s.addAll(twenty, 50);
                }));
            }
            go.countDown();
            int added = 0;
            for (Future<Boolean> f : adds) {
                added += f.get() ? 1 : 0;
            }
            assertEquals(2, added);
            assertEquals(40, s.cart().size());
        } finally {
            pool.shutdownNow();
        }
        assertFalse(s.addAll(Collections.nCopies(11, stamp), 50), "51 do not fit");
        assertTrue(s.addAll(Collections.nCopies(10, stamp), 50), "50 do");
        assertEquals(50, s.cart().size());
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
