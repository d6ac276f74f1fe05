package org.openpostage.render;

import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.render.internal.ImageLimits;

/**
 * Limits on an uploaded image, checked before any pixel is decoded.
 *
 * @param maxBytes  the largest file accepted, in bytes
 * @param maxWidth  the widest image accepted, in pixels
 * @param maxHeight the tallest image accepted, in pixels
 * @param maxPixels the most pixels accepted (width &times; height)
 */
public record UploadLimits(long maxBytes, int maxWidth, int maxHeight, long maxPixels) {
    /**
     * The limits for background pictures: 10 MB, 8000 pixels a side, 40 megapixels. A stamp's
     * picture needs far less (a 94 &times; 30 mm stamp at 600 dpi is 2220 &times; 709 pixels);
     * the margin is for photos straight from a phone.
     */
    public static final UploadLimits BACKGROUNDS = new UploadLimits(10_000_000, 8000, 8000, 40_000_000);

    /**
     * The limits for scans and photos to read stamps from: 50 MB, 20,000 pixels a side, 200
     * megapixels (large images are decoded subsampled).
     */
    public static final UploadLimits SCANS = new UploadLimits(50_000_000, 20_000, 20_000, 200_000_000);

    public UploadLimits {
        if (maxBytes < 1 || maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
            throw new InvalidRequestException("upload limits must be positive: " + maxBytes + " bytes, " + maxWidth
                    + " x " + maxHeight + ", " + maxPixels + " pixels");
        }
        if (maxWidth > 20_000 || maxHeight > 20_000) {
            throw new InvalidRequestException("upload limits allow at most 20000 pixels a side");
        }
    }

    ImageLimits full() {
        return new ImageLimits(maxBytes, maxWidth, maxHeight, maxPixels, Long.MAX_VALUE);
    }

    ImageLimits subsampledTo(long decodePixels) {
        return new ImageLimits(maxBytes, maxWidth, maxHeight, maxPixels, decodePixels);
    }
}
