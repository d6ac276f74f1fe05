package org.openpostage.transport.grpc.internal.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps grpc-netty's per-connection failure logs to one line each and at most one a second.
 *
 * <p>grpc-netty reports every connection that breaks the protocol (a message or metadata over the
 * limit, a client that does not speak HTTP/2, a reset) through {@code java.util.logging}, with the
 * full stack trace, so any unauthenticated client could flood the log. This filter, set on the
 * loggers grpc-netty uses for them, turns each such record into one line naming the exception, and
 * lets through one record a second per logger, the next one counting what it suppressed. The
 * records still go wherever {@code java.util.logging} is routed (to SLF4J in the reference server).
 */
public final class ConnectionLogs implements Filter {
    /** The loggers grpc-netty reports connection failures to; kept here so their filters are not collected. */
    private static final List<Logger> LOGGERS = List.of(
            Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections"),
            Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport"),
            Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler"));
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final AtomicLong last = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
    private final AtomicInteger suppressed = new AtomicInteger();

    private ConnectionLogs() {
    }

    /** Sets the filter on grpc-netty's connection loggers (once; later calls do nothing). */
    public static synchronized void install() {
        for (Logger logger : LOGGERS) {
            if (!(logger.getFilter() instanceof ConnectionLogs)) {
                logger.setFilter(new ConnectionLogs());
            }
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() < Level.INFO.intValue()) {
            return oneLine(record);
        }
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous < INTERVAL_NANOS || !last.compareAndSet(previous, now)) {
            suppressed.incrementAndGet();
            return false;
        }
        oneLine(record);
        int dropped = suppressed.getAndSet(0);
        if (dropped > 0) {
            record.setMessage(record.getMessage() + " (" + dropped + " similar record(s) suppressed)");
        }
        return true;
    }

    /** Rewrites {@code record} as one line naming its exception, without the stack trace. */
    private static boolean oneLine(LogRecord record) {
        String message = new SimpleFormatter().formatMessage(record);
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            message = message + ": " + thrown.getClass().getSimpleName()
                    + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage());
            record.setThrown(null);
        }
        record.setMessage(message.strip().replaceAll("\\s*\\R\\s*", " | "));
        record.setParameters(null);
        return true;
    }
}
