package org.openpostage.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct reads of the ledger database, independent of the code under test. */
final class Rows {
    private Rows() {
    }

    /** The first column of a row, read while the result set is open. */
    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    static long count(TestDatabase db, String sql, Object... args) {
        Long n = first(db, sql, rs -> rs.getLong(1), args);
        return n == null ? 0 : n;
    }

    static String text(TestDatabase db, String sql, Object... args) {
        return first(db, sql, rs -> rs.getString(1), args);
    }

    static byte[] bytes(TestDatabase db, String sql, Object... args) {
        return first(db, sql, rs -> rs.getBytes(1), args);
    }

    /** Changes rows the way a node that stopped half-way would have left them; returns how many. */
    static int update(TestDatabase db, String sql, Object... args) {
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** {@code column} of the query's first row, or {@code null} if it has none. */
    private static <T> T first(TestDatabase db, String sql, Column<T> column, Object... args) {
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, args);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? column.read(rs) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
