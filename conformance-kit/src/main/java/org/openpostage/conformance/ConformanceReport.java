package org.openpostage.conformance;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The conformance suite's report for people: one line per test as it ends ({@code [PASS]},
 * {@code [FAIL]} with the reason indented below, {@code [SKIP]} with why), grouped under the
 * suite's headings (quote, purchase from the portal's account, refund, …), and a closing line
 * {@code N passed, N failed, N skipped} that CI systems also read.
 */
public final class ConformanceReport implements TestExecutionListener {
    private final PrintWriter out;
    private final String target;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile long planStarted; // set by the launcher thread, read at the end of the run
    private volatile TestPlan plan;

    /** Reports on {@code out} a run against {@code target} (the endpoint, for the heading). */
    public ConformanceReport(PrintWriter out, String target) {
        this.out = Objects.requireNonNull(out, "out");
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        planStarted = System.nanoTime();
        out.println("OpenPostage conformance suite against " + target);
        out.flush();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
        if (id.isContainer() && isGroup(id)) {
            out.println();
            out.println(id.getDisplayName());
            out.flush();
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
            skipped.incrementAndGet();
            out.println("  [SKIP] " + id.getDisplayName() + ": " + reason);
        } else if (isGroup(id)) {
            out.println();
            out.println(id.getDisplayName() + " [SKIP]: " + reason);
        }
        out.flush();
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long ms = Duration.ofNanos(System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime()))
                .toMillis();
        Optional<Throwable> why = result.getThrowable();
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                if (id.isTest()) {
                    passed.incrementAndGet();
                    out.println("  [PASS] " + id.getDisplayName() + " (" + ms + " ms)");
                }
            }
            case ABORTED -> {
                if (id.isTest()) {
                    skipped.incrementAndGet();
                    out.println("  [SKIP] " + id.getDisplayName() + ": " + why.map(Throwable::getMessage).orElse(""));
                }
            }
            case FAILED -> {
                // A failing container (its set-up, for example) fails every test in it: say so once.
                failed.incrementAndGet();
                out.println((id.isTest() ? "  [FAIL] " + id.getDisplayName() : "[FAIL] " + id.getDisplayName()
                        + " (set-up or tear-down)") + " (" + ms + " ms)");
                why.ifPresent(t -> out.println("         " + describe(t).replace("\n", "\n         ")));
            }
        }
        out.flush();
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        out.println();
        out.println(passed.get() + " passed, " + failed.get() + " failed, " + skipped.get() + " skipped");
        out.println("in " + Duration.ofNanos(System.nanoTime() - planStarted).toMillis() / 1000.0 + " s: "
                + (failed.get() == 0 && passed.get() > 0 ? "the server conforms" : "the server does NOT conform"));
        out.flush();
    }

    /** A nested group of the suite (not the engine, not the suite's own class). */
    private boolean isGroup(TestIdentifier id) {
        if (plan == null || id.getParentId().isEmpty()) {
            return false;
        }
        return id.getSource().filter(ClassSource.class::isInstance).map(ClassSource.class::cast)
                .map(s -> s.getJavaClass().getEnclosingClass() != null).orElse(false);
    }

    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        Throwable cause = t.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            s.append("\ncaused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return s.toString();
    }
}
