package org.openpostage.render.internal;

/**
 * Limits on an image file, checked before it is decoded.
 *
 * @param maxBytes     the largest file, in bytes
 * @param maxWidth     the widest image, in pixels
 * @param maxHeight    the tallest image, in pixels
 * @param maxPixels    the most pixels (width &times; height)
 * @param decodePixels images with more pixels are decoded subsampled to about this many (for
 *                     reading stamps from large photos); {@code maxPixels} or more to decode in full
 */
public record ImageLimits(long maxBytes, int maxWidth, int maxHeight, long maxPixels, long decodePixels) {
    /** No limit: only for files this library wrote itself from pixels it had checked. */
    public static final ImageLimits OWN_OUTPUT = new ImageLimits(Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Long.MAX_VALUE, Long.MAX_VALUE);
}
