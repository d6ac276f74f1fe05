package org.openpostage.server.internal.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the ledger database answers, known at any moment without waiting for it: what
 * {@code GET /health}, the gRPC health service and load balancers ask.
 *
 * <p>A thread of its own asks the database every {@link #PERIOD} over a connection of its own
 * (not the pool's, whose 10 s connection timeout and busy connections have nothing to do with
 * health), with short timeouts of its own: {@link #TIMEOUT} to connect, to log in and for the
 * check. {@link #healthy()} only reads the last answer, so it never blocks; an answer older than
 * {@link #STALE_AFTER} counts as no answer. With a PostgreSQL multi-host URL
 * ({@code targetServerType=primary}) a broken probe connection is opened again to whichever host is
 * the primary now.
 */
public final class HealthProbe implements AutoCloseable {
    /** How often the database is asked. */
    public static final Duration PERIOD = Duration.ofMillis(500);
    /** The probe's own limit for connecting, logging in and checking. */
    public static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** An answer older than this counts as none. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(HealthProbe.class);

    private final String url;
    private final Properties properties = new Properties();
    private final ScheduledExecutorService timer;
    private Connection connection; // the probe thread's only
    private volatile boolean answering;
    private volatile long answeredAt;

    HealthProbe(String url, String user, String password, Database.Vendor vendor, String name) {
        this.url = url;
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        if (vendor == Database.Vendor.POSTGRESQL) {
            String seconds = Long.toString(TIMEOUT.toSeconds());
            properties.setProperty("connectTimeout", seconds);
            properties.setProperty("loginTimeout", seconds);
            properties.setProperty("socketTimeout", Long.toString(TIMEOUT.toSeconds() * 2));
            properties.setProperty("ApplicationName", "openpostage-health");
            properties.setProperty("logServerErrorDetail", "false");
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openpostage-health-" + name);
            t.setDaemon(true);
            return t;
        });
        check();
        timer.scheduleWithFixedDelay(this::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the database answered the last check, made less than {@link #STALE_AFTER} ago. Never blocks. */
    public boolean healthy() {
        return answering && System.nanoTime() - answeredAt < STALE_AFTER.toNanos();
    }

    private void check() {
        boolean ok;
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url, properties);
            }
            ok = connection.isValid((int) TIMEOUT.toSeconds());
        } catch (SQLException | RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            closeConnection();
        }
        if (ok != answering) {
            if (ok) {
                log.info("health: the ledger database answers");
            } else {
                log.warn("health: the ledger database does not answer within {} ms: NOT_SERVING", TIMEOUT.toMillis());
            }
        }
        answeredAt = System.nanoTime();
        answering = ok;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        answering = false;
        timer.shutdownNow();
        try {
            timer.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
