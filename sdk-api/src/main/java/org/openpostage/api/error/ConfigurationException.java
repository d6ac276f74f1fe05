package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The client's configuration cannot be used ({@link ErrorCode#INVALID_CONFIGURATION}): no transport for the endpoint's scheme, two transports claiming it, or an unreadable trust store. Raised locally, never by a server.
 */
public class ConfigurationException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public ConfigurationException(String message) {
        this(message, (String) null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public ConfigurationException(String message, @Nullable String requestId) {
        super(ErrorCode.INVALID_CONFIGURATION, message, requestId, null);
    }

    /** Creates the exception for a local configuration error with its cause (an unreadable file, say). */
    public ConfigurationException(String message, Throwable cause) {
        super(ErrorCode.INVALID_CONFIGURATION, message, null, cause);
    }
}
