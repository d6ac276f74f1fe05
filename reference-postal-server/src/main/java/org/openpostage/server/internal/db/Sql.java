package org.openpostage.server.internal.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Small JDBC helpers shared by the stores: binding arguments, running queries and updates, and
 * reading timestamps. The SQL the stores write is plain SQL that runs on H2 and PostgreSQL alike.
 */
public final class Sql {
    /** SQLSTATE of a unique or primary key violation, on H2 and PostgreSQL. */
    public static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** The first row of a query, mapped, or empty. */
    public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
            }
        }
    }

    /** Every row of a query, mapped. */
    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    /** A single {@code long} from a query such as {@code SELECT COUNT(*)}; 0 when there is no row or it is NULL. */
    public static long number(Connection c, String sql, Object... args) throws SQLException {
        return one(c, sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    /**
     * Binds {@code args} to {@code ps} in order. {@link Instant}s are bound as UTC
     * {@code TIMESTAMP WITH TIME ZONE}, enums by name, {@code null} as an untyped NULL.
     */
    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            int p = i + 1;
            if (a == null) {
                ps.setNull(p, Types.NULL);
            } else if (a instanceof Instant instant) {
                ps.setObject(p, instant.atOffset(ZoneOffset.UTC));
            } else if (a instanceof LocalDate date) {
                ps.setObject(p, date);
            } else if (a instanceof Enum<?> e) {
                ps.setString(p, e.name());
            } else if (a instanceof byte[] bytes) {
                ps.setBytes(p, bytes);
            } else if (a instanceof Long || a instanceof Integer || a instanceof String || a instanceof Boolean) {
                ps.setObject(p, a);
            } else {
                throw new IllegalArgumentException("cannot bind a " + a.getClass().getName());
            }
        }
    }

    /** The timestamp in column {@code column}, or {@code null}. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** The nullable {@code BIGINT} in column {@code column}. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** Whether {@code e} (or a chained cause) is a unique-key violation. */
    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
