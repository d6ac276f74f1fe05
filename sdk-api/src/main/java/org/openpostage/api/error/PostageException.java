package org.openpostage.api.error;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.CallContext;

/**
 * The root of every exception the OpenPostage SDK throws. It is unchecked.
 *
 * <p>Each carries an {@link ErrorCode}, the request id the server assigned (when the error came
 * from a server), and whether retrying the same call with the same idempotency key may succeed.
 * Catch a subclass to act on a specific failure, or this class to handle them all:
 *
 * <pre>{@code
 * try {
 *     Purchase p = postal.purchase(request, CallContext.empty());
 * } catch (PaymentDeclinedException e) {
 *     showUser("Your card was declined.");
 * } catch (PostageException e) {
 *     log.warn("postage failed: {} (request {})", e.code(), e.requestId());
 * }
 * }</pre>
 *
 * <p>Errors a server answered carry its {@link #requestId()}; errors the client raised itself
 * carry none. The client checks arguments before anything is sent and raises
 * {@link InvalidArgumentException} (an {@link InvalidRequestException}) for them, so an
 * invalid request the server refused and one the caller's own code built are told apart.
 *
 * <p>Messages are written for the developer and may be shown to end users: they never carry card
 * data, keys or stack traces from the server.
 */
public class PostageException extends RuntimeException {
    private final ErrorCode code;
    private final @Nullable String requestId;
    private final @Nullable Duration retryAfter;

    /**
     * @param code      the error code; decides {@link #retryable()}
     * @param message   what went wrong, naming the field or object concerned
     * @param requestId the server's request id, or {@code null} for errors raised locally
     * @param cause     the underlying cause, or {@code null}
     */
    public PostageException(ErrorCode code, @Nullable String message, @Nullable String requestId,
                            @Nullable Throwable cause) {
        this(code, message, requestId, cause, null);
    }

    /**
     * @param code       the error code; decides {@link #retryable()}
     * @param message    what went wrong, naming the field or object concerned
     * @param requestId  the server's request id, or {@code null} for errors raised locally
     * @param cause      the underlying cause, or {@code null}
     * @param retryAfter how long the server asked the caller to wait before retrying, or {@code null}
     */
    protected PostageException(ErrorCode code, @Nullable String message, @Nullable String requestId,
                               @Nullable Throwable cause, @Nullable Duration retryAfter) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.requestId = requestId;
        this.retryAfter = retryAfter == null || retryAfter.isNegative() ? null : retryAfter;
    }

    /** The protocol error code. */
    public ErrorCode code() {
        return code;
    }

    /** The request id the server assigned to the failed call, or {@code null} if the error was raised locally. */
    public @Nullable String requestId() {
        return requestId;
    }

    /**
     * How long the server asked the caller to wait before retrying (HTTP {@code Retry-After}, gRPC
     * {@code retry-after}), or {@code null} when it said nothing. Clients never retry sooner.
     */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /** Whether retrying the same call with the same idempotency key may succeed. */
    public boolean retryable() {
        return code.retryable();
    }

    @Override
    public String toString() {
        String s = getClass().getName() + ": [" + code + "] " + getMessage();
        return requestId == null ? s : s + " (request " + requestId + ")";
    }
}
