package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The caller presented no credentials, or credentials the server does not accept ({@link ErrorCode#UNAUTHENTICATED}). Not retryable: fix the API key or client certificate.
 */
public class AuthenticationException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public AuthenticationException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public AuthenticationException(String message, @Nullable String requestId) {
        super(ErrorCode.UNAUTHENTICATED, message, requestId, null);
    }
}
