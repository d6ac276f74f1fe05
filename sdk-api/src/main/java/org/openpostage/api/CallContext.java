package org.openpostage.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * Per-call information that travels beside a request: its idempotency key, its deadline, its
 * request id, and (on the server side only) the authenticated caller.
 *
 * <p>Every component is optional:
 * <ul>
 *   <li><b>idempotencyKey</b>: identifies one logical mutating call. Retrying a call with the
 *       same key never repeats its effect: the server replays the first outcome. A client
 *       transport fills in a fresh random key when none is given, and reuses that key for its
 *       own retries. Give your own key when <em>your</em> code may retry (for example after a
 *       crash), typically derived from your order id. Up to 255 visible ASCII characters.</li>
 *   <li><b>deadline</b>: the instant after which the caller no longer wants the answer. Clients
 *       stop waiting and retrying then; servers may abandon work.</li>
 *   <li><b>requestId</b>: correlates logs across portal and postal server. Servers assign one
 *       when none is given and report it in every error.</li>
 *   <li><b>caller</b>: see {@link Caller}. Ignored by clients.</li>
 *   <li><b>trace</b>: the W3C trace context the call belongs to ({@link TraceContext}): clients send
 *       it, servers read it, so that the postal server's spans join the portal's trace.</li>
 * </ul>
 *
 * <p>Instances are immutable; the {@code with...} methods return modified copies.
 *
 * @param idempotencyKey the idempotency key, or {@code null}
 * @param deadline       the deadline, or {@code null} for none
 * @param requestId      the request id, or {@code null}
 * @param caller         the authenticated caller (server side), or {@code null}
 * @param trace          the W3C trace context, or {@code null}
 */
public record CallContext(@Nullable String idempotencyKey, @Nullable Instant deadline, @Nullable String requestId,
                          @Nullable Caller caller, @Nullable TraceContext trace) {
    /** The longest idempotency key or request id accepted. */
    public static final int MAX_KEY_LENGTH = 255;

    private static final CallContext EMPTY = new CallContext(null, null, null, null, null);

    public CallContext {
        if (idempotencyKey != null) {
            Checks.visibleAscii("idempotencyKey", idempotencyKey, MAX_KEY_LENGTH);
        }
        if (requestId != null) {
            Checks.visibleAscii("requestId", requestId, MAX_KEY_LENGTH);
        }
    }

    /**
     * A context without a trace context: the constructor of the SDK's first version.
     *
     * @param idempotencyKey the idempotency key, or {@code null}
     * @param deadline       the deadline, or {@code null} for none
     * @param requestId      the request id, or {@code null}
     * @param caller         the authenticated caller (server side), or {@code null}
     */
    public CallContext(@Nullable String idempotencyKey, @Nullable Instant deadline, @Nullable String requestId,
                       @Nullable Caller caller) {
        this(idempotencyKey, deadline, requestId, caller, null);
    }

    /** A context with nothing set: the client picks an idempotency key and there is no deadline. */
    public static CallContext empty() {
        return EMPTY;
    }

    /** A context with the given idempotency key. */
    public static CallContext withKey(String idempotencyKey) {
        return new CallContext(idempotencyKey, null, null, null, null);
    }

    /** A copy with {@code idempotencyKey} (may be {@code null}). */
    public CallContext withIdempotencyKey(String idempotencyKey) {
        return new CallContext(idempotencyKey, deadline, requestId, caller, trace);
    }

    /** A copy with {@code deadline} (may be {@code null}). */
    public CallContext withDeadline(Instant deadline) {
        return new CallContext(idempotencyKey, deadline, requestId, caller, trace);
    }

    /** A copy whose deadline is {@code timeout} from now. */
    public CallContext withTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidArgumentException("timeout must be positive, was " + timeout);
        }
        return withDeadline(Instant.now().plus(timeout));
    }

    /** A copy with {@code requestId} (may be {@code null}). */
    public CallContext withRequestId(String requestId) {
        return new CallContext(idempotencyKey, deadline, requestId, caller, trace);
    }

    /** A copy with {@code caller} (may be {@code null}); for server bindings and in-process use. */
    public CallContext withCaller(Caller caller) {
        return new CallContext(idempotencyKey, deadline, requestId, caller, trace);
    }

    /** A copy with {@code trace} (may be {@code null}): the W3C trace context to send or that was received. */
    public CallContext withTrace(@Nullable TraceContext trace) {
        return new CallContext(idempotencyKey, deadline, requestId, caller, trace);
    }

    /**
     * This context if it has an idempotency key, else a copy with a fresh random one. Client
     * transports call this once per logical call, before their first attempt, so that every
     * retry carries the same key.
     */
    public CallContext ensureIdempotencyKey() {
        return idempotencyKey != null ? this : withIdempotencyKey(UUID.randomUUID().toString());
    }

    /** This context if it has a request id, else a copy with a fresh random one. */
    public CallContext ensureRequestId() {
        return requestId != null ? this : withRequestId(UUID.randomUUID().toString());
    }

    /** The time left until the deadline (negative once passed), or {@code null} if there is no deadline. */
    public @Nullable Duration remaining(Clock clock) {
        return deadline == null ? null : Duration.between(clock.instant(), deadline);
    }

    /** Whether the deadline has passed on {@code clock}; {@code false} when there is none. */
    public boolean expired(Clock clock) {
        return deadline != null && !clock.instant().isBefore(deadline);
    }
}
