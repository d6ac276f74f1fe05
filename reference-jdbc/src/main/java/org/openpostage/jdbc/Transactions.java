package org.openpostage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the reference postal server and the reference portal run a JDBC transaction: it
 * commits, or rolls back on any failure, and is run again after a serialization failure or a
 * deadlock.
 *
 * <p>A transaction that fails with SQLSTATE 40001 (serialization failure) or 40P01 (deadlock),
 * or with an H2 lock timeout (HYT00), is rolled back and run again after a short random backoff
 * (up to 200 ms), up to {@value #MAX_ATTEMPTS} attempts. The work must therefore be safe to run
 * again: it reads what it decides on inside the transaction and has no effect outside the
 * database. Any other failure rolls back and is not retried. How a failure reaches the caller is
 * the application's ({@link Failures}): the server answers that the ledger is busy, the portal
 * that its database is. Given an {@code afterCommit} step ({@link H2Durability#afterCommit} for an
 * embedded H2 file), {@link #run} returns only after it, once the connection is back in the pool.
 * Thread-safe.
 */
public final class Transactions {
    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work on {@code c}, which is in a transaction; the template commits or rolls back. */
        T run(Connection c) throws SQLException;
    }

    /** How the application reports a transaction that did not commit. */
    public interface Failures {
        /** The transaction {@code what} still conflicted after {@code attempts} attempts. */
        RuntimeException busy(String what, int attempts, SQLException last);

        /** The transaction {@code what} failed with {@code e}, which a retry would not cure. */
        RuntimeException failed(String what, SQLException e);

        /** The thread was interrupted while waiting to run {@code what} again. */
        RuntimeException interrupted(String what, InterruptedException e);
    }

    /** SQLSTATEs after which a transaction is run again. HYT00 is H2's lock timeout. */
    public static final Set<String> RETRYABLE_SQLSTATES = Set.of("40001", "40P01", "HYT00");
    /** How many times a transaction is run at most. */
    public static final int MAX_ATTEMPTS = 10;

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final DataSource dataSource;
    private final Failures failures;
    private final Runnable afterCommit;

    /** A template over connections of {@code dataSource}, reporting failures through {@code failures}. */
    public Transactions(DataSource dataSource, Failures failures) {
        this(dataSource, failures, () -> { });
    }

    /**
     * A template that runs {@code afterCommit} after every commit, before {@link #run} returns: what
     * makes the commit durable where the database's own commit does not ({@link H2Durability}).
     */
    public Transactions(DataSource dataSource, Failures failures, Runnable afterCommit) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
    }

    /**
     * Runs {@code work} in one transaction and commits it, running it again after a conflict.
     *
     * @param what what the work does, for the log and the error ("create order")
     * @throws RuntimeException from {@link Failures} when it did not commit; a runtime exception
     *                          of {@code work} after the rollback, as it is; what the
     *                          {@code afterCommit} step throws, after the commit
     */
    public <T> T run(String what, Work<T> work) {
        T result = commit(what, work);
        afterCommit.run();
        return result;
    }

    private <T> T commit(String what, Work<T> work) {
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
                // The pool restores auto-commit when the connection goes back to it.
            } catch (SQLException e) {
                if (!isRetryable(e)) {
                    throw failures.failed(what, e);
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw failures.busy(what, attempt, e);
                }
                log.debug("{}: transaction conflict (SQLSTATE {}), attempt {} of {}", what, e.getSQLState(), attempt,
                        MAX_ATTEMPTS);
                try {
                    Thread.sleep(backoffMillis(attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failures.interrupted(what, interrupted);
                }
            }
        }
    }

    /** Whether {@code e} (or an exception it wraps) is a conflict that running again may get past. */
    public static boolean isRetryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && RETRYABLE_SQLSTATES.contains(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static long backoffMillis(int attempt) {
        long cap = Math.min(200, 2L << Math.min(attempt, 7));
        return ThreadLocalRandom.current().nextLong(1, cap + 1);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.warn("rollback failed: {}", e.getMessage());
        }
    }
}
