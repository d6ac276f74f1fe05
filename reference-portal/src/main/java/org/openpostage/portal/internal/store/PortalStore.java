package org.openpostage.portal.internal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The portal's own state in an embedded H2 database, through plain JDBC: users (password hashes
 * only), their store credit as an append-only journal, their uploaded pictures, and their orders
 * with one row per stamp. Card numbers and CVVs are never stored: an order keeps the card's
 * brand and last four digits only. Every query about an order is scoped to its owner.
 */
public final class PortalStore implements AutoCloseable {
    /** The SQL state of a unique or primary key violation. */
    private static final String DUPLICATE_KEY = "23505";

    private final JdbcConnectionPool pool;

    /** A store whose database lives in {@code dataDir}, created on first use. */
    public static PortalStore open(Path dataDir) {
        return open(dataDir, "");
    }

    /**
     * {@link #open(Path)} with more H2 settings appended to the URL ({@code ";NAME=value"}), for
     * tests that need a session setting such as another time zone.
     */
    static PortalStore open(Path dataDir, String settings) {
        // Row locks (sign-in counts, credit, claims) are held for milliseconds; a busy moment must
        // make a request wait, not fail, so the lock timeout is well above H2's 2 s default.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portal") + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";LOCK_TIMEOUT=10000" + settings;
        PortalStore store = new PortalStore(JdbcConnectionPool.create(url, "portal", ""));
        store.migrate();
        return store;
    }

