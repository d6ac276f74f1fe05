package org.openpostage.server.internal.backgrounds;

import org.openpostage.api.error.InvalidRequestException;

/**
 * What the first bytes of an image file say: its type (by magic number) and its size in pixels.
 * Only PNG and JPEG are accepted. This reads headers only; decoding the whole image is the
 * renderer's job ({@link org.openpostage.server.spi.StampImaging#checkBackground}).
 *
 * @param mediaType {@code image/png} or {@code image/jpeg}
 * @param widthPx   the width in pixels
 * @param heightPx  the height in pixels
 */
public record ImageHeader(String mediaType, int widthPx, int heightPx) {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /**
     * Reads the header of {@code b}.
     *
     * @throws InvalidRequestException if the bytes are neither a PNG nor a JPEG, or the header is broken
     */
    public static ImageHeader read(byte[] b) {
        if (startsWith(b, PNG_MAGIC)) {
            return png(b);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return jpeg(b);
        }
        throw new InvalidRequestException("image must be a PNG or a JPEG file; these bytes are neither");
    }

    private static ImageHeader png(byte[] b) {
        // Signature (8), then the IHDR chunk: length (4), type "IHDR" (4), width (4), height (4).
        if (b.length < 24 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw new InvalidRequestException("image is a truncated PNG: no IHDR header");
        }
        return sized("image/png", int32(b, 16), int32(b, 20));
    }

    private static ImageHeader jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                throw new InvalidRequestException("image is a malformed JPEG: bad marker at byte " + i);
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                int height = ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF);
                int width = ((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF);
                return sized("image/jpeg", width, height);
            }
            if (length < 2) {
                throw new InvalidRequestException("image is a malformed JPEG: bad segment length at byte " + i);
            }
            i += 2 + length;
        }
        throw new InvalidRequestException("image is a truncated JPEG: no frame header");
    }

    private static ImageHeader sized(String type, long width, long height) {
        if (width < 1 || height < 1 || width > 20_000 || height > 20_000) {
            throw new InvalidRequestException("image is " + width + " x " + height
                    + " pixels; each side must be 1 to 20000 pixels");
        }
        return new ImageHeader(type, (int) width, (int) height);
    }

    private static long int32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
