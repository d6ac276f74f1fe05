package org.openpostage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction template against real conflicts in an H2 database: a deadlock between two
 * transactions is rolled back and run again, so both commit once; a conflict that never passes
 * ends after the bounded number of attempts; other failures are not retried.
 */
class TransactionsTest {
    @TempDir
    Path dir;

    private JdbcConnectionPool pool;
    private Transactions tx;

    @BeforeEach
    void open() throws SQLException {
        // A short lock timeout, so the test of a lock that never comes free takes a second, not 100.
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("tx") + ";LOCK_TIMEOUT=100", "portal", "");
        tx = new Transactions(pool, new WordedFailures());
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)");
            s.execute("INSERT INTO counters VALUES (1, 0), (2, 0)");
        }
    }

    @AfterEach
    void close() {
        pool.dispose();
    }

    @Test
    void aDeadlockIsRolledBackAndRunAgainSoBothTransactionsCommitOnce() throws Exception {
        CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> one = threads.submit(() -> tx.run("count 1 then 2", c -> bump(c, 1, 2, bothHoldOneRow, attempts)));
            Future<Integer> two = threads.submit(() -> tx.run("count 2 then 1", c -> bump(c, 2, 1, bothHoldOneRow, attempts)));
            assertEquals(1, one.get(30, TimeUnit.SECONDS));
            assertEquals(1, two.get(30, TimeUnit.SECONDS));
        } finally {
            threads.shutdownNow();
        }
        // Each transaction counted both rows once: the one that lost the deadlock was rolled back
        // (its first count undone) and ran again.
        assertEquals(List.of(2, 2), counts());
        assertTrue(attempts.get() >= 3, "a deadlock made one transaction run again: " + attempts.get() + " attempts");
    }

    /**
     * Locks and counts row {@code first}, then (on the first attempts of both transactions, once
     * both hold their first row) row {@code second}: the two wait for each other.
     */
    private static int bump(Connection c, int first, int second, CyclicBarrier bothHoldOneRow, AtomicInteger attempts)
            throws SQLException {
        boolean firstTry = attempts.incrementAndGet() <= 2; // the two first attempts run together
        increment(c, first);
        if (firstTry) {
            try {
                bothHoldOneRow.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other transaction did not take its row", e);
            }
        }
        increment(c, second);
        return 1;
    }

    private static void increment(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n FROM counters WHERE id = ? FOR UPDATE")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
    }

    @Test
    void aConflictThatNeverPassesEndsAfterTenAttemptsAsTheApplicationSaysBusy() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (Connection holder = pool.getConnection()) {
            holder.setAutoCommit(false);
            increment(holder, 1); // row 1 stays locked until the end of the test
            WordedFailures.Failed e = assertThrows(WordedFailures.Failed.class, () -> tx.run("count 1", c -> {
                attempts.incrementAndGet();
                increment(c, 1);
                return null;
            }));
            assertEquals(Transactions.MAX_ATTEMPTS, attempts.get());
            assertEquals("busy: count 1 conflicted 10 times (SQLSTATE HYT00)", e.getMessage());
            holder.rollback();
        }
        assertEquals(List.of(0, 0), counts(), "nothing was counted");
    }

    @Test
    void otherFailuresAreNotRetriedAndRollBackAsTheApplicationSaysFailed() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        WordedFailures.Failed e = assertThrows(WordedFailures.Failed.class, () -> tx.run("insert twice", c -> {
            attempts.incrementAndGet();
            increment(c, 2);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO counters VALUES (1, 5)"); // a duplicate key: 23505
            }
            return null;
        }));
        assertEquals(1, attempts.get());
        assertTrue(e.getMessage().startsWith("failed: insert twice: "), e.getMessage());
        assertEquals(List.of(0, 0), counts(), "the count of row 2 was rolled back");
    }

    private List<Integer> counts() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM counters ORDER BY id")) {
            rs.next();
            int first = rs.getInt(1);
            rs.next();
            return List.of(first, rs.getInt(1));
        }
    }

    /** The application's words for a transaction that did not commit, as the server and the portal give theirs. */
    private static final class WordedFailures implements Transactions.Failures {
        static final class Failed extends RuntimeException {
            Failed(String message, Throwable cause) {
                super(message, cause);
            }
        }

        @Override
        public RuntimeException busy(String what, int attempts, SQLException last) {
            return new Failed("busy: " + what + " conflicted " + attempts + " times (SQLSTATE " + last.getSQLState() + ")",
                    last);
        }

        @Override
        public RuntimeException failed(String what, SQLException e) {
            return new Failed("failed: " + what + ": " + e.getMessage(), e);
        }

        @Override
        public RuntimeException interrupted(String what, InterruptedException e) {
            return new Failed("interrupted: " + what, e);
        }
    }
}
