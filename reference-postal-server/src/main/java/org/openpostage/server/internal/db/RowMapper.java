package org.openpostage.server.internal.db;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns the current row of a result set into a value.
 *
 * @param <T> the value
 */
@FunctionalInterface
public interface RowMapper<T> {
    /** The value of the current row. */
    T map(ResultSet row) throws SQLException;
}
