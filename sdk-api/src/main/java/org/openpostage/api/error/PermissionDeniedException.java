package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The caller is authenticated but may not perform this call ({@link ErrorCode#PERMISSION_DENIED}), for example a test-mode key naming a live meter.
 */
public class PermissionDeniedException extends PostageException {
    /** Creates the exception for an error raised locally. */
    public PermissionDeniedException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public PermissionDeniedException(String message, @Nullable String requestId) {
        super(ErrorCode.PERMISSION_DENIED, message, requestId, null);
    }
}
