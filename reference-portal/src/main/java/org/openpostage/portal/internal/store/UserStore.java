package org.openpostage.portal.internal.store;

import org.openpostage.jdbc.Transactions;
import static org.openpostage.portal.internal.store.Jdbc.DUPLICATE_KEY;
import static org.openpostage.portal.internal.store.Jdbc.insert;
import static org.openpostage.portal.internal.store.Jdbc.instant;
import static org.openpostage.portal.internal.store.Jdbc.prepare;
import static org.openpostage.portal.internal.store.Jdbc.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Users and signing in: accounts with password hashes only ({@code users}), and the counts of
 * sign-in attempts per subject with their locks ({@code sign_in_throttle}).
 */
public final class UserStore {
    private final Transactions tx;

    UserStore(Transactions tx) {
        this.tx = tx;
    }

    // ---- users ----

    /** Creates a user with {@code credit} minor units of store credit, unless the name is taken. */
    public void createUserIfAbsent(String username, String displayName, String passwordHash, long credit, String currency) {
        tx.run("create user", c -> {
            if (user(c, "username", username).isPresent()) {
                return null;
            }
            long id = insert(c, "INSERT INTO users (username, display_name, password_hash) VALUES (?, ?, ?)",
                    username, displayName, passwordHash);
            if (credit > 0) {
                CreditStore.add(c, id, credit, currency, "Welcome credit", null);
            }
            return null;
        });
    }

    /** Replaces the user's password hash (a rehash at a newer work factor). */
    public void updatePasswordHash(long userId, String passwordHash) {
        tx.run("update password hash", c -> update(c, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash,
                userId));
    }

    /** The user named {@code username}. */
    public Optional<User> findUser(String username) {
        return tx.run("find user", c -> user(c, "username", username));
    }

    /** The user with id {@code id}. */
    public Optional<User> findUserById(long id) {
        return tx.run("find user", c -> user(c, "id", id));
    }

    private static Optional<User> user(Connection c, String column, Object value) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT id, username, display_name, password_hash FROM users WHERE "
                + column + " = ?", value); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                    : Optional.empty();
        }
    }

    // ---- sign-in throttling ----

    /**
     * Something sign-in attempts are counted for, such as a hashed user name or client address.
     *
     * @param id    the row's key (at most 80 characters)
     * @param limit how many attempts a window allows; the attempt that reaches it locks the subject
     */
    public record SignInSubject(String id, int limit) {
    }

    /**
     * Counts a sign-in attempt for every one of {@code subjects} before its password is checked, in
     * one transaction holding the subjects' rows locked, so parallel attempts are counted one after
     * the other and no more than a subject's limit get through. Refused, with nothing counted, while
     * a subject is locked or its window is used up: the result is then when that ends (the latest,
     * of several). Else every subject's count goes up by one (a new window of {@code window} starts
     * when the last one is over), and the attempt that reaches a subject's limit locks it for
     * {@code window} from {@code now}; the count starts again after the lock. A right password
     * afterwards takes the attempt back ({@link #signInSucceeded}).
     */
    public Optional<Instant> countSignInAttempt(List<SignInSubject> subjects, Duration window, Instant now) {
        return tx.run("count sign-in attempt", c -> {
            List<Integer> counts = new ArrayList<>();
            List<Instant> starts = new ArrayList<>();
            Instant refusedUntil = null;
            for (SignInSubject subject : subjects) {
                ThrottleRow row = lockThrottleRow(c, subject.id(), now);
                Instant until = null;
                boolean fresh = row.windowStart() == null || !row.windowStart().plus(window).isAfter(now);
                if (row.lockedUntil() != null && row.lockedUntil().isAfter(now)) {
                    until = row.lockedUntil();
                } else if (!fresh && row.count() >= subject.limit()) {
                    until = row.windowStart().plus(window); // a lower limit since the count was taken
                }
                if (until != null && (refusedUntil == null || until.isAfter(refusedUntil))) {
                    refusedUntil = until;
                }
                counts.add(fresh ? 1 : row.count() + 1);
                starts.add(fresh ? now : row.windowStart());
            }
            if (refusedUntil != null) {
                return Optional.of(refusedUntil);
            }
            for (int i = 0; i < subjects.size(); i++) {
                int count = counts.get(i);
                update(c, "UPDATE sign_in_throttle SET failures = ?, window_start = ?, locked_until = ? WHERE subject = ?",
                        count, starts.get(i), count >= subjects.get(i).limit() ? now.plus(window) : null,
                        subjects.get(i).id());
            }
            return Optional.<Instant>empty();
        });
    }

    private record ThrottleRow(int count, Instant windowStart, Instant lockedUntil) {
    }

    /**
     * The subject's row, locked until the transaction ends; created (with a window starting at
     * {@code now}, so the sweep cannot take it for an old one) when missing. A parallel first
     * attempt's insert waits for this one and then finds the row; a row swept away meanwhile is made again.
     */
    private static ThrottleRow lockThrottleRow(Connection c, String subject, Instant now) throws SQLException {
        for (int tries = 0; ; tries++) {
            try {
                update(c, "INSERT INTO sign_in_throttle (subject, failures, window_start) VALUES (?, 0, ?)", subject, now);
            } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState()) || tries >= 3) {
                    throw e;
                }
            }
            try (PreparedStatement ps = prepare(c, "SELECT failures, window_start, locked_until FROM sign_in_throttle"
                    + " WHERE subject = ? FOR UPDATE", subject); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new ThrottleRow(rs.getInt(1), instant(rs, 2), instant(rs, 3));
                }
            }
        }
    }

    /**
     * After a right password: forgets the attempts of {@code forget} (its lock too), and takes this
     * attempt back from {@code release} (its count goes down by one and a lock it set is lifted),
     * unless that subject's window has ended since ({@code null}: none).
     */
    public void signInSucceeded(String forget, SignInSubject release, Duration window, Instant now) {
        tx.run("forget sign-in attempts", c -> update(c, "DELETE FROM sign_in_throttle WHERE subject = ?", forget));
        if (release != null) {
            tx.run("release sign-in attempt", c -> update(c, "UPDATE sign_in_throttle SET failures = failures - 1,"
                    + " locked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE locked_until END"
                    + " WHERE subject = ? AND failures > 0 AND window_start > ?", release.limit(), release.id(),
                    now.minus(window)));
        }
    }

    /**
     * Deletes the rows of subjects whose window and lock are both over at {@code now}, at most
     * {@code max}; returns how many. Each row goes in a transaction of its own, after its condition
     * is checked again under its lock, so a row a sign-in is counting in is never taken and the
     * sweep never holds one row while waiting for another.
     */
    public int forgetStaleSignIns(Duration window, Instant now, int max) {
        String stale = "(locked_until IS NULL OR locked_until <= ?) AND (window_start IS NULL OR window_start <= ?)";
        List<String> subjects = tx.run("find stale sign-ins", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT subject FROM sign_in_throttle WHERE " + stale + " LIMIT ?",
                    now, now.minus(window), max); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        int deleted = 0;
        for (String subject : subjects) {
            deleted += tx.run("forget stale sign-in", c -> update(c, "DELETE FROM sign_in_throttle WHERE subject = ? AND "
                    + stale, subject, now, now.minus(window)));
        }
        return deleted;
    }
}
