package org.openpostage.transport.grpc;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openpostage.api.error.RateLimitedException;

/** Waits for the server side of a test to reach a state, with a deadline so a test fails rather than hangs. */
final class Waiting {
    private static final long TIMEOUT_SECONDS = 10;

    private Waiting() {
    }

    /** Waits until {@code calls} calls are held inside {@code service}. */
    static void forHeldCalls(InMemoryPostalService service, int calls) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (service.waiting() < calls) {
            if (System.nanoTime() > until) {
                throw new AssertionError("only " + service.waiting() + " of " + calls + " calls reached the service");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Makes {@code call} once a concurrency permit is free. The server releases a call's permit
     * just after the call's answer has gone out, so a client may briefly still be refused
     * (RESOURCE_EXHAUSTED, thrown as {@link RateLimitedException}) right after its last answer.
     */
    static <T> T forAPermit(Supplier<T> call) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return call.get();
            } catch (RateLimitedException e) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("no permit came back within " + TIMEOUT_SECONDS + " s", e);
                }
                Thread.sleep(10);
            }
        }
    }
}
