package org.openpostage.render.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.MultiPixelPackedSampleModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of text drawn into 1-bit pixels (0 black, 1 white), rows of whole bytes from byte
 * column {@code byteLeft} and pixel row {@code top} of the image it was drawn for; kept in
 * {@link #CACHE} so that a line stamps print again and again is drawn once. Immutable.
 */
final class TextStrip {
    /** What a strip's pixels depend on: the line, the resolution, the text block and the image's size. */
    record Key(TextLine line, int dpi, int blockLeftPx, int blockWidthPx, int blockTopPx, int imageWidth,
               int imageHeight) {
    }

    /** The most strips kept: about 3 KB each at 300 dpi; the least recently used goes first. */
    private static final int CAPACITY = 512;

    /** Strips by key, least recently used first out. */
    static final Map<Key, TextStrip> CACHE = Collections.synchronizedMap(new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, TextStrip> eldest) {
            return size() > CAPACITY;
        }
    });

    private final int byteLeft;
    private final int top;
    private final int stride;
    private final byte[] bits;

    TextStrip(int byteLeft, int top, int stride, byte[] bits) {
        this.byteLeft = byteLeft;
        this.top = top;
        this.stride = stride;
        this.bits = bits;
    }

    /**
     * Draws the line's black pixels into {@code image} (a 1-bit image of the size the strip was
     * drawn for): each byte of the image ANDed with the strip's, which is exactly drawing black
     * over what is there, and leaves white what the strip leaves white.
     */
    void andInto(BufferedImage image) {
        if (bits.length == 0) {
            return;
        }
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int targetStride = ((MultiPixelPackedSampleModel) image.getSampleModel()).getScanlineStride();
        int rows = bits.length / stride;
        for (int r = 0; r < rows; r++) {
            int from = r * stride;
            int to = (top + r) * targetStride + byteLeft;
            for (int b = 0; b < stride; b++) {
                target[to + b] &= bits[from + b];
            }
        }
    }
}
