package org.openpostage.portal.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The JDBC plumbing the stores share: statements with bound arguments, generated keys, instants. */
final class Jdbc {
    /** The SQL state of a unique or primary key violation. */
    static final String DUPLICATE_KEY = "23505";

    private Jdbc() {
    }

    /** Runs an INSERT of {@code sql} with {@code args} and returns the generated id. */
    static long insert(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** {@code sql} prepared with {@code args} bound; the caller closes it. */
    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        bind(ps, args);
        return ps;
    }

    /** Runs an UPDATE or DELETE of {@code sql} with {@code args}; returns how many rows it changed. */
    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Binds the arguments; an {@link Instant} as an {@link OffsetDateTime} at UTC, which a
     * {@code TIMESTAMP WITH TIME ZONE} column keeps exactly. (A {@code java.sql.Timestamp} goes
     * through the session's local time and comes back an hour off in a daylight-saving overlap.)
     */
    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            ps.setObject(i + 1, a instanceof Instant t ? t.atOffset(ZoneOffset.UTC) : a);
        }
    }

    /** The {@code TIMESTAMP WITH TIME ZONE} in {@code column}, or {@code null}. */
    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
