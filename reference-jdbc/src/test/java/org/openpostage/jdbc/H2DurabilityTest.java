package org.openpostage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits survive the process: a JVM that commits rows through {@link Transactions} and then dies
 * at once ({@code Runtime.halt}, which leaves H2 no chance to write what it holds, as
 * {@code kill -9} does) leaves every row on disk when its {@code afterCommit} is
 * {@link H2Durability#afterCommit}, and loses them without it: the control, which shows that the
 * test reaches the window it closes.
 */
class H2DurabilityTest {
    private static final int ROWS = 200;

    @TempDir
    Path dir;

    @Test
    void everyCommitIsOnDiskWhenTheProcessDiesRightAfterIt() throws Exception {
        String url = database();
        assertEquals(ROWS, committedInAChildThatDies(url, true), "the child's commits");
        assertEquals(ROWS, rows(url), "rows on disk after the process died");
    }

    @Test
    void withoutItTheCommitsOfTheLastMomentsAreLost() throws Exception {
        String url = database();
        assertEquals(ROWS, committedInAChildThatDies(url, false), "the child's commits");
        assertTrue(rows(url) < ROWS, "H2 kept every commit without a checkpoint: the test no longer shows the window");
    }

    @Test
    void concurrentCallersShareCheckpointsAndAllReturn() throws Exception {
        String url = database();
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        H2Durability durability = new H2Durability(url, "sa", "", () -> new IllegalStateException("not on disk"));
        Transactions tx = new Transactions(pool, new Child.Fail(), durability::afterCommit);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        int id = thread * 1000 + i;
                        tx.run("insert", c -> Child.insert(c, id));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            durability.close();
            pool.dispose();
        }
        assertEquals(400, rows(url));
    }

    @Test
    void aClosedDurabilityFailsWithTheApplicationsException() throws Exception {
        H2Durability durability = new H2Durability(database(), "sa", "", () -> new IllegalStateException("not on disk"));
        durability.close();
        assertEquals("not on disk", assertThrows(IllegalStateException.class, durability::afterCommit).getMessage());
    }

    @Test
    void itAppliesToEmbeddedFilesOnly() {
        assertTrue(H2Durability.appliesTo("jdbc:h2:file:/var/lib/ledger;LOCK_TIMEOUT=10000"));
        assertTrue(H2Durability.appliesTo("jdbc:h2:/var/lib/ledger"));
        assertTrue(H2Durability.appliesTo("jdbc:h2:./ledger"));
        assertFalse(H2Durability.appliesTo("jdbc:h2:mem:test"));
        assertFalse(H2Durability.appliesTo("jdbc:h2:tcp://db:9092/ledger"));
        assertFalse(H2Durability.appliesTo("jdbc:h2:ssl://db:9092/ledger"));
        assertFalse(H2Durability.appliesTo("jdbc:postgresql://db/ledger"));
    }

    /** A database with the table, closed cleanly, whose background writer waits a minute. */
    private String database() throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        // A write delay of a minute: what the store holds stays in memory for the whole run unless
        // something writes it; the default 500 ms would only make the control less certain.
        return url + ";WRITE_DELAY=60000";
    }

    private static int rows(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Runs {@link Child} in a JVM of its own; returns how many commits it reported before it died. */
    private static int committedInAChildThatDies(String url, boolean durable) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), url, Integer.toString(ROWS), Boolean.toString(durable))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end: " + out);
        assertEquals(3, p.exitValue(), "the child died by halt(3): " + out);
        String last = out.lines().filter(l -> l.startsWith("committed ")).reduce((a, b) -> b).orElse("committed 0");
        return Integer.parseInt(last.substring("committed ".length()).strip());
    }

    /** The child: commits {@code rows} rows one transaction each, reports them, and halts. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            String url = args[0];
            int rows = Integer.parseInt(args[1]);
            boolean durable = Boolean.parseBoolean(args[2]);
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
            H2Durability durability = new H2Durability(url, "sa", "", () -> new IllegalStateException("not on disk"));
            Transactions tx = durable ? new Transactions(pool, new Fail(), durability::afterCommit)
                    : new Transactions(pool, new Fail());
            for (int i = 0; i < rows; i++) {
                int id = i;
                tx.run("insert", c -> insert(c, id));
            }
            System.out.println("committed " + rows);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }

        static int insert(Connection c, int id) throws SQLException {
            try (var ps = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, 'row')")) {
                ps.setInt(1, id);
                return ps.executeUpdate();
            }
        }

        /** Failures as plain exceptions. */
        static final class Fail implements Transactions.Failures {
            @Override
            public RuntimeException busy(String what, int attempts, SQLException last) {
                return new IllegalStateException(what + " busy", last);
            }

            @Override
            public RuntimeException failed(String what, SQLException e) {
                return new IllegalStateException(what + " failed", e);
            }

            @Override
            public RuntimeException interrupted(String what, InterruptedException e) {
                return new IllegalStateException(what + " interrupted", e);
            }
        }
    }
}
