package org.openpostage.server.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rounds of {@link GroupCommit}: one at a time, bounded, each caller with its own outcome. */
class GroupCommitTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aLoneCallerRunsItsOwnRoundAtOnce() {
        List<List<Integer>> rounds = new ArrayList<>();
        GroupCommit<Integer, Integer> g = new GroupCommit<>(items -> {
            rounds.add(List.copyOf(items));
            return items.stream().map(i -> i * 10).toList();
        }, 5);
        assertEquals(70, g.submit(7));
        assertEquals(80, g.submit(8));
        assertEquals(List.of(List.of(7), List.of(8)), rounds);
    }

    @Test
    void concurrentCallersShareRoundsThatNeverOverlapNorExceedTheirBound() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> g = new GroupCommit<>(items -> {
            if (running.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            sizes.add(items.size());
            sleep(1);
            running.decrementAndGet();
            return items.stream().map(i -> -i).toList();
        }, 8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int item = i;
            results.add(pool.submit(() -> g.submit(item)));
        }
        for (int i = 0; i < results.size(); i++) {
            assertEquals(-i, results.get(i).get(1, TimeUnit.MINUTES), "caller " + i + " got its own result");
        }
        assertTrue(!overlapped.get(), "two rounds ran at once");
        assertEquals(2_000, sizes.stream().mapToInt(Integer::intValue).sum(), "every item ran exactly once");
        assertTrue(sizes.stream().allMatch(s -> s <= 8), "a round exceeded its bound: " + sizes);
        assertTrue(sizes.stream().anyMatch(s -> s > 1), "16 callers never shared a round: " + sizes);
    }

    @Test
    void aRoundThatThrowsFailsEveryCallerInItAndNoOther() throws Exception {
        GroupCommit<Integer, Integer> g = new GroupCommit<>(items -> {
            sleep(1);
            if (items.contains(13)) {
                throw new IllegalArgumentException("round with 13");
            }
            return items;
        }, 4);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int item = i;
            results.add(pool.submit(() -> g.submit(item)));
        }
        int failed = 0;
        for (int i = 0; i < results.size(); i++) {
            try {
                assertEquals(i, results.get(i).get(1, TimeUnit.MINUTES));
            } catch (ExecutionException e) {
                assertEquals("round with 13", e.getCause().getMessage(), "caller " + i);
                failed++;
            }
        }
        assertTrue(failed >= 1 && failed <= 4, failed + " callers failed; the round of 13 holds 1 to 4");
    }

    @Test
    void anErrorInTheWorkLeavesNoCallerWaitingAndTheNextRoundRuns() throws Exception {
        CountDownLatch inWork = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> g = new GroupCommit<>(items -> {
            if (items.contains("first")) {
                inWork.countDown();
                await(release);
                throw new AssertionError("an Error, not an exception");
            }
            return items;
        }, 10);
        Future<String> first = pool.submit(() -> g.submit("first"));
        assertTrue(inWork.await(1, TimeUnit.MINUTES));
        Future<String> waiting = pool.submit(() -> g.submit("second"));
        Thread.sleep(50); // "second" queues behind the running round
        release.countDown();
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(1, TimeUnit.MINUTES));
        assertTrue(e.getCause() instanceof AssertionError);
        assertEquals("second", waiting.get(1, TimeUnit.MINUTES), "the next round ran after the Error");
        assertEquals("third", g.submit("third"));
    }

    @Test
    void anInterruptedWaiterStillGetsItsResultAndKeepsTheInterrupt() throws Exception {
        CountDownLatch inWork = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> g = new GroupCommit<>(items -> {
            if (items.contains("blocker")) {
                inWork.countDown();
                await(release);
            }
            return items.stream().map(String::toUpperCase).toList();
        }, 10);
        Future<String> blocker = pool.submit(() -> g.submit("blocker"));
        assertTrue(inWork.await(1, TimeUnit.MINUTES));
        AtomicReference<Thread> waiterThread = new AtomicReference<>();
        AtomicBoolean keptInterrupt = new AtomicBoolean();
        Future<String> waiter = pool.submit(() -> {
            waiterThread.set(Thread.currentThread());
            String r = g.submit("waiter");
            keptInterrupt.set(Thread.currentThread().isInterrupted());
            return r;
        });
        while (waiterThread.get() == null) {
            Thread.sleep(1);
        }
        Thread.sleep(50);
        waiterThread.get().interrupt();
        Thread.sleep(50);
        release.countDown();
        assertEquals("BLOCKER", blocker.get(1, TimeUnit.MINUTES));
        assertEquals("WAITER", waiter.get(1, TimeUnit.MINUTES));
        assertTrue(keptInterrupt.get(), "the interrupt is kept for the caller");
    }

    @Test
    void workThatAnswersTheWrongNumberOfResultsFailsTheRound() {
        GroupCommit<Integer, Integer> g = new GroupCommit<>(items -> List.of(), 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.submit(1));
        assertEquals("0 results for 1 items", e.getMessage());
        RuntimeException same = new RuntimeException("x");
        GroupCommit<Integer, Integer> h = new GroupCommit<>(items -> {
            throw same;
        }, 3);
        assertSame(same, assertThrows(RuntimeException.class, () -> h.submit(1)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
