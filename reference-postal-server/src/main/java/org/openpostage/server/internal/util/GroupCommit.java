package org.openpostage.server.internal.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs the work of concurrent callers together, one round at a time (group commit): a caller that
 * finds no round under way runs one for everything queued so far, up to {@code maxRound} items, and
 * the callers that arrive meanwhile wait; when a round ends, the first caller still waiting runs
 * the next. So one transaction carries the work of every caller that arrived while the previous
 * one ran, and under no load a caller runs its own work at once, alone.
 *
 * <p>The work takes the round's items in their order of arrival and returns one result per item,
 * in the same order. If it throws, every caller of the round gets that exception, as if each had
 * run it alone. Callers wait without a connection or lock of their own: the work must not be
 * submitted by a thread that holds one the work needs. A waiting caller does not give up when
 * interrupted (it may have to run the next round); it keeps the interrupt for later. Thread-safe.
 *
 * @param <I> one caller's item
 * @param <O> one caller's result
 */
public final class GroupCommit<I, O> {
    private final Function<List<I>, List<O>> work;
    private final int maxRound;
    /** Callers waiting for a round; its monitor guards them, their state and {@link #running}. */
    private final List<Pending<I, O>> queue = new ArrayList<>();
    private boolean running;

    /**
     * @param work     runs one round: one result per item, in order; may throw
     * @param maxRound the most items in one round
     */
    public GroupCommit(Function<List<I>, List<O>> work, int maxRound) {
        this.work = Objects.requireNonNull(work, "work");
        if (maxRound < 1) {
            throw new IllegalArgumentException("maxRound must be at least 1");
        }
        this.maxRound = maxRound;
    }

    /** Runs {@code item} in the next round and returns its result, or throws what the round threw. */
    public O submit(I item) {
        Pending<I, O> mine = new Pending<>(item);
        List<Pending<I, O>> round;
        synchronized (queue) {
            queue.add(mine);
            if (running) {
                boolean interrupted = false;
                while (!mine.done && !mine.leads) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (mine.done) {
                    return mine.result();
                }
            }
            running = true;
            List<Pending<I, O>> head = queue.subList(0, Math.min(maxRound, queue.size()));
            round = new ArrayList<>(head);
            head.clear();
        }
        try {
            run(round);
        } finally {
            synchronized (queue) {
                for (Pending<I, O> p : round) {
                    if (!p.done) { // the work threw an Error: none of the round waits for ever
                        p.failure = new IllegalStateException("the round's work did not finish");
                        p.done = true;
                    }
                }
                if (queue.isEmpty()) {
                    running = false;
                } else {
                    queue.get(0).leads = true;
                }
                queue.notifyAll();
            }
        }
        return mine.result();
    }

    private void run(List<Pending<I, O>> round) {
        List<I> items = new ArrayList<>(round.size());
        for (Pending<I, O> p : round) {
            items.add(p.item);
        }
        List<O> results = null;
        RuntimeException failure = null;
        try {
            results = work.apply(items);
            if (results.size() != items.size()) {
                throw new IllegalStateException(results.size() + " results for " + items.size() + " items");
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (queue) {
            for (int k = 0; k < round.size(); k++) {
                Pending<I, O> p = round.get(k);
                p.result = failure == null ? results.get(k) : null;
                p.failure = failure;
                p.done = true;
            }
        }
    }

    /** One caller's item and, once its round ran, its outcome. Guarded by the queue's monitor. */
    private static final class Pending<I, O> {
        final I item;
        boolean leads;
        boolean done;
        O result;
        RuntimeException failure;

        Pending(I item) {
            this.item = item;
        }

        O result() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }
}
