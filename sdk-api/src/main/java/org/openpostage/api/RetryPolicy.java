package org.openpostage.api;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.internal.Checks;

/**
 * How a client retries calls that failed with a retryable error ({@link PostageException#retryable()})
 * or a network failure: at most {@code maxAttempts} attempts in all, waiting between them an
 * exponentially growing backoff with full jitter, never past the call's deadline. Every attempt
 * carries the same idempotency key, so retries never charge twice.
 *
 * @param maxAttempts    attempts in all, including the first (1 = no retries), 1 to 10
 * @param initialBackoff the backoff cap before the second attempt
 * @param maxBackoff     the largest backoff cap; the cap doubles per attempt up to it
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        Checks.range("retry.maxAttempts", maxAttempts, 1, 10);
        Checks.notNull("retry.initialBackoff", initialBackoff);
        Checks.notNull("retry.maxBackoff", maxBackoff);
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidArgumentException("retry backoffs must satisfy 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** 4 attempts, backoff from 100 ms up to 2 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** A single attempt, no retries. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The pause before attempt {@code attempt + 1}, after {@code attempt} attempts failed
     * (1-based): uniformly random between 0 and {@code min(maxBackoff, initialBackoff * 2^(attempt-1))}.
     */
    public Duration backoff(int attempt, RandomGenerator random) {
        long cap = initialBackoff.toMillis();
        for (int i = 1; i < attempt && cap < maxBackoff.toMillis(); i++) {
            cap *= 2;
        }
        cap = Math.min(cap, maxBackoff.toMillis());
        return Duration.ofMillis(cap <= 0 ? 0 : random.nextLong(cap + 1));
    }
}
