package org.openpostage.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh ledger database for one test: an H2 file in a temporary directory, or a new schema in
 * the local PostgreSQL database {@code test} (skipped when none answers), dropped by {@link #close()}.
 */
final class TestDatabase implements AutoCloseable {
    static final String PG_BASE = "jdbc:postgresql://127.0.0.1:5432/test";

    enum Kind { H2, POSTGRESQL }

    final Kind kind;
    final String url;
    final String user;
    private final String schema;

    private TestDatabase(Kind kind, String url, String user, String schema) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.schema = schema;
    }

    static TestDatabase h2(Path dir) {
        return new TestDatabase(Kind.H2, "jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath() + ";LOCK_TIMEOUT=10000",
                null, null);
    }

    /** A fresh PostgreSQL schema; the calling test is skipped when PostgreSQL does not answer. */
    static TestDatabase postgres() {
        Assumptions.assumeTrue(postgresAnswers(), "PostgreSQL does not answer on 127.0.0.1:5432");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(PG_BASE, "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            Assumptions.abort("cannot create a PostgreSQL schema: " + e.getMessage());
        }
        return new TestDatabase(Kind.POSTGRESQL, PG_BASE + "?currentSchema=" + schema, "postgres", schema);
    }

    static TestDatabase of(Kind kind, Path dir) {
        return kind == Kind.H2 ? h2(dir) : postgres();
    }

    static boolean postgresAnswers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 300);
        } catch (IOException e) {
            return false;
        }
        try (Connection c = DriverManager.getConnection(PG_BASE, "postgres", null)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, null);
    }

    @Override
    public void close() {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG_BASE, "postgres", null); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop schema " + schema, e);
            }
        }
    }
}
