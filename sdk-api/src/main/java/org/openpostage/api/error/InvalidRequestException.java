package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The request is malformed or one of its values is out of range ({@link ErrorCode#INVALID_REQUEST}).
 * The message names the field and the rule it broke. Not retryable: fix the request.
 *
 * <p>Every value type of the SDK throws this from its constructor when given an invalid value,
 * so the same rules hold on the client and on the server.
 */
public class InvalidRequestException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public InvalidRequestException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public InvalidRequestException(String message, @Nullable String requestId) {
        super(ErrorCode.INVALID_REQUEST, message, requestId, null);
    }

    /** For subclasses with a more specific code. */
    protected InvalidRequestException(ErrorCode code, String message, @Nullable String requestId) {
        super(code, message, requestId, null);
    }
}
