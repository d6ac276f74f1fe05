package org.openpostage.portal.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the portal's stores run SQL: a transaction that commits, or rolls back on any
 * failure, and is run again after a serialization failure or deadlock.
 *
 * <p>The rule is the postal server's ({@code internal.db.Database}), kept in words and numbers
 * but not shared, since the portal must not depend on the server: a transaction that fails with
 * SQLSTATE 40001 (serialization failure) or 40P01 (deadlock), or with an H2 lock timeout (HYT00),
 * is rolled back and run again after a short random backoff, up to {@value #MAX_ATTEMPTS}
 * attempts. The work must therefore be safe to run again: it reads what it decides on inside the
 * transaction and has no effect outside the database.
 */
final class Transactions {
    /** Work done in one transaction. */
    @FunctionalInterface
    interface Work<T> {
        /** Does the work on {@code c}, which is in a transaction; the template commits or rolls back. */
        T run(Connection c) throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);
    /** SQLSTATEs after which a transaction is retried. HYT00 is H2's lock timeout. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "HYT00");
    static final int MAX_ATTEMPTS = 10;

    private final DataSource dataSource;

    Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code work} in one transaction and commits it. Retries the whole transaction after a
     * serialization failure or deadlock, up to {@value #MAX_ATTEMPTS} attempts; any other failure
     * rolls back and propagates (an {@link SQLException} as a {@link StoreException}).
     *
     * @param what what the work does, for the log and the error ("create order")
     * @throws StoreException if the transaction failed, or still conflicts after every attempt
     */
    <T> T run(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < MAX_ATTEMPTS) {
                    log.debug("{}: transaction conflict (SQLSTATE {}), attempt {} of {}", what, e.getSQLState(),
                            attempt, MAX_ATTEMPTS);
                    backoff(attempt);
                    continue;
                }
                if (isRetryable(e)) {
                    throw new StoreException("the portal database is busy (" + what + " conflicted " + attempt
                            + " times); try again", e);
                }
                throw new StoreException("the portal database failed (" + what + "): " + e.getMessage(), e);
            }
        }
    }

    static boolean isRetryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && RETRYABLE.contains(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.warn("rollback failed: {}", e.getMessage());
        }
    }

    private static void backoff(int attempt) {
        long capMillis = Math.min(200, 2L << Math.min(attempt, 7));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, capMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a portal database transaction", e);
        }
    }
}
