package org.openpostage.portal.internal.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.openpostage.jdbc.H2Durability;
import org.openpostage.jdbc.Transactions;

/**
 * The portal's own embedded H2 database: its schema, kept by Flyway migrations
 * ({@code db/portal/V*.sql}, history in {@code portal_schema_history}), one
 * {@linkplain Transactions transaction template}, and a store per aggregate: {@link #users()}
 * (accounts and sign-in throttling), {@link #credit()} (the store-credit journal),
 * {@link #uploads()} (pictures) and {@link #orders()} (orders, their stamps, the background
 * resolver's claims). Card numbers and CVVs are never stored: an order keeps the card's brand and
 * last four digits only. Every query about a user's data is scoped to its owner. What a
 * transaction committed is on disk when it returns ({@link H2Durability}): a portal killed right
 * after an order keeps the credit it took for it.
 */
public final class PortalDatabase implements AutoCloseable {
    /** Flyway's history table of the portal's migrations. */
    static final String HISTORY_TABLE = "portal_schema_history";

    private final JdbcConnectionPool pool;
    private final H2Durability durability;
    private final UserStore users;
    private final CreditStore credit;
    private final UploadStore uploads;
    private final OrderStore orders;

    /** The database in {@code dataDir}, created on first use and migrated to the current schema. */
    public static PortalDatabase open(Path dataDir) {
        return open(dataDir, "");
    }

    /**
     * {@link #open(Path)} with more H2 settings appended to the URL ({@code ";NAME=value"}), for
     * tests that need a session setting such as another time zone.
     */
    static PortalDatabase open(Path dataDir, String settings) {
        // Row locks (sign-in counts, credit, claims) are held for milliseconds; a busy moment must
        // make a request wait, not fail, so the lock timeout is well above H2's 2 s default.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portal") + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";LOCK_TIMEOUT=10000" + settings;
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "portal", "");
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        return new PortalDatabase(pool, new H2Durability(url, "portal", "",
                () -> new StoreException("the portal database could not write its changes to disk; try again", null)));
    }

    /**
     * Applies the pending migrations. A database an earlier portal made before it used Flyway has
     * tables but no history: it is baselined at version 0, so V1 (written to change only what is
     * missing) runs on it and keeps its rows.
     */
    private static void migrate(JdbcConnectionPool pool) {
        Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/portal")
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("portal schema before Flyway")
                .load()
                .migrate();
    }

    /** How a transaction of the portal's stores that did not commit reaches the shop: a {@link StoreException}. */
    private static final Transactions.Failures STORE_FAILURES = new Transactions.Failures() {
        @Override
        public RuntimeException busy(String what, int attempts, SQLException last) {
            return new StoreException("the portal database is busy (" + what + " conflicted " + attempts
                    + " times); try again", last);
        }

        @Override
        public RuntimeException failed(String what, SQLException e) {
            return new StoreException("the portal database failed (" + what + "): " + e.getMessage(), e);
        }

        @Override
        public RuntimeException interrupted(String what, InterruptedException e) {
            return new StoreException("interrupted while retrying a portal database transaction", e);
        }
    };

    private PortalDatabase(JdbcConnectionPool pool, H2Durability durability) {
        this.pool = pool;
        this.durability = durability;
        Transactions tx = new Transactions(pool, STORE_FAILURES, durability::afterCommit);
        this.credit = new CreditStore(tx);
        this.users = new UserStore(tx);
        this.uploads = new UploadStore(tx);
        this.orders = new OrderStore(tx);
    }

    /** Users and their sign-in throttling. */
    public UserStore users() {
        return users;
    }

    /** Store credit. */
    public CreditStore credit() {
        return credit;
    }

    /** Uploaded pictures. */
    public UploadStore uploads() {
        return uploads;
    }

    /** Orders and their stamps. */
    public OrderStore orders() {
        return orders;
    }

    @Override
    public void close() {
        durability.close();
        pool.dispose();
    }
}
