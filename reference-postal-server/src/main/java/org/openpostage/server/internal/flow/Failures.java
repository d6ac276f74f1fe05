package org.openpostage.server.internal.flow;

import org.openpostage.api.ErrorCode;
import org.openpostage.api.PostageException;
import org.openpostage.api.ServiceUnavailableException;
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
