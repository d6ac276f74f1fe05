package org.openpostage.portal.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's Flyway migrations on the databases earlier portals made without them: their rows
 * are kept, the schema is brought to the current one, and the history table records it.
 */
class PortalMigrationTest {
    /** The statements the portal ran on every start before its schema moved to Flyway (issue 18). */
    private static final List<String> BEFORE_FLYWAY = List.of(
            "CREATE TABLE IF NOT EXISTS users (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " username VARCHAR(64) NOT NULL UNIQUE, display_name VARCHAR(100) NOT NULL,"
                    + " password_hash VARCHAR(200) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS credit_journal (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " user_id BIGINT NOT NULL REFERENCES users(id), amount BIGINT NOT NULL,"
                    + " currency CHAR(3) NOT NULL, reason VARCHAR(200) NOT NULL, order_id BIGINT,"
                    + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)",
            "CREATE TABLE IF NOT EXISTS uploads (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " user_id BIGINT NOT NULL REFERENCES users(id), title VARCHAR(100) NOT NULL,"
                    + " content BLOB NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)",
            "CREATE TABLE IF NOT EXISTS orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " user_id BIGINT NOT NULL REFERENCES users(id),"
                    + " payment_kind VARCHAR(10) NOT NULL, card_label VARCHAR(40), currency CHAR(3) NOT NULL,"
                    + " print_mode VARCHAR(12) NOT NULL, idempotency_key VARCHAR(100) NOT NULL,"
                    + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, meter_id BIGINT)",
            "CREATE TABLE IF NOT EXISTS order_items (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " order_id BIGINT NOT NULL REFERENCES orders(id), position INT NOT NULL,"
                    + " mail_class VARCHAR(30) NOT NULL, grams INT NOT NULL, origin VARCHAR(10) NOT NULL,"
                    + " destination VARCHAR(10), price BIGINT NOT NULL, date_of_mailing DATE NOT NULL,"
                    + " background VARCHAR(80), status VARCHAR(20) NOT NULL, message VARCHAR(500),"
                    + " indicium_id VARCHAR(64), indicium BLOB, image BLOB, refund_id VARCHAR(64),"
                    + " refunded_at TIMESTAMP WITH TIME ZONE)",
            "ALTER TABLE orders DROP COLUMN IF EXISTS status",
            "ALTER TABLE orders DROP COLUMN IF EXISTS message",
            "ALTER TABLE orders ADD COLUMN IF NOT EXISTS meter_id BIGINT",
            "ALTER TABLE orders ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(40)",
            "ALTER TABLE orders ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP WITH TIME ZONE",
            "ALTER TABLE orders ADD COLUMN IF NOT EXISTS last_tried_at TIMESTAMP WITH TIME ZONE",
            "ALTER TABLE order_items ADD COLUMN IF NOT EXISTS frame VARCHAR(40)",
            "ALTER TABLE order_items ADD COLUMN IF NOT EXISTS sender VARCHAR(400)",
            "ALTER TABLE order_items ADD COLUMN IF NOT EXISTS recipient VARCHAR(400)",
            "CREATE TABLE IF NOT EXISTS sign_in_throttle (subject VARCHAR(80) PRIMARY KEY,"
                    + " failures INT NOT NULL, window_start TIMESTAMP WITH TIME ZONE,"
                    + " locked_until TIMESTAMP WITH TIME ZONE)");

    /** An older portal's orders, before an order's status came from its items and before claims and addresses. */
    private static final List<String> OLDER = List.of(BEFORE_FLYWAY.get(0), BEFORE_FLYWAY.get(1), BEFORE_FLYWAY.get(2),
            "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),"
                    + " payment_kind VARCHAR(10) NOT NULL, card_label VARCHAR(40), currency CHAR(3) NOT NULL,"
                    + " print_mode VARCHAR(12) NOT NULL, idempotency_key VARCHAR(100) NOT NULL,"
                    + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, status VARCHAR(20), message VARCHAR(500))",
            BEFORE_FLYWAY.get(4));

    @TempDir
    Path dir;

    @Test
    void aDatabaseOfThePortalBeforeFlywayKeepsItsRowsAndIsBaselined() throws Exception {
        create(BEFORE_FLYWAY);
        insertRows(false);
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            assertRowsKept(db);
            assertEquals(List.of("0 BASELINE", "1 SQL"), history());
            assertNewRowsCanBeWritten(db);
        }
        try (PortalDatabase db = PortalDatabase.open(dir)) { // a second start changes nothing
            assertEquals(List.of("0 BASELINE", "1 SQL"), history());
            assertEquals(2, db.orders().orders(userId(db)).size());
        }
    }

    @Test
    void anOlderDatabaseIsBroughtToTheCurrentSchemaWithItsRowsKept() throws Exception {
        create(OLDER);
        insertRows(true);
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            assertRowsKept(db);
            List<String> columns = columns("ORDERS");
            assertFalse(columns.contains("STATUS"), "an order's status comes from its items: " + columns);
            assertTrue(columns.containsAll(List.of("METER_ID", "CLAIMED_BY", "CLAIMED_UNTIL", "LAST_TRIED_AT")), columns.toString());
            assertTrue(columns("ORDER_ITEMS").containsAll(List.of("FRAME", "SENDER", "RECIPIENT")));
            assertNewRowsCanBeWritten(db);
        }
    }

    @Test
    void aNewDatabaseIsMadeByTheMigrations() throws Exception {
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            assertEquals(List.of("1 SQL"), history());
            db.users().createUserIfAbsent("erin", "Erin", "not-a-real-hash", 500, "USD");
            assertEquals(500, db.credit().balance(db.users().findUser("erin").orElseThrow().id()));
        }
    }

    private void create(List<String> ddl) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : ddl) {
                s.execute(sql);
            }
        }
    }

    /** A user with credit, an upload, a settled order of one stamp and a sign-in count, as an old portal wrote them. */
    private void insertRows(boolean older) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (username, display_name, password_hash) VALUES ('frank', 'Frank', 'hash')");
            s.execute("INSERT INTO credit_journal (user_id, amount, currency, reason, created_at)"
                    + " VALUES (1, 5000, 'USD', 'Welcome credit', TIMESTAMP WITH TIME ZONE '2025-01-02 03:04:05+00')");
            s.execute("INSERT INTO credit_journal (user_id, amount, currency, reason, order_id, created_at)"
                    + " VALUES (1, -82, 'USD', 'Order 1', 1, TIMESTAMP WITH TIME ZONE '2025-01-02 03:05:00+00')");
            s.execute("INSERT INTO uploads (user_id, title, content, created_at) VALUES (1, 'waves.png', X'89504E47',"
                    + " TIMESTAMP WITH TIME ZONE '2025-01-02 03:04:30+00')");
            s.execute("INSERT INTO orders (user_id, payment_kind, currency, print_mode, idempotency_key, created_at"
                    + (older ? ", status" : "") + ") VALUES (1, 'CREDIT', 'USD', 'auto', 'order-old',"
                    + " TIMESTAMP WITH TIME ZONE '2025-01-02 03:05:00+00'" + (older ? ", 'COMPLETED'" : "") + ")");
            s.execute("INSERT INTO order_items (order_id, position, mail_class, grams, origin, destination, price,"
                    + " date_of_mailing, status, indicium_id, indicium) VALUES (1, 0, 'LETTER', 20, '94107', '10001', 82,"
                    + " DATE '2025-01-02', 'ISSUED', 'ind-1', X'0102')");
            if (!older) {
                s.execute("INSERT INTO sign_in_throttle (subject, failures, window_start)"
                        + " VALUES ('name:x', 2, TIMESTAMP WITH TIME ZONE '2025-01-02 03:00:00+00')");
            }
        }
    }

    private static void assertRowsKept(PortalDatabase db) {
        long frank = userId(db);
        assertEquals("Frank", db.users().findUserById(frank).orElseThrow().displayName());
        assertEquals(5000 - 82, db.credit().balance(frank));
        List<CreditEntry> journal = db.credit().creditJournal(frank);
        assertEquals(List.of("Order 1", "Welcome credit"), journal.stream().map(CreditEntry::reason).toList());
        assertEquals(Instant.parse("2025-01-02T03:04:05Z"), journal.get(1).createdAt());
        assertEquals(List.of("waves.png"), db.uploads().uploads(frank).stream().map(Upload::title).toList());
        Order order = db.orders().order(frank, 1).orElseThrow();
        assertEquals("order-old", order.idempotencyKey());
        assertEquals("COMPLETED", order.status());
        assertEquals("ind-1", order.items().get(0).indiciumId());
        assertEquals(LocalDate.of(2025, 1, 2), order.items().get(0).dateOfMailing());
    }

    /** The current code's writes work on the migrated schema: an order with addresses, a claim, a sign-in count. */
    private static void assertNewRowsCanBeWritten(PortalDatabase db) {
        long frank = userId(db);
        Order placed = db.orders().createOrder(frank, "CREDIT", null, "USD", "auto", 7L, List.of(OrderItem.of("LETTER",
                20, "94107", "10001", 82, LocalDate.now(), null)), 82).orElseThrow();
        assertEquals(5000 - 2 * 82, db.credit().balance(frank));
        Instant now = Instant.now();
        assertEquals(List.of(placed.id()), db.orders().unclaimedPendingCreditOrders(now.minusSeconds(60), now, 10));
        assertTrue(db.orders().claimOrder(placed.id(), "node-a", now.plusSeconds(60)).isPresent());
        assertTrue(db.users().countSignInAttempt(List.of(new UserStore.SignInSubject("name:frank", 5)),
                Duration.ofMinutes(15), now).isEmpty());
    }

    private static long userId(PortalDatabase db) {
        return db.users().findUser("frank").orElseThrow().id();
    }

    private List<String> history() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT \"version\", \"type\", \"success\" FROM \"" + PortalDatabase.HISTORY_TABLE
                        + "\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                assertTrue(rs.getBoolean(3));
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    private List<String> columns(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getColumns(null, "PUBLIC", table, null)) {
            while (rs.next()) {
                out.add(rs.getString("COLUMN_NAME"));
            }
        }
        return out;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("portal") + ";DB_CLOSE_ON_EXIT=FALSE", "portal", "");
    }
}
