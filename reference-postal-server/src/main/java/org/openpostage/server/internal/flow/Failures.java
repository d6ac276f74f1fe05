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
