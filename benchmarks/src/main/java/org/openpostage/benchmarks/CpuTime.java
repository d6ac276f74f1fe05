package org.openpostage.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The benchmark thread's CPU time per operation, beside JMH's wall-clock throughput: on a machine
 * shared with other builds the throughput says how much CPU the benchmark got, the CPU time per
 * operation what one operation costs. Reported by JMH as the secondary results {@code cpuNanos}
 * and {@code ops} (sums per iteration); their quotient is the CPU time of one operation.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds spent in the measured operations this iteration. */
    public long cpuNanos;
    /** Operations measured this iteration. */
    public long ops;
    private long started;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        ops = 0;
    }

    /** Call first in an operation. */
    void start() {
        started = THREADS.getCurrentThreadCpuTime();
    }

    /** Call last in an operation. */
    void stop() {
        cpuNanos += THREADS.getCurrentThreadCpuTime() - started;
        ops++;
    }
}
