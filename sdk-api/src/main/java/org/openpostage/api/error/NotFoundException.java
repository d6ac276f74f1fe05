package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The named object (indicium, background image, meter) does not exist, or does not belong to the caller ({@link ErrorCode#NOT_FOUND}).
 */
public class NotFoundException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public NotFoundException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public NotFoundException(String message, @Nullable String requestId) {
        super(ErrorCode.NOT_FOUND, message, requestId, null);
    }
}
