package org.openpostage.render.internal;

import com.google.zxing.LuminanceSource;
import com.google.zxing.PlanarYUVLuminanceSource;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the plain PNG files stamps are (non-interlaced 1-bit or 8-bit greyscale, or 8-bit RGB,
 * as {@link Png} and {@link PlatedPng} write them) straight to grey levels for the stamp reader,
 * several times faster than ImageIO, which builds an image first. Anything else, and anything odd
 * (another colour type or depth, interlacing, transparency, a bad CRC, an unknown critical chunk,
 * too little or too much image data), gives nothing, and the caller reads the file the careful
 * way ({@link ImageFiles#decode}), which explains what is wrong with it. The file's size and
 * dimensions are checked against the limits before anything is inflated, and no more than the
 * declared image is ever inflated.
 */
public final class QuickPng {
    private static final int[] SIGNATURE = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private QuickPng() {
    }

    /** The grey levels (as {@link Gray#of} computes them) of {@code file}, if it is such a PNG within {@code limits}. */
    public static Optional<LuminanceSource> luminance(byte[] file, ImageLimits limits) {
        try {
            return Optional.ofNullable(decode(file, limits));
        } catch (DataFormatException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static LuminanceSource decode(byte[] file, ImageLimits limits) throws DataFormatException {
        if (file.length < 8 + 25 + 12 || file.length > limits.maxBytes()) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if ((file[i] & 0xFF) != SIGNATURE[i]) {
                return null;
            }
        }
        if (readInt(file, 8) != 13 || !type(file, 12, "IHDR") || !crcMatches(file, 8, 13)) {
            return null;
        }
        int width = readInt(file, 16);
        int height = readInt(file, 20);
        int depth = file[24];
        int colour = file[25];
        if (width <= 0 || height <= 0 || width > limits.maxWidth() || height > limits.maxHeight()
                || (long) width * height > Math.min(limits.maxPixels(), limits.decodePixels())
                || file[26] != 0 || file[27] != 0 || file[28] != 0) {
            return null; // compression, filter method and interlacing: only the standard, non-interlaced
        }
        int channels;
        if (colour == 0 && (depth == 1 || depth == 8)) {
            channels = 1;
        } else if (colour == 2 && depth == 8) {
            channels = 3;
        } else {
            return null;
        }
        long rowBytesLong = depth == 1 ? (width + 7L) / 8 : (long) width * channels;
        long rawLength = (rowBytesLong + 1) * height;
        if (rawLength > Integer.MAX_VALUE - 16) {
            return null;
        }
        int rowBytes = (int) rowBytesLong;
        byte[] raw = new byte[(int) rawLength];
        int inflated = 0;
        Inflater inflater = new Inflater();
        try {
            int at = 8 + 25;
            boolean ended = false;
            while (!ended) {
                if (at + 12 > file.length) {
                    return null;
                }
                int length = readInt(file, at);
                if (length < 0 || length > file.length - at - 12 || !crcMatches(file, at, length)) {
                    return null;
                }
                char first = (char) file[at + 4];
                if (type(file, at + 4, "IDAT")) {
                    if (inflater.finished()) {
                        return null; // data after the end of the stream
                    }
                    inflater.setInput(file, at + 8, length);
                    while (!inflater.needsInput() && !inflater.finished()) {
                        if (inflated == raw.length) {
                            return null; // more data than the image declares
                        }
                        int n = inflater.inflate(raw, inflated, raw.length - inflated);
                        if (n == 0 && inflater.needsDictionary()) {
                            return null;
                        }
                        inflated += n;
                    }
                } else if (type(file, at + 4, "IEND")) {
                    ended = true;
                } else if (type(file, at + 4, "tRNS") || (first >= 'A' && first <= 'Z' && !type(file, at + 4, "PLTE"))) {
                    return null; // transparency, or a critical chunk this decoder does not know
                }
                at += 12 + length;
            }
            if (!inflater.finished() || inflated != raw.length) {
                return null;
            }
        } finally {
            inflater.end();
        }
        int bpp = depth == 1 ? 1 : channels;
        if (!unfilter(raw, rowBytes, height, bpp)) {
            return null;
        }
        byte[] gray = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int row = y * (rowBytes + 1) + 1;
            int out = y * width;
            if (depth == 1) {
                for (int x = 0; x < width; x++) {
                    gray[out + x] = ((raw[row + (x >> 3)] >> (7 - (x & 7))) & 1) == 0 ? 0 : (byte) 0xFF;
                }
            } else if (channels == 1) {
                System.arraycopy(raw, row, gray, out, width);
            } else {
                for (int x = 0; x < width; x++) {
                    int r = raw[row + 3 * x] & 0xFF;
                    int g = raw[row + 3 * x + 1] & 0xFF;
                    int b = raw[row + 3 * x + 2] & 0xFF;
                    gray[out + x] = (byte) ((306 * r + 601 * g + 117 * b + 512) >> 10);
                }
            }
        }
        return new PlanarYUVLuminanceSource(gray, width, height, 0, 0, width, height, false);
    }

    /** Reverses PNG's five filters in place (ISO/IEC 15948, 9); false for an unknown filter type. */
    static boolean unfilter(byte[] raw, int rowBytes, int height, int bpp) {
        for (int y = 0; y < height; y++) {
            int row = y * (rowBytes + 1);
            int type = raw[row];
            int start = row + 1;
            int above = start - (rowBytes + 1); // valid only when y > 0
            switch (type) {
                case 0 -> {
                }
                case 1 -> {
                    for (int i = bpp; i < rowBytes; i++) {
                        raw[start + i] += raw[start + i - bpp];
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        for (int i = 0; i < rowBytes; i++) {
                            raw[start + i] += raw[above + i];
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int a = i >= bpp ? raw[start + i - bpp] & 0xFF : 0;
                        int b = y > 0 ? raw[above + i] & 0xFF : 0;
                        raw[start + i] += (byte) ((a + b) / 2);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int a = i >= bpp ? raw[start + i - bpp] & 0xFF : 0;
                        int b = y > 0 ? raw[above + i] & 0xFF : 0;
                        int c = i >= bpp && y > 0 ? raw[above + i - bpp] & 0xFF : 0;
                        raw[start + i] += (byte) paeth(a, b, c);
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static boolean crcMatches(byte[] file, int chunk, int length) {
        CRC32 crc = new CRC32();
        crc.update(file, chunk + 4, length + 4);
        return (int) crc.getValue() == readInt(file, chunk + 8 + length);
    }

    private static boolean type(byte[] file, int at, String type) {
        return file[at] == type.charAt(0) && file[at + 1] == type.charAt(1) && file[at + 2] == type.charAt(2)
                && file[at + 3] == type.charAt(3);
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
