package org.openpostage.portal.internal.shop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.openpostage.portal.internal.store.PortalStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing: after {@code nameLimit} failed sign-ins for one user name within
 * {@code lock}, that name is refused for {@code lock}, whatever password comes; the same holds
 * for one client address with {@code addressLimit} (0: not counted). A successful sign-in forgets
 * the name's failures; an address's stay, so a guesser cannot wipe them by signing in to an
 * account of their own. Names count alike whether or not such a user exists, so a lock tells
 * nothing about who has an account. The counts live in the portal's database (as SHA-256 hashes,
 * never the typed text), so a restart does not reset them.
 */
public final class SignInThrottle {
    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);

    private final PortalStore store;
    private final int nameLimit;
    private final int addressLimit;
    private final Duration lock;

    /** @param nameLimit failures per user name; @param addressLimit per address, 0 for none; @param lock window and lock */
    public SignInThrottle(PortalStore store, int nameLimit, int addressLimit, Duration lock) {
        this.store = store;
        this.nameLimit = nameLimit;
        this.addressLimit = addressLimit;
        this.lock = lock;
    }

    /**
     * Refuses a sign-in for {@code username} from {@code address} while either is locked, with a
     * 429 that says the same for every name, known or not.
     */
    public void check(String username, String address) {
        Instant now = Instant.now();
        store.signInLockedUntil(subjects(username, address), now).ifPresent(until -> {
            long minutes = Math.max(1, (Duration.between(now, until).getSeconds() + 59) / 60);
            throw new Refused("Too many failed sign-ins. Signing in with this user name (or from your network) is"
                    + " paused for " + minutes + (minutes == 1 ? " more minute" : " more minutes") + "; please try"
                    + " again then.", Duration.between(now, until));
        });
    }

    /** Counts a failed sign-in for {@code username} and {@code address}. */
    public void failed(String username, String address) {
        Instant now = Instant.now();
        store.signInFailed(nameSubject(username), nameLimit, lock, now);
        if (addressLimit > 0) {
            store.signInFailed(addressSubject(address), addressLimit, lock, now);
        }
        log.info("failed sign-in from {}", address);
    }

    /** Forgets the failed sign-ins for {@code username}. */
    public void succeeded(String username) {
        store.signInSucceeded(nameSubject(username));
    }

    private List<String> subjects(String username, String address) {
        List<String> out = new ArrayList<>(List.of(nameSubject(username)));
        if (addressLimit > 0) {
            out.add(addressSubject(address));
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
