package org.openpostage.server.internal.db;

import java.sql.SQLException;

/** A database failure the caller cannot fix: the ledger is unreachable or a statement failed. */
public final class DataAccessException extends RuntimeException {
    /** Wraps {@code cause}, naming the work that failed. */
    public DataAccessException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage() + " (SQLSTATE " + cause.getSQLState() + ")", cause);
    }

    /** The SQLSTATE of the underlying failure, or {@code null}. */
    public String sqlState() {
        return getCause() instanceof SQLException e ? e.getSQLState() : null;
    }
}
