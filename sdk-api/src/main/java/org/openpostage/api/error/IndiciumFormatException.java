package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;


/**
 * Indicium bytes that cannot be decoded ({@link ErrorCode#MALFORMED_INDICIUM}). The message names
 * the byte offset, the field and what is wrong with it, for example
 * {@code "indicium byte 36 (month): 13 is not a month"}.
 */
public class IndiciumFormatException extends InvalidRequestException {
    /** Creates the exception for an error raised locally. */
    public IndiciumFormatException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public IndiciumFormatException(String message, @Nullable String requestId) {
        super(ErrorCode.MALFORMED_INDICIUM, message, requestId);
    }
}
