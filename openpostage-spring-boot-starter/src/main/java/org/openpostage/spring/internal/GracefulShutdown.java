package org.openpostage.spring.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openpostage.api.ClientInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Lets the client's running calls end before it is closed. Its {@link #interceptor()} counts the
 * calls in flight; when the application stops, {@link #stop()} waits until none is left, or at
 * most {@code limit} (the request timeout: no call outlives it). It stops in a phase after the web
 * server's graceful shutdown, so requests that are finishing may still call the postal server,
 * and the client bean itself is closed after every lifecycle has stopped. New calls are not
 * refused while it waits: a purchase that follows a quote in the same flow still goes through.
 */
public final class GracefulShutdown implements SmartLifecycle {
    /** After the web server (SmartLifecycle.DEFAULT_PHASE - 1024 and - 2048) and most other lifecycles. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private final Duration limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final AtomicBoolean running = new AtomicBoolean();
    private int inFlight;

    /** Waits at most {@code limit} for running calls when stopping. */
    public GracefulShutdown(Duration limit) {
        this.limit = limit;
    }

    /** Counts the calls that pass it; configure it outermost. */
    public ClientInterceptor interceptor() {
        return new ClientInterceptor() {
            @Override
            public <R> R interceptCall(Invocation<R> call) {
                enter();
                try {
                    return call.proceed();
                } finally {
                    leave();
                }
            }
        };
    }

    /** The calls running now. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        running.set(true);
    }

    /** Waits until no call is running, at most the limit. */
    @Override
    public void stop() {
        running.set(false);
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            if (inFlight > 0) {
                log.info("Waiting up to {} ms for {} OpenPostage call(s) to end", limit.toMillis(), inFlight);
            }
            long left = deadline - System.nanoTime();
            while (inFlight > 0) {
                if (left <= 0) {
                    log.warn("{} OpenPostage call(s) still running after {} ms; closing the client", inFlight,
                            limit.toMillis());
                    return;
                }
                left = idle.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void enter() {
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            if (--inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** For messages. */
    @Override
    public String toString() {
        return "GracefulShutdown[inFlight=" + inFlight() + ", limit=" + limit + "]";
    }
}
