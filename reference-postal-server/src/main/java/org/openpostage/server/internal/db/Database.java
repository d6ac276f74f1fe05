package org.openpostage.server.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.jdbc.H2Durability;
import org.openpostage.jdbc.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger database: a HikariCP pool, Flyway migrations, and transactions that are retried on
 * serialization failures.
 *
 * <p>Transactions run at READ COMMITTED; code that must serialize (debits of one meter) takes
 * row locks with {@code SELECT ... FOR UPDATE}. They run through the template the portal uses too
 * ({@link Transactions}): a transaction that fails with SQLSTATE 40001 (serialization failure) or
 * 40P01 (deadlock), or with an H2 lock timeout, is rolled back and run again after a short random
 * backoff.
 *
 * <p>What {@link #transaction} and {@link #write} committed is on disk when they return: on
 * PostgreSQL by its commit, on an embedded H2 file by a checkpoint shared with the other callers
 * ({@link H2Durability}). {@link #read} promises nothing of the kind: it is for reads.
 */
public final class Database implements AutoCloseable {
    /** The database products the server runs on. */
    public enum Vendor {
        /** H2, embedded: the default, nothing to install. */
        H2("h2"),
        /** PostgreSQL: for production and for several server nodes sharing one ledger. */
        POSTGRESQL("postgresql");

        private final String migrationFolder;

        Vendor(String migrationFolder) {
            this.migrationFolder = migrationFolder;
        }

        static Vendor of(String jdbcUrl) {
            String url = jdbcUrl.toLowerCase(Locale.ROOT);
            if (url.startsWith("jdbc:h2:")) {
                return H2;
            }
            if (url.startsWith("jdbc:postgresql:")) {
                return POSTGRESQL;
            }
            throw new IllegalArgumentException("unsupported JDBC URL: only jdbc:h2: and jdbc:postgresql: are supported");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /** How a ledger transaction that did not commit reaches the caller. */
    private static final Transactions.Failures LEDGER_FAILURES = new Transactions.Failures() {
        @Override
        public RuntimeException busy(String what, int attempts, SQLException last) {
            return new ServiceUnavailableException("the ledger is busy (" + what + " conflicted " + attempts
                    + " times); retry with the same idempotency key");
        }

        @Override
        public RuntimeException failed(String what, SQLException e) {
            return new DataAccessException(what, e);
        }

        @Override
        public RuntimeException interrupted(String what, InterruptedException e) {
            return new ServiceUnavailableException("interrupted while retrying a ledger transaction");
        }
    };

    private final HikariDataSource dataSource;
    private final Transactions transactions;
    private final Vendor vendor;
    private final String url;
    private final String user;
    private final String password;
    /** For an embedded H2 file: commits are written to disk before the caller goes on; else {@code null}. */
    private final H2Durability durability;
    private volatile io.opentelemetry.api.trace.Tracer tracer =
            io.opentelemetry.api.OpenTelemetry.noop().getTracer("org.openpostage.server");

    private Database(HikariDataSource dataSource, Vendor vendor, String url, String user, String password) {
        this.dataSource = dataSource;
        this.transactions = new Transactions(dataSource, LEDGER_FAILURES);
        this.vendor = vendor;
        this.url = url;
        this.user = user;
        this.password = password;
        this.durability = H2Durability.appliesTo(url) ? new H2Durability(url, user, password,
                () -> new ServiceUnavailableException("the ledger could not write its changes to disk; retry with the"
                        + " same idempotency key")) : null;
    }

    /** Starts a {@link HealthProbe} of this database, on a connection of its own; the caller closes it. */
    public HealthProbe healthProbe() {
        return new HealthProbe(url, user, password, vendor, dataSource.getPoolName());
    }

    /**
     * Opens a pool on {@code jdbcUrl}.
     *
     * @throws IllegalArgumentException if the URL is neither H2 nor PostgreSQL
     */
    public static Database open(String jdbcUrl, String user, String password, int poolSize, String poolName) {
        return open(jdbcUrl, user, password, poolSize, poolName, null);
    }

    /**
     * Opens a pool on {@code jdbcUrl} whose connections are measured in {@code registry} (HikariCP's
     * {@code hikaricp.connections.*} meters), or in none when it is {@code null}.
     *
     * @throws IllegalArgumentException if the URL is neither H2 nor PostgreSQL
     */
    public static Database open(String jdbcUrl, String user, String password, int poolSize, String poolName,
                                io.micrometer.core.instrument.MeterRegistry registry) {
        Vendor vendor = Vendor.of(jdbcUrl);
        Path h2File = h2File(jdbcUrl);
        ownerOnly(h2File, true);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setPoolName(poolName);
        hc.setAutoCommit(true);
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (vendor == Vendor.POSTGRESQL) {
            // Exception messages leave out the server's DETAIL ("Failing row contains (...)"), which quotes
            // a failing row's values: an indicium's bytes must never reach a log or a stored message.
            hc.addDataSourceProperty("logServerErrorDetail", "false");
            // Batched INSERTs (a batch's indicia, purchases, journal entries and keys) go to the server
            // as multi-row INSERTs: 21 % more indicia per second in batches of 500 (docs/performance.md).
            // The driver then reports their update counts as SUCCESS_NO_INFO; no caller reads them.
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        if (registry != null) {
            hc.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
        }
        Database db = new Database(new HikariDataSource(hc), vendor, jdbcUrl, user, password);
        ownerOnly(h2File, false);
        return db;
    }

    /**
     * The {@code .mv.db} file of an H2 file database URL ({@code jdbc:h2:file:/dir/ledger;...} or
     * {@code jdbc:h2:/dir/ledger}), or {@code null} for other databases.
     */
    static Path h2File(String jdbcUrl) {
        if (!H2Durability.appliesTo(jdbcUrl)) {
            return null;
        }
        String rest = jdbcUrl.substring("jdbc:h2:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int semicolon = rest.indexOf(';');
        String base = semicolon < 0 ? rest : rest.substring(0, semicolon);
        try {
            return base.isBlank() ? null : Path.of(base + ".mv.db");
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * Keeps the ledger's H2 file owner-only, like the server's other secrets: it holds the
     * registers and the API key hashes. Before opening, a missing file is created empty with those
     * permissions (H2 starts a new store in it); after opening, an existing one is restricted.
     */
    private static void ownerOnly(Path file, boolean beforeOpening) {
        if (file == null || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            if (beforeOpening) {
                Path parent = file.toAbsolutePath().getParent();
                if (!Files.exists(file) && parent != null && Files.isDirectory(parent)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
                }
            } else if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, ownerOnly);
            }
        } catch (IOException e) {
            log.warn("cannot make {} owner-only: {}", file, e.getMessage());
        }
    }

    /** Applies the pending Flyway migrations: the common schema and this vendor's extras. */
    public void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor.migrationFolder)
                .load()
                .migrate();
    }

    /** The database product. */
    public Vendor vendor() {
        return vendor;
    }

    /** The pooled data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in one transaction and commits it. Retries the whole transaction after a
     * serialization failure or deadlock, up to {@value Transactions#MAX_ATTEMPTS} attempts; any other
     * failure rolls back and propagates (an {@link SQLException} as a {@link DataAccessException}).
     * Returns once the commit is on disk.
     *
     * @throws ServiceUnavailableException if the transaction still conflicts after every attempt, or
     *         if its commit could not be written to disk (it may survive: retry with the same key)
     */
    public <T> T transaction(String what, SqlWork<T> work) {
        T result = stagedTransaction(what, work);
        durable();
        return result;
    }

    /**
     * Runs {@code work} in one transaction, as {@link #transaction} does, but may return before its
     * commit is on disk: only for a caller that, before anything of this transaction leaves the node
     * (an answer, a call to a card gateway), commits again with {@link #transaction} or
     * {@link #write}, or calls {@link #durable}. That later step brings this commit to disk with it:
     * a database writes what was committed in the order it was committed. A purchase's debit is
     * staged this way, for the transaction that stores its signatures follows it before the answer.
     */
    public <T> T stagedTransaction(String what, SqlWork<T> work) {
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder("ledger " + what).setAttribute("db.system",
                vendor.migrationFolder).startSpan();
        try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
            return transactions.run(what, work::run);
        } catch (RuntimeException e) {
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Returns once everything committed so far is on disk (at once on PostgreSQL, whose commits are).
     *
     * @throws ServiceUnavailableException if it could not be written to disk
     */
    public void durable() {
        if (durability != null) {
            durability.afterCommit();
        }
    }

    /** Reports each transaction as a span of {@code tracer} ({@code ledger <what>}) from now on. */
    public void observe(io.opentelemetry.api.trace.Tracer tracer) {
        this.tracer = java.util.Objects.requireNonNull(tracer, "tracer");
    }

    /** Runs {@code work} on one connection in auto-commit mode: for reads. */
    public <T> T read(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException(what, e);
        }
    }

    /**
     * Runs {@code work} on one connection in auto-commit mode, for statements that write each on
     * their own, and returns once what they wrote is on disk.
     *
     * @throws ServiceUnavailableException if what was written could not be written to disk
     */
    public <T> T write(String what, SqlWork<T> work) {
        T result = read(what, work);
        durable();
        return result;
    }

    @Override
    public void close() {
        if (durability != null) {
            durability.close();
        }
        dataSource.close();
    }
}
