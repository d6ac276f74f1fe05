package org.openpostage.render;

import org.openpostage.api.error.InvalidRequestException;

/**
 * An image was read, but no Data Matrix symbol could be found or decoded in it: not a stamp, or
 * too blurred, damaged, small or skewed to read.
 */
public class StampNotFoundException extends InvalidRequestException {
    /** @param message what was searched and not found */
    public StampNotFoundException(String message) {
        super(message);
    }
}
