package org.openpostage.api.error;

import org.jspecify.annotations.Nullable;

/**
 * The price in the purchase no longer matches the current rate table ({@link ErrorCode#PRICE_CHANGED});
 * the message names the current price and table version. Nothing was charged. Quote again and
 * show the user the new price.
 */
public class PriceChangedException extends InvalidRequestException {
    /** Creates the exception for an error raised locally. */
    public PriceChangedException(String message) {
        this(message, null);
    }

    /** Creates the exception for an error reported by a server under {@code requestId}. */
    public PriceChangedException(String message, @Nullable String requestId) {
        super(ErrorCode.PRICE_CHANGED, message, requestId);
    }
}
