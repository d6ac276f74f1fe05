package org.openpostage.api.error;

/**
 * An argument the caller's own code passed is invalid: raised by the SDK itself, before anything
 * is sent (a value type's constructor, or a client refusing a {@code null} request). It never
 * carries a {@linkplain #requestId() request id}, and is an {@link InvalidRequestException} with
 * code {@link ErrorCode#INVALID_REQUEST}, so existing handlers still catch it.
 *
 * <p>An invalid request that a <em>server</em> refused arrives as a plain
 * {@link InvalidRequestException} with the server's request id: catch this class first to tell a
 * bug in the calling code from a request the server judged differently (a weight over the limit
 * of the server's rate table, say).
 */
public class InvalidArgumentException extends InvalidRequestException {
    /** Creates the exception; {@code message} names the argument or field and the rule it broke. */
    public InvalidArgumentException(String message) {
        super(ErrorCode.INVALID_REQUEST, message, null);
    }
}
