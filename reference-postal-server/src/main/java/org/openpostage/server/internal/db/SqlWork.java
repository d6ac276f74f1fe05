package org.openpostage.server.internal.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done on one connection. Inside {@link Database#transaction} it may run more than once
 * (after a serialization failure), so it must have no effect outside the database.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {
    /** Does the work on {@code connection}. */
    T run(Connection connection) throws SQLException;
}
