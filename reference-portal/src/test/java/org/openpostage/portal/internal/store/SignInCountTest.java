package org.openpostage.portal.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.portal.internal.store.UserStore.SignInSubject;

/**
 * Sign-in attempts as the database counts them: parallel attempts one after the other (no more
 * than the limit get through, none fails), a right password taking its attempt back, the sweep
 * leaving rows in use alone, and times kept exactly in a time zone with daylight saving.
 */
class SignInCountTest {
    private static final Duration WINDOW = Duration.ofMinutes(15);

    @TempDir
    Path dir;

    @Test
    void parallelAttemptsAreCountedOneAfterTheOtherAndOnlyTheLimitGetsThrough() throws Exception {
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            UserStore store = db.users();
            int threads = 40;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<Instant>>> results = new ArrayList<>();
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // the database keeps microseconds
                for (int i = 0; i < threads; i++) { // a name (limit 5) and an address (limit 20), both new
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.countSignInAttempt(List.of(new SignInSubject("name:x", 5),
                                new SignInSubject("address:y", 20)), WINDOW, now);
                    }));
                }
                go.countDown();
                int admitted = 0;
                for (Future<Optional<Instant>> r : results) {
                    Optional<Instant> refused = r.get(); // a duplicate key or lock timeout would throw here
                    if (refused.isEmpty()) {
                        admitted++;
                    } else {
                        assertEquals(now.plus(WINDOW), refused.get(), "refused until the lock the fifth attempt set ends");
                    }
                }
                assertEquals(5, admitted, "at most the name's limit of attempts get through");
            } finally {
                pool.shutdownNow();
            }
            // the address counted only the five admitted: fifteen more, then it is locked
            Instant later = Instant.now();
            for (int i = 0; i < 15; i++) {
                assertTrue(store.countSignInAttempt(List.of(new SignInSubject("name:other-" + i, 5),
                        new SignInSubject("address:y", 20)), WINDOW, later).isEmpty(), "attempt " + (i + 6));
            }
            assertTrue(store.countSignInAttempt(List.of(new SignInSubject("name:new", 5),
                    new SignInSubject("address:y", 20)), WINDOW, later).isPresent(), "the address is locked");
        }
    }

    @Test
    void aRightPasswordTakesItsAttemptBackAndLiftsTheLockItSet() {
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            UserStore store = db.users();
            Instant now = Instant.parse("2026-03-01T10:00:00Z");
            SignInSubject address = new SignInSubject("address:z", 3);
            assertTrue(attempt(store, "name:a", address, now).isEmpty());
            assertTrue(attempt(store, "name:b", address, now).isEmpty());
            assertTrue(attempt(store, "name:c", address, now).isEmpty(), "the third attempt is made, and locks");
            assertEquals(Optional.of(now.plus(WINDOW)), attempt(store, "name:d", address, now));

            store.signInSucceeded("name:c", address, WINDOW, now); // the third was right after all
            assertTrue(attempt(store, "name:d", address, now).isEmpty(), "two failures: not locked");
            assertTrue(attempt(store, "name:e", address, now).isPresent(), "three failures: locked again");
        }
    }

    @Test
    void theSweepTakesOnlyRowsWhoseWindowAndLockAreOver() {
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            UserStore store = db.users();
            Instant start = Instant.parse("2026-03-01T10:00:00Z");
            assertTrue(store.countSignInAttempt(List.of(new SignInSubject("name:old", 2)), WINDOW, start).isEmpty());
            Instant now = start.plus(WINDOW).plusSeconds(1);
            assertTrue(store.countSignInAttempt(List.of(new SignInSubject("name:live", 2)), WINDOW, now).isEmpty());

            assertEquals(1, store.forgetStaleSignIns(WINDOW, now, 100), "only the row whose window is over");
            assertTrue(store.countSignInAttempt(List.of(new SignInSubject("name:live", 2)), WINDOW, now).isEmpty());
            assertTrue(store.countSignInAttempt(List.of(new SignInSubject("name:live", 2)), WINDOW, now).isPresent(),
                    "the live row kept its count: the second attempt locked it");
        }
    }

    @Test
    void timesAreKeptExactlyInAnHourThatADaylightSavingChangeRepeats() {
        // On 2025-11-02 New York's clocks went from 01:59 EDT back to 01:00 EST: 05:30Z and 06:30Z
        // are both 01:30 there. A java.sql.Timestamp goes through that local time and came back as 05:30Z.
        try (PortalDatabase db = PortalDatabase.open(dir, ";TIME ZONE=America/New_York")) {
            UserStore store = db.users();
            Instant first = Instant.parse("2025-11-02T06:30:00Z");
            Duration window = Duration.ofMinutes(30);
            SignInSubject name = new SignInSubject("name:dst", 2);
            assertTrue(store.countSignInAttempt(List.of(name), window, first).isEmpty());
            Instant second = first.plusSeconds(60); // inside the window that started at 06:30Z
            assertTrue(store.countSignInAttempt(List.of(name), window, second).isEmpty());
            Optional<Instant> refused = store.countSignInAttempt(List.of(name), window, second.plusSeconds(60));
            assertEquals(Optional.of(second.plus(window)), refused, "the second attempt locked the name until 07:01Z");
            assertFalse(store.countSignInAttempt(List.of(name), window, second.plus(window)).isPresent(),
                    "and the lock ends then");
        }
    }

    private static Optional<Instant> attempt(UserStore store, String name, SignInSubject address, Instant now) {
        return store.countSignInAttempt(List.of(new SignInSubject(name, 5), address), WINDOW, now);
    }
}
