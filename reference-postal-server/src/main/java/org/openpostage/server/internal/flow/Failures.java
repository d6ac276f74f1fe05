package org.openpostage.server.internal.flow;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.server.internal.db.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any failure into the {@link PostageException} a caller receives: never a stack trace,
 * never a database message. Unexpected failures are logged here with their stack trace.
 */
public final class Failures {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /**
     * A one-line description of {@code e} safe to log and to store (a payment's failure message):
     * the code and message of a {@link PostageException} (texts this server wrote), the SQLSTATE of
     * a database failure, else the exception's class. Never a driver's message, which may quote the
     * values of a failing row (an indicium's bytes, say).
     */
    public static String describe(Throwable e) {
        if (e instanceof PostageException pe) {
            return pe.code() + ": " + pe.getMessage();
        }
        if (e instanceof DataAccessException dae) {
            return "the ledger database failed (SQLSTATE " + dae.sqlState() + ")";
        }
        return e.getClass().getSimpleName();
    }

    /**
     * Whether {@code e} is a failure that passes by itself, so that the same work may succeed when
     * done again: a retryable {@link PostageException} (the ledger busy, a claim lost), or a
     * database failure whose SQLSTATE says the connection or the server went away rather than the
     * statement being wrong: class 08 (connection exception), 57P01-57P03 (the server shut down or
     * is starting: a failover), 53 (insufficient resources), 25006 (a read-only transaction: a
     * standby answered), 40001 and 40P01 (serialization, deadlock), H2's lock timeout HYT00; and
     * the driver's own {@link SQLTransientException} and {@link SQLRecoverableException}.
     */
    public static boolean isTransient(Throwable e) {
        if (e instanceof PostageException pe) {
            return pe.retryable();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && transientState(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean transientState(String state) {
        return state.startsWith("08") || state.startsWith("53") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("25006") || state.equals("40001") || state.equals("40P01")
                || state.equals("HYT00");
    }

    /** {@code e} as the exception the caller receives. */
    public static PostageException toPostage(RuntimeException e, String operation, String requestId) {
        if (e instanceof PostageException pe) {
            return pe;
        }
        String where = requestId == null ? "" : " (request " + requestId + ")";
        if (e instanceof DataAccessException) {
            log.error("{} failed{}: the ledger database failed", operation, where, e);
            return new ServiceUnavailableException("the postal server's ledger is unavailable; retry later with the "
                    + "same idempotency key");
        }
        log.error("{} failed{}: unexpected error", operation, where, e);
        return new PostageException(ErrorCode.INTERNAL, "internal error in the postal server" + where
                + "; the operator's log has the details", null, null);
    }
}
