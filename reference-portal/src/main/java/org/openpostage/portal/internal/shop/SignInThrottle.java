package org.openpostage.portal.internal.shop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.openpostage.portal.internal.store.UserStore;
import org.openpostage.portal.internal.store.UserStore.SignInSubject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing: at most {@code nameLimit} failed sign-ins for one user name within
 * {@code lock}; the attempt that reaches the limit locks the name for {@code lock}, whatever
 * password comes; the same holds for one client address with {@code addressLimit} (0: not
 * counted). A successful sign-in forgets the name's failures; an address's stay, so a guesser
 * cannot wipe them by signing in to an account of their own. Names count alike whether or not such
 * a user exists, so a lock tells nothing about who has an account. The counts live in the portal's
 * database (as SHA-256 hashes, never the typed text), so a restart does not reset them.
 *
 * <p>An attempt is counted <em>before</em> its password is checked ({@link #attempt}), atomically in
 * the database, and taken back when the password is right ({@link #succeeded}). So parallel guesses
 * cannot all pass a check made before any of them failed: of any number sent at once, at most the
 * limit are checked, and the rest are refused.
 */
public final class SignInThrottle {
    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);
    /** How often rows whose window and lock are over are deleted, and how many at a time. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    private static final int SWEEP_MAX = 1_000;

    private final UserStore store;
    private final int nameLimit;
    private final int addressLimit;
    private final Duration lock;
    private final AtomicLong nextSweep = new AtomicLong();

    /** @param nameLimit failures per user name; @param addressLimit per address, 0 for none; @param lock window and lock */
    public SignInThrottle(UserStore store, int nameLimit, int addressLimit, Duration lock) {
        this.store = store;
        this.nameLimit = nameLimit;
        this.addressLimit = addressLimit;
        this.lock = lock;
    }

    /**
     * Counts a sign-in attempt for {@code username} from {@code address}, before the password is
     * looked at, or refuses it while either is locked (or has used up its attempts), with a 429
     * that says the same for every name, known or not.
     *
     * @throws Refused when the attempt may not be made
     */
    public void attempt(String username, String address) {
        Instant now = Instant.now();
        sweepNowAndThen(now);
        store.countSignInAttempt(subjects(username, address), lock, now).ifPresent(until -> {
            long minutes = Math.max(1, (Duration.between(now, until).getSeconds() + 59) / 60);
            throw new Refused("Too many failed sign-ins. Signing in with this user name (or from your network) is"
                    + " paused for " + minutes + (minutes == 1 ? " more minute" : " more minutes") + "; please try"
                    + " again then.", Duration.between(now, until));
        });
    }

    /** Notes that the attempt counted for {@code address} had a wrong password (it stays counted). */
    public void failed(String address) {
        log.info("failed sign-in from {}", address);
    }

    /**
     * Takes back the attempt counted for {@code username} and {@code address}: the password was
     * right. The name's failures are forgotten; the address's count goes down by this attempt only.
     */
    public void succeeded(String username, String address) {
        store.signInSucceeded(nameSubject(username), addressLimit > 0 ? new SignInSubject(addressSubject(address),
                addressLimit) : null, lock, Instant.now());
    }

    /** Deletes rows whose window and lock are over, at most once per {@link #SWEEP_EVERY} (by one caller). */
    private void sweepNowAndThen(Instant now) {
        long next = nextSweep.get();
        if (now.toEpochMilli() >= next && nextSweep.compareAndSet(next, now.plus(SWEEP_EVERY).toEpochMilli())) {
            int n = store.forgetStaleSignIns(lock, now, SWEEP_MAX);
            if (n > 0) {
                log.debug("forgot {} sign-in counts whose window and lock were over", n);
            }
        }
    }

    private List<SignInSubject> subjects(String username, String address) {
        List<SignInSubject> out = new ArrayList<>(List.of(new SignInSubject(nameSubject(username), nameLimit)));
        if (addressLimit > 0) {
            out.add(new SignInSubject(addressSubject(address), addressLimit));
        }
        return out;
    }

    private static String nameSubject(String username) {
        return "name:" + sha256(username);
    }

    private static String addressSubject(String address) {
        return "address:" + sha256(address);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A sign-in refused because of a lock: HTTP 429, with how long the lock still lasts. */
    public static final class Refused extends RuntimeException {
        private final transient Duration retryAfter;

        Refused(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        /** How long the lock still lasts. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }
}
