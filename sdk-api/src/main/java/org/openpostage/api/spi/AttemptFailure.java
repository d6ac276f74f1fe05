package org.openpostage.api.spi;

import java.util.Objects;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;

/**
 * How one attempt failed, as a {@link ClientTransport} reports it: the exception the caller gets
 * if the call ends here, and how far the request got, from which {@link PipelinedPostalClient}
 * decides whether another attempt is safe.
 */
public final class AttemptFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How far the failed attempt's request got. */
    public enum Delivery {
        /** The request never left the client (no connection could be made): repeating it is always safe. */
        NOT_SENT,
        /** The server answered with an error: its code says what happened. */
        ANSWERED,
        /** The request may have reached the server, but no answer came (a timeout, a broken connection). */
        UNKNOWN
    }

    private final transient PostageException error;
    private final Delivery delivery;

    private AttemptFailure(PostageException error, Delivery delivery) {
        super(error.getMessage(), error, false, false);
        this.error = Objects.requireNonNull(error, "error");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
    }

    /** The request never left the client. */
    public static AttemptFailure notSent(PostageException error) {
        return new AttemptFailure(error, Delivery.NOT_SENT);
    }

    /** The server answered {@code error} (with its {@link PostageException#retryAfter()}, if it sent one). */
    public static AttemptFailure answered(PostageException error) {
        return new AttemptFailure(error, Delivery.ANSWERED);
    }

    /** The request was sent, and its outcome is unknown. */
    public static AttemptFailure unknown(PostageException error) {
        return new AttemptFailure(error, Delivery.UNKNOWN);
    }

    /** The exception the caller receives if the call ends with this failure. */
    public PostageException error() {
        return error;
    }

    /** How far the request got. */
    public Delivery delivery() {
        return delivery;
    }

    /**
     * Whether another attempt of an operation of {@code kind} may succeed without repeating an
     * effect: the error must be retryable, and the operation safe to repeat, or this request
     * surely without effect (never sent, or answered {@link ErrorCode#RATE_LIMITED} or
     * {@link ErrorCode#SERVICE_UNAVAILABLE}, which servers answer only for work they did not do).
     */
    public boolean retryable(PostalOperation.Kind kind) {
        if (!error.retryable()) {
            return false;
        }
        return kind.safeToRepeat() || delivery == Delivery.NOT_SENT || (delivery == Delivery.ANSWERED
                && (error.code() == ErrorCode.RATE_LIMITED || error.code() == ErrorCode.SERVICE_UNAVAILABLE));
    }
}
