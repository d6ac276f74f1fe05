package org.openpostage.api;

import java.util.Objects;

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
 * <p>Messages are written for the developer and may be shown to end users: they never carry card
 * data, keys or stack traces from the server.
 */
public class PostageException extends RuntimeException {
    private final ErrorCode code;
    private final String requestId;

    /**
     * @param code      the error code; decides {@link #retryable()}
     * @param message   what went wrong, naming the field or object concerned
     * @param requestId the server's request id, or {@code null} for errors raised locally
     * @param cause     the underlying cause, or {@code null}
     */
    public PostageException(ErrorCode code, String message, String requestId, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.requestId = requestId;
    }

    /** The protocol error code. */
    public ErrorCode code() {
        return code;
    }

    /** The request id the server assigned to the failed call, or {@code null} if the error was raised locally. */
    public String requestId() {
        return requestId;
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
