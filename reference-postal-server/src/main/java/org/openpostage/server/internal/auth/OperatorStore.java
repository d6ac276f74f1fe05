package org.openpostage.server.internal.auth;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.server.model.OperatorAccount;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;

/**
 * Operator accounts (table {@code operators}): their Argon2id password hashes
 * ({@link OperatorPasswords}) and the sign-in throttle, kept in the ledger so that every node
 * counts the same failures: {@value #MAX_FAILURES} wrong passwords in a row lock an account for
 * {@link #LOCK}. Writes take the caller's connection, so that the change and its operator journal
 * entry commit together.
 */
public final class OperatorStore {
    /** Wrong passwords in a row that lock an account. */
    public static final int MAX_FAILURES = 5;
    /** How long a lock holds. */
    public static final Duration LOCK = Duration.ofMinutes(15);

    private static final String COLUMNS = "name, display_name, created_at, password_changed_at, last_sign_in_at,"
            + " locked_until, disabled_at";

    private final Database db;
    private final Clock clock;

    public OperatorStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Adds an account.
     *
     * @throws InvalidRequestException if the name is malformed or taken, or the password too weak
     */
    public OperatorAccount create(Connection c, String name, String displayName, char[] password) throws SQLException {
        checkName(name);
        if (displayName == null || displayName.isBlank() || displayName.length() > 200) {
            throw new InvalidRequestException("an operator's display name has 1 to 200 characters");
        }
        strength(password);
        if (find(c, name).isPresent()) {
            throw new InvalidRequestException("operator '" + name + "' exists already");
        }
        Instant now = Time.now(clock);
        Sql.update(c, "INSERT INTO operators (name, display_name, password_hash, password_changed_at, created_at)"
                + " VALUES (?, ?, ?, ?, ?)", name, displayName.strip(), OperatorPasswords.hash(password), now, now);
        return find(c, name).orElseThrow();
    }

    /** Sets a new password (and lifts a lock). @throws NotFoundException if there is no such account */
    public void setPassword(Connection c, String name, char[] password) throws SQLException {
        strength(password);
        Instant now = Time.now(clock);
        if (Sql.update(c, "UPDATE operators SET password_hash = ?, password_changed_at = ?, failed_sign_ins = 0,"
                + " locked_until = NULL WHERE name = ?", OperatorPasswords.hash(password), now, name) == 0) {
            throw new NotFoundException("there is no operator '" + name + "'");
        }
    }

    /** Disables or enables an account. @throws NotFoundException if there is no such account */
    public void setEnabled(Connection c, String name, boolean enabled) throws SQLException {
        Instant now = Time.now(clock);
        int n = enabled
                ? Sql.update(c, "UPDATE operators SET disabled_at = NULL, failed_sign_ins = 0, locked_until = NULL"
                        + " WHERE name = ?", name)
                : Sql.update(c, "UPDATE operators SET disabled_at = COALESCE(disabled_at, ?) WHERE name = ?", now, name);
        if (n == 0) {
            throw new NotFoundException("there is no operator '" + name + "'");
        }
    }

    /** Every account, by name. */
    public List<OperatorAccount> all() {
        return db.read("read operators", c -> Sql.list(c, "SELECT " + COLUMNS + " FROM operators ORDER BY name",
                OperatorStore::account));
    }

    /** The account {@code name}. */
    public Optional<OperatorAccount> find(String name) {
        return db.read("read operator", c -> find(c, name));
    }

    /** How many enabled accounts there are. */
    public long enabledCount(Connection c) throws SQLException {
        return Sql.number(c, "SELECT COUNT(*) FROM operators WHERE disabled_at IS NULL");
    }

    /**
     * Checks a sign-in. A wrong password counts towards the lock; the right one clears the count and
     * replaces a hash of an older work factor. The message never tells a wrong name from a wrong
     * password.
     *
     * @param onSuccess runs in the sign-in's transaction (the operator journal's entry)
     * @throws AuthenticationException if the name or password is wrong, or the account is locked or disabled
     */
    public OperatorAccount authenticate(String name, char[] password, SqlStep onSuccess) {
        Instant now = Time.now(clock);
        record Stored(String hash, int failures, Instant lockedUntil, Instant disabledAt) {
        }
        Optional<Stored> stored = name == null || !name.matches(NAME) ? Optional.empty()
                : db.read("read operator", c -> Sql.one(c, "SELECT password_hash, failed_sign_ins, locked_until,"
                        + " disabled_at FROM operators WHERE name = ?", rs -> new Stored(rs.getString(1), rs.getInt(2),
                        Sql.instant(rs, "locked_until"), Sql.instant(rs, "disabled_at")), name));
        if (stored.isPresent() && stored.get().lockedUntil != null && now.isBefore(stored.get().lockedUntil)) {
            throw new AuthenticationException("this account is locked after " + MAX_FAILURES + " wrong passwords, until "
                    + stored.get().lockedUntil + "; another operator can unlock it by setting a new password");
        }
        boolean right = stored.isPresent() ? OperatorPasswords.matches(password, stored.get().hash)
                : OperatorPasswords.matchesNobody(password);
        if (!right) {
            if (stored.isPresent()) {
                db.transaction("count failed sign-in", c -> {
                    int failures = stored.get().failures + 1;
                    boolean lock = failures >= MAX_FAILURES;
                    return Sql.update(c, "UPDATE operators SET failed_sign_ins = ?, locked_until = ? WHERE name = ?",
                            lock ? 0 : failures, lock ? now.plus(LOCK) : null, name);
                });
            }
            throw new AuthenticationException("the name or the password is not right");
        }
        if (stored.get().disabledAt != null) {
            throw new AuthenticationException("this account was disabled on " + stored.get().disabledAt);
        }
        return db.transaction("sign in", c -> {
            String rehash = OperatorPasswords.needsRehash(stored.get().hash) ? OperatorPasswords.hash(password) : null;
            Sql.update(c, "UPDATE operators SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ?,"
                    + " password_hash = COALESCE(?, password_hash) WHERE name = ?", now, rehash, name);
            onSuccess.run(c);
            return find(c, name).orElseThrow();
        });
    }

    /** Work done in a caller's transaction. */
    @FunctionalInterface
    public interface SqlStep {
        /** Does it. */
        void run(Connection c) throws SQLException;
    }

    /** An operator's name: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter. */
    public static final String NAME = "[a-z][a-z0-9._-]{0,63}";

    /** @throws InvalidRequestException if {@code name} is not a valid operator name */
    public static void checkName(String name) {
        if (name == null || !name.matches(NAME)) {
            throw new InvalidRequestException("an operator's name is 1 to 64 lower-case letters, digits, '.', '_' or '-',"
                    + " starting with a letter");
        }
    }

    private static void strength(char[] password) {
        try {
            OperatorPasswords.checkStrength(password);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    private static Optional<OperatorAccount> find(Connection c, String name) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM operators WHERE name = ?", OperatorStore::account, name);
    }

    private static OperatorAccount account(java.sql.ResultSet rs) throws SQLException {
        return new OperatorAccount(rs.getString("name"), rs.getString("display_name"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "password_changed_at"), Sql.instant(rs, "last_sign_in_at"),
                Sql.instant(rs, "locked_until"), Sql.instant(rs, "disabled_at"));
    }
}