    private PortalStore(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    private void migrate() {
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS users (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " username VARCHAR(64) NOT NULL UNIQUE, display_name VARCHAR(100) NOT NULL,"
                        + " password_hash VARCHAR(200) NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS credit_journal (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " user_id BIGINT NOT NULL REFERENCES users(id), amount BIGINT NOT NULL,"
                        + " currency CHAR(3) NOT NULL, reason VARCHAR(200) NOT NULL, order_id BIGINT,"
                        + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS uploads (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " user_id BIGINT NOT NULL REFERENCES users(id), title VARCHAR(100) NOT NULL,"
                        + " content BLOB NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " user_id BIGINT NOT NULL REFERENCES users(id),"
                        + " payment_kind VARCHAR(10) NOT NULL, card_label VARCHAR(40), currency CHAR(3) NOT NULL,"
                        + " print_mode VARCHAR(12) NOT NULL, idempotency_key VARCHAR(100) NOT NULL,"
                        + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, meter_id BIGINT)");
                s.execute("CREATE TABLE IF NOT EXISTS order_items (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " order_id BIGINT NOT NULL REFERENCES orders(id), position INT NOT NULL,"
                        + " mail_class VARCHAR(30) NOT NULL, grams INT NOT NULL, origin VARCHAR(10) NOT NULL,"
                        + " destination VARCHAR(10), price BIGINT NOT NULL, date_of_mailing DATE NOT NULL,"
                        + " background VARCHAR(80), status VARCHAR(20) NOT NULL, message VARCHAR(500),"
                        + " indicium_id VARCHAR(64), indicium BLOB, image BLOB, refund_id VARCHAR(64),"
                        + " refunded_at TIMESTAMP WITH TIME ZONE)");
                // An order's status is derived from its items; the meter is kept so a re-send is identical.
                s.execute("ALTER TABLE orders DROP COLUMN IF EXISTS status");
                s.execute("ALTER TABLE orders DROP COLUMN IF EXISTS message");
                s.execute("ALTER TABLE orders ADD COLUMN IF NOT EXISTS meter_id BIGINT");
                // The background resolver's claim on a pending order, so only one node re-sends it at a time.
                s.execute("ALTER TABLE orders ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(40)");
                s.execute("ALTER TABLE orders ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP WITH TIME ZONE");
                // When the resolver last claimed it, so each pass starts with the orders tried least recently.
                s.execute("ALTER TABLE orders ADD COLUMN IF NOT EXISTS last_tried_at TIMESTAMP WITH TIME ZONE");
                // Each stamp's picture placement and addresses (issue 15), kept so envelopes and labels can be printed.
                s.execute("ALTER TABLE order_items ADD COLUMN IF NOT EXISTS frame VARCHAR(40)");
                s.execute("ALTER TABLE order_items ADD COLUMN IF NOT EXISTS sender VARCHAR(400)");
                s.execute("ALTER TABLE order_items ADD COLUMN IF NOT EXISTS recipient VARCHAR(400)");
                // Failed sign-ins of one subject (a hashed user name or client address) and its lock.
                s.execute("CREATE TABLE IF NOT EXISTS sign_in_throttle (subject VARCHAR(80) PRIMARY KEY,"
                        + " failures INT NOT NULL, window_start TIMESTAMP WITH TIME ZONE,"
                        + " locked_until TIMESTAMP WITH TIME ZONE)");
            }
            return null;
        });
    }

    // ---- users ----

    /** Creates a user with {@code credit} minor units of store credit, unless the name is taken. */
    public void createUserIfAbsent(String username, String displayName, String passwordHash, long credit, String currency) {
        run(c -> {
            if (findUser(c, username).isPresent()) {
                return null;
            }
            long id = insert(c, "INSERT INTO users (username, display_name, password_hash) VALUES (?, ?, ?)",
                    username, displayName, passwordHash);
            if (credit > 0) {
                insert(c, "INSERT INTO credit_journal (user_id, amount, currency, reason, created_at) VALUES (?, ?, ?, ?, ?)",
                        id, credit, currency, "Welcome credit", now());
            }
            return null;
        });
    }

    /** Replaces the user's password hash (a rehash at a newer work factor). */
    public void updatePasswordHash(long userId, String passwordHash) {
        run(c -> {
            try (PreparedStatement ps = prepare(c, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash,
                    userId)) {
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Adds {@code amount} minor units to the user's store credit, with {@code reason}, in one journal entry. */
    public void addCredit(long userId, long amount, String currency, String reason) {
        run(c -> {
            insert(c, "INSERT INTO credit_journal (user_id, amount, currency, reason, created_at) VALUES (?, ?, ?, ?, ?)",
                    userId, amount, currency, reason, now());
            return null;
        });
    }

    /** The user named {@code username}. */
    public Optional<User> findUser(String username) {
        return run(c -> findUser(c, username));
    }

    /** The user with id {@code id}. */
    public Optional<User> findUserById(long id) {
        return run(c -> user(c, "id", id));
    }

    private static Optional<User> findUser(Connection c, String username) throws SQLException {
        return user(c, "username", username);
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
        return run(c -> {
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
                try (PreparedStatement ps = prepare(c, "UPDATE sign_in_throttle SET failures = ?, window_start = ?,"
                        + " locked_until = ? WHERE subject = ?", count, starts.get(i),
                        count >= subjects.get(i).limit() ? now.plus(window) : null, subjects.get(i).id())) {
                    ps.executeUpdate();
                }
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
            try (PreparedStatement ps = prepare(c, "INSERT INTO sign_in_throttle (subject, failures, window_start)"
                    + " VALUES (?, 0, ?)", subject, now)) {
                ps.executeUpdate();
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
        run(c -> {
            try (PreparedStatement ps = prepare(c, "DELETE FROM sign_in_throttle WHERE subject = ?", forget)) {
                ps.executeUpdate();
            }
            return null;
        });
        if (release != null) {
            run(c -> {
                try (PreparedStatement ps = prepare(c, "UPDATE sign_in_throttle SET failures = failures - 1,"
                        + " locked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE locked_until END"
                        + " WHERE subject = ? AND failures > 0 AND window_start > ?", release.limit(), release.id(),
                        now.minus(window))) {
                    return ps.executeUpdate();
                }
            });
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
        List<String> subjects = run(c -> {
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
            deleted += run(c -> {
                try (PreparedStatement ps = prepare(c, "DELETE FROM sign_in_throttle WHERE subject = ? AND " + stale,
                        subject, now, now.minus(window))) {
                    return ps.executeUpdate();
                }
            });
        }
        return deleted;
    }

    // ---- store credit ----

    /** The user's store credit, in minor units. */
    public long balance(long userId) {
        return run(c -> balance(c, userId));
    }

    private static long balance(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT COALESCE(SUM(amount), 0) FROM credit_journal WHERE user_id = ?",
                userId); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The user's credit journal, newest first. */
    public List<CreditEntry> creditJournal(long userId) {
        return run(c -> {
            List<CreditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT amount, currency, reason, order_id, created_at FROM credit_journal"
                    + " WHERE user_id = ? ORDER BY id DESC", userId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long order = rs.getLong(4);
                    Long orderId = rs.wasNull() ? null : order; // before any other column is read
                    out.add(new CreditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), orderId, instant(rs, 5)));
                }
            }
            return out;
        });
    }

    private static void lockUser(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT id FROM users WHERE id = ? FOR UPDATE", userId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no user " + userId);
            }
        }
    }

    // ---- uploads ----

    /** Stores a checked picture the user uploaded; returns its id. */
    public long saveUpload(long userId, String title, byte[] content) {
        return run(c -> insert(c, "INSERT INTO uploads (user_id, title, content, created_at) VALUES (?, ?, ?, ?)",
                userId, title, content, now()));
    }

    /** The user's uploaded pictures, without content, newest first. */
    public List<Upload> uploads(long userId) {
        return run(c -> {
            List<Upload> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id, title FROM uploads WHERE user_id = ? ORDER BY id DESC",
                    userId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Upload(rs.getLong(1), rs.getString(2)));
                }
            }
            return out;
        });
    }

    /** The content of upload {@code id}, if it belongs to the user. */
    public Optional<byte[]> uploadContent(long userId, long id) {
        return run(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT content FROM uploads WHERE id = ? AND user_id = ?", id, userId);
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        });
    }

    // ---- orders ----

    /**
     * Records a new order and its items, all {@code PENDING}, and in the same transaction takes
     * {@code hold} minor units of the user's store credit (0 for card orders). Empty, with nothing
     * recorded, when the credit does not cover {@code hold}. The order gets a random idempotency
     * key, so a reset portal database never reuses one.
     */
    public Optional<Order> createOrder(long userId, String paymentKind, String cardLabel, String currency,
                                       String printMode, Long meterId, List<OrderItem> items, long hold) {
        return run(c -> {
            if (hold > 0) {
                lockUser(c, userId);
                if (balance(c, userId) < hold) {
                    return Optional.<Order>empty();
                }
            }
            String key = "order-" + java.util.UUID.randomUUID();
            long id = insert(c, "INSERT INTO orders (user_id, payment_kind, card_label, currency, print_mode,"
                    + " idempotency_key, created_at, meter_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", userId, paymentKind,
                    cardLabel, currency, printMode, key, now(), meterId);
            int position = 0;
            for (OrderItem i : items) {
                insert(c, "INSERT INTO order_items (order_id, position, mail_class, grams, origin, destination, price,"
                                + " date_of_mailing, background, status, frame, sender, recipient)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)",
                        id, position++, i.mailClass(), i.grams(), i.origin(), i.destination(), i.price(),
                        i.dateOfMailing(), i.background(), i.frame(),
                        org.openpostage.portal.internal.shop.Addresses.encode(i.sender()),
                        org.openpostage.portal.internal.shop.Addresses.encode(i.recipient()));
            }
            if (hold > 0) {
                insert(c, "INSERT INTO credit_journal (user_id, amount, currency, reason, order_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", userId, -hold, currency, "Order " + id, id, now());
            }
            return order(c, userId, id);
        });
    }

    /** Records that pending item {@code itemId} was issued; false (nothing changed) if it was settled already. */
    public boolean itemIssued(long itemId, String indiciumId, byte[] indicium, byte[] image) {
        return run(c -> {
            try (PreparedStatement ps = prepare(c, "UPDATE order_items SET status = 'ISSUED', indicium_id = ?,"
                    + " indicium = ?, image = ?, message = NULL WHERE id = ? AND status = 'PENDING'",
                    indiciumId, indicium, image, itemId)) {
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records that pending item {@code itemId} of the user's order {@code orderId} failed for good,
     * and why (in words for the user), and in the same transaction gives {@code credit} minor units
     * back to the user's store credit. Happens once: false (nothing changed) if it was settled already.
     */
    public boolean itemFailed(long userId, long orderId, long itemId, String message, long credit, String currency) {
        return run(c -> {
            int n;
            try (PreparedStatement ps = prepare(c, "UPDATE order_items SET status = 'FAILED', message = ? WHERE id = ?"
                    + " AND order_id = ? AND status = 'PENDING' AND order_id IN (SELECT id FROM orders WHERE user_id = ?)",
                    message, itemId, orderId, userId)) {
                n = ps.executeUpdate();
            }
            if (n == 1 && credit > 0) {
                insert(c, "INSERT INTO credit_journal (user_id, amount, currency, reason, order_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", userId, credit, currency, "Stamp not issued, order " + orderId,
                        orderId, now());
            }
            return n == 1;
        });
    }

    /**
     * Records that item {@code itemId} of the user's order was refunded and, in the same
     * transaction, gives {@code credit} minor units back to the user's store credit. Happens once:
     * false when the item was not (or no longer) issued.
     */
    public boolean itemRefunded(long userId, long orderId, long itemId, String refundId, long credit, String currency) {
        return run(c -> {
            int n;
            try (PreparedStatement ps = prepare(c, "UPDATE order_items SET status = 'REFUNDED', refund_id = ?, refunded_at = ?"
                    + " WHERE id = ? AND order_id = ? AND status = 'ISSUED'"
                    + " AND order_id IN (SELECT id FROM orders WHERE user_id = ?)", refundId, now(), itemId, orderId, userId)) {
                n = ps.executeUpdate();
            }
            if (n == 1 && credit > 0) {
                insert(c, "INSERT INTO credit_journal (user_id, amount, currency, reason, order_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", userId, credit, currency, "Refund of an unused stamp", orderId, now());
            }
            return n == 1;
        });
    }

    // ---- the background resolver ----

    /**
     * The ids of store-credit orders placed after {@code since} with a stamp still pending and no
     * claim holding at {@code now}, at most {@code limit}: those never tried first, then those tried
     * least recently ({@link #claimOrder} notes the time), so orders that stay pending cannot keep
     * newer ones from being tried.
     */
    public List<Long> unclaimedPendingCreditOrders(Instant since, Instant now, int limit) {
        return run(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT o.id FROM orders o WHERE o.payment_kind = 'CREDIT'"
                    + " AND o.created_at > ? AND (o.claimed_until IS NULL OR o.claimed_until <= ?) AND EXISTS"
                    + " (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.status = 'PENDING')"
                    + " ORDER BY o.last_tried_at NULLS FIRST, o.id LIMIT ?", since, now, limit); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
    }

    /**
     * Claims order {@code orderId} for {@code node} until {@code until}, unless another claim holds
     * (one conditional UPDATE, so of several nodes sharing this database one wins), notes the time
     * as its last try, and returns it.
     */
    public Optional<Order> claimOrder(long orderId, String node, Instant until) {
        return run(c -> {
            Instant now = now();
            try (PreparedStatement ps = prepare(c, "UPDATE orders SET claimed_by = ?, claimed_until = ?, last_tried_at = ?"
                    + " WHERE id = ? AND (claimed_until IS NULL OR claimed_until <= ?)", node, until, now, orderId, now)) {
                if (ps.executeUpdate() != 1) {
                    return Optional.<Order>empty();
                }
            }
            try (PreparedStatement ps = prepare(c, "SELECT user_id FROM orders WHERE id = ?", orderId);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return order(c, rs.getLong(1), orderId);
            }
        });
    }

    /** Ends {@code node}'s claim on order {@code orderId} (another node's claim stays). */
    public void releaseOrder(long orderId, String node) {
        run(c -> {
            try (PreparedStatement ps = prepare(c, "UPDATE orders SET claimed_by = NULL, claimed_until = NULL WHERE id = ?"
                    + " AND claimed_by = ?", orderId, node)) {
                return ps.executeUpdate();
            }
        });
    }

    /** Order {@code orderId} with its items, if it belongs to the user. */
    public Optional<Order> order(long userId, long orderId) {
        return run(c -> order(c, userId, orderId));
    }

    /** The user's orders, newest first. */
    public List<Order> orders(long userId) {
        return run(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id FROM orders WHERE user_id = ? ORDER BY id DESC", userId);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            List<Order> out = new ArrayList<>();
            for (long id : ids) {
                order(c, userId, id).ifPresent(out::add);
            }
            return out;
        });
    }

    private static Optional<Order> order(Connection c, long userId, long orderId) throws SQLException {
        Order head;
        try (PreparedStatement ps = prepare(c, "SELECT id, payment_kind, card_label, currency, print_mode, created_at,"
                + " idempotency_key, meter_id FROM orders WHERE id = ? AND user_id = ?", orderId, userId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Long meter = rs.getObject(8, Long.class);
            head = new Order(rs.getLong(1), userId, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    instant(rs, 6), rs.getString(7), meter, List.of());
        }
        List<OrderItem> items = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT id, position, mail_class, grams, origin, destination, price,"
                + " date_of_mailing, background, status, message, indicium_id, indicium, image, refund_id,"
                + " frame, sender, recipient"
                + " FROM order_items WHERE order_id = ? ORDER BY position", orderId); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                items.add(new OrderItem(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getObject(8, LocalDate.class), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getString(12), rs.getBytes(13), rs.getBytes(14),
                        rs.getString(15), rs.getString(16),
                        org.openpostage.portal.internal.shop.Addresses.decode(rs.getString(17)),
                        org.openpostage.portal.internal.shop.Addresses.decode(rs.getString(18))));
            }
        }
        return Optional.of(head.withItems(items));
    }

    @Override
    public void close() {
        pool.dispose();
    }

    // ---- JDBC plumbing ----

    /** Work done in one transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("the portal database failed: " + e.getMessage(), e);
        }
    }

    private static long insert(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        bind(ps, args);
        return ps;
    }

    /**
     * Binds the arguments; an {@link Instant} as an {@link OffsetDateTime} at UTC, which a
     * {@code TIMESTAMP WITH TIME ZONE} column keeps exactly. (A {@code java.sql.Timestamp} goes
     * through the session's local time and comes back an hour off in a daylight-saving overlap.)
     */
    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            ps.setObject(i + 1, a instanceof Instant t ? t.atOffset(ZoneOffset.UTC) : a);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant now() {
        return Instant.now();
    }
}
