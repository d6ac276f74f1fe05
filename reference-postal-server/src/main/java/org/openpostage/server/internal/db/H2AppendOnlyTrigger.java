package org.openpostage.server.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * The H2 trigger that makes the journal append-only: any UPDATE or DELETE of a journal row fails.
 * PostgreSQL has the same rule as a PL/pgSQL trigger (see the {@code postgresql} migrations).
 */
public final class H2AppendOnlyTrigger implements Trigger {
    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        throw new SQLException("the journal is append-only: " + (newRow == null ? "DELETE" : "UPDATE")
                + " is not allowed", "P0001");
    }
}
