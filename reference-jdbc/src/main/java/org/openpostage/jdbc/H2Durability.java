package org.openpostage.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what an embedded H2 database committed durable before the caller goes on.
 *
 * <p>H2's store (MVStore) keeps committed changes in memory and writes them to its file in the
 * background, every {@code WRITE_DELAY} (500 ms by default). A process killed in between loses
 * transactions it had committed: a postal server would have handed out indicia that its ledger
 * then forgets, and sell their serials again ({@code KilledNodeTest}); a portal would forget the
 * store credit it took. A PostgreSQL commit is durable by itself (synchronous commit), so this
 * applies to an embedded H2 file database only ({@link #appliesTo}).
 *
 * <p>The rules:
 * <ul>
 *   <li>{@link #afterCommit} returns only after a checkpoint that began after it was called: H2
 *       writes every change it holds to its file, waits until every write begun before has ended,
 *       and forces the file to the disk, as PostgreSQL forces its log at a commit. A caller calls it
 *       after its commit and before anything of its transaction leaves the process (an answer, a
 *       call to another system).</li>
 *   <li>Callers share checkpoints (a group commit): one runs at a time, on a connection of its own,
 *       and covers every commit that ended before it began; a caller whose commit ended while one was
 *       running waits for it to end and then runs the next one, for itself and for everyone who
 *       queued meanwhile.</li>
 *   <li>A checkpoint that fails fails the caller that ran it with the exception the application
 *       chose (the postal server's is retryable); those who waited on it try once more themselves.
 *       Their transactions committed, but may not be on disk: the caller must treat them as it treats
 *       a connection lost during a commit (the postal server: a retry with the same idempotency key
 *       replays what survived, or runs afresh).</li>
 *   <li>The checkpoint is not the SQL {@code CHECKPOINT SYNC}: that writes what is not yet written
 *       and forces the file, but does not wait for a write H2's background writer began a moment
 *       before on threads of its own, which may hold the very commit the caller asks about. So it
 *       calls the store (MVStore) itself: {@code commit()}, then {@code sync()} inside
 *       {@code FileStore.executeFileStoreOperation}, which first waits for those writes. These are
 *       H2's internal classes (checked against H2 2.5.252): an upgrade that changes them breaks the
 *       build, not the guarantee.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class H2Durability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Durability.class);

    private final String url;
    private final String user;
    private final String password;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    /** Commits that asked to be made durable, numbered from 1. */
    private long asked;
    /** Every commit numbered up to this one is on disk. */
    private long durable;
    private boolean running;
    /** Used only by the one caller running a checkpoint. */
    private Connection connection;
    private boolean closed;
    private final Supplier<? extends RuntimeException> failure;

    /**
     * Checkpoints the database at {@code url} (an embedded H2 file: {@link #appliesTo}) on a
     * connection of its own, opened when first needed; a failed checkpoint throws what
     * {@code failure} makes.
     */
    public H2Durability(String url, String user, String password, Supplier<? extends RuntimeException> failure) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /**
     * Whether {@code jdbcUrl} is an embedded H2 database kept in a file ({@code jdbc:h2:file:...} or
     * {@code jdbc:h2:/path}), whose commits need {@link #afterCommit} to be durable; not an
     * in-memory one, nor one served by an H2 server ({@code tcp:}, {@code ssl:}), nor another database.
     */
    public static boolean appliesTo(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:")
                && !url.startsWith("jdbc:h2:ssl:");
    }

    /**
     * Returns once everything committed before this call is on disk.
     *
     * @throws RuntimeException what the application's {@code failure} makes, if the checkpoint this
     *                          call ran failed
     */
    public void afterCommit() {
        long upTo;
        lock.lock();
        try {
            long ticket = ++asked;
            while (running && durable < ticket) {
                ended.awaitUninterruptibly();
            }
            if (durable >= ticket) {
                return;
            }
            running = true;
            upTo = asked;
        } finally {
            lock.unlock();
        }
        boolean done = false;
        // H2 waits for its writes only on a thread that is not interrupted: an interrupted one returns
        // from those waits at once, and forcing the file from it closes the file for every session.
        boolean interrupted = Thread.interrupted();
        try {
            checkpoint();
            done = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            lock.lock();
            try {
                running = false;
                if (done) {
                    durable = Math.max(durable, upTo);
                }
                ended.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void checkpoint() {
        if (closed) {
            throw failure.get();
        }
        try {
            MVStore store = store();
            // What is not yet written, written now in this thread; then, once every write begun
            // before has ended (the background writer's too), the file forced to the disk.
            store.commit();
            FileStore<?> file = store.getFileStore();
            file.executeFileStoreOperation(file::sync);
            // A write that failed on H2's own threads records its failure there and lets the waits
            // above end as if it had been written.
            if (store.getPanicException() != null || store.isClosed()) {
                throw new IllegalStateException("the store failed or closed",
                        store.getPanicException());
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("the database could not write its changes to disk ({})", e instanceof SQLException q
                    ? "SQLSTATE " + q.getSQLState() : e.getClass().getSimpleName());
            closeConnection();
            throw failure.get();
        }
    }

    /** The store of the database, reached through a connection of its own that keeps it open. */
    private MVStore store() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(url, user, password);
        }
        SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the checkpoint connection: SQLSTATE {}", e.getSQLState());
            }
            connection = null;
        }
    }

    /** Closes the checkpoint's connection, once no checkpoint runs. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            while (running) {
                ended.awaitUninterruptibly();
            }
            closeConnection();
        } finally {
            lock.unlock();
        }
    }
}
