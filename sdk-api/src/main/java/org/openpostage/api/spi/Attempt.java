package org.openpostage.api.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalOperation;

/**
 * One attempt of a call, as {@link PipelinedPostalClient} hands it to a {@link ClientTransport}.
 *
 * @param operation the operation
 * @param request   the request, or {@code null} for operations without one
 * @param context   the call's context: its idempotency key (keyed operations), its request id and
 *                  its deadline, the same for every attempt; send them all
 * @param number    the attempt's number, from 1
 * @param <Q>       the request type
 * @param <R>       the response type
 */
public record Attempt<Q, R>(PostalOperation<Q, R> operation, @Nullable Q request, CallContext context, int number) {
    public Attempt {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(context.deadline(), "context.deadline");
        Objects.requireNonNull(context.requestId(), "context.requestId");
    }

    /** The call's deadline: the attempt must end by then. */
    public Instant deadline() {
        return Objects.requireNonNull(context.deadline());
    }

    /** The time left until the deadline, at least one millisecond: the timeout to give this attempt. */
    public Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline());
        return left.toMillis() < 1 ? Duration.ofMillis(1) : left;
    }

    /** Whether the deadline has passed. */
    public boolean expired() {
        return !Instant.now().isBefore(deadline());
    }
}
