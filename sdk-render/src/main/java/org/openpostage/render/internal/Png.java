package org.openpostage.render.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes PNG files (ISO/IEC 15948) for the two kinds of image the renderers make, with their
 * resolution in a {@code pHYs} chunk so that printers and image programs know the physical size:
 * {@link BufferedImage#TYPE_BYTE_BINARY} as 1-bit greyscale and {@link BufferedImage#TYPE_INT_RGB}
 * as 8-bit RGB. Any other type is converted to RGB first.
 *
 * <p>Written here rather than through ImageIO: it is several times faster for small images (no
 * plugin look-up, no metadata tree) and deterministic by construction: the same pixels and
 * resolution always give the same bytes.
 */
public final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final int FILTER_NONE = 0;
    private static final int FILTER_SUB = 1;
    private static final int FILTER_UP = 2;

    private Png() {
    }

    /** The IEND chunk that ends every PNG file. */
    static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
    /**
     * Compression of 1-bit stamps: zlib's fastest level. On a 300 dpi stamp it takes about a
     * tenth of the default level's time for files about a quarter larger (3.7 against 2.9 KB).
     */
    private static final int BITS_LEVEL = Deflater.BEST_SPEED;
    /** Deflaters kept for reuse: making one allocates and clears zlib's tables, a good part of a small image's cost. */
    private static final int POOLED_DEFLATERS = 8;
    private static final java.util.concurrent.ConcurrentLinkedQueue<Deflater> DEFLATERS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final java.util.concurrent.atomic.AtomicInteger POOLED = new java.util.concurrent.atomic.AtomicInteger();

    /** {@code image} as a PNG file, marked as {@code dpi} dots per inch. */
    public static byte[] write(BufferedImage image, int dpi) {
        boolean bits = isBlackAndWhite(image);
        BufferedImage source = bits || image.getType() == BufferedImage.TYPE_INT_RGB ? image : Pictures.opaque(image);
        int width = source.getWidth();
        int height = source.getHeight();
        ByteArrayOutputStream out = new ByteArrayOutputStream(bits ? width * height / 40 + 256 : width * height + 256);
        out.writeBytes(head(width, height, bits, dpi));
        chunk(out, "IDAT", bits ? deflate(bitRows(source), BITS_LEVEL) : deflate(rgbRows(source), 6));
        out.writeBytes(IEND);
        return out.toByteArray();
    }

    /** The signature, IHDR (1-bit greyscale or 8-bit RGB) and pHYs chunks of a PNG file. */
    static byte[] head(int width, int height, boolean bits, int dpi) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = (byte) (bits ? 1 : 8);   // bit depth
        header[9] = (byte) (bits ? 0 : 2);   // colour type: greyscale or truecolour
        chunk(out, "IHDR", header);

        byte[] phys = new byte[9];
        int perMetre = (int) Math.round(dpi / 0.0254);
        putInt(phys, 0, perMetre);
        putInt(phys, 4, perMetre);
        phys[8] = 1; // unit: metre
        chunk(out, "pHYs", phys);
        return out.toByteArray();
    }

    /** Whether {@code image} is 1 bit per pixel with 0 black and 1 white, as PNG greyscale. */
    private static boolean isBlackAndWhite(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_BYTE_BINARY
                && image.getColorModel() instanceof java.awt.image.IndexColorModel palette
                && palette.getMapSize() == 2 && palette.getRGB(0) == 0xFF000000 && palette.getRGB(1) == 0xFFFFFFFF;
    }

    /** The scanlines of a 1-bit image, each preceded by filter type 0; 1 is white, as in the image. */
    private static byte[] bitRows(BufferedImage image) {
        int rowBytes = (image.getWidth() + 7) / 8;
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int stride = image.getRaster().getSampleModel() instanceof java.awt.image.MultiPixelPackedSampleModel m
                ? m.getScanlineStride() : rowBytes;
        byte[] rows = new byte[(rowBytes + 1) * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            rows[y * (rowBytes + 1)] = FILTER_NONE;
            System.arraycopy(raster, y * stride, rows, y * (rowBytes + 1) + 1, rowBytes);
        }
        return rows;
    }

    /**
     * The scanlines of an RGB image, each filtered with Sub or Up, whichever gives the smaller sum
     * of absolute values (the usual heuristic): photos compress far better filtered.
     */
    static byte[] rgbRows(BufferedImage image) {
        int width = image.getWidth();
        int rowBytes = width * 3;
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        byte[] rows = new byte[(rowBytes + 1) * image.getHeight()];
        byte[] previous = new byte[rowBytes];
        byte[] current = new byte[rowBytes];
        byte[] sub = new byte[rowBytes];
        byte[] up = new byte[rowBytes];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < width; x++) {
                int p = pixels[y * width + x];
                current[3 * x] = (byte) (p >> 16);
                current[3 * x + 1] = (byte) (p >> 8);
                current[3 * x + 2] = (byte) p;
            }
            long subCost = 0;
            long upCost = 0;
            for (int i = 0; i < rowBytes; i++) {
                sub[i] = (byte) (current[i] - (i >= 3 ? current[i - 3] : 0));
                up[i] = (byte) (current[i] - previous[i]);
                subCost += Math.abs(sub[i]);
                upCost += Math.abs(up[i]);
            }
            int at = y * (rowBytes + 1);
            rows[at] = (byte) (upCost < subCost ? FILTER_UP : FILTER_SUB);
            System.arraycopy(upCost < subCost ? up : sub, 0, rows, at + 1, rowBytes);
            byte[] t = previous;
            previous = current;
            current = t;
        }
        return rows;
    }

    /**
     * {@code data} compressed at {@code level}; deflaters of {@link #BITS_LEVEL}, the small images'
     * level, are pooled (only at that level, so that a reused deflater never carries another).
     */
    private static byte[] deflate(byte[] data, int level) {
        boolean pooled = level == BITS_LEVEL;
        Deflater deflater = pooled ? DEFLATERS.poll() : null;
        if (deflater == null) {
            deflater = new Deflater(level);
        } else {
            POOLED.decrementAndGet();
        }
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
            byte[] buffer = new byte[16 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            if (pooled && POOLED.incrementAndGet() <= POOLED_DEFLATERS) {
                deflater.reset();
                DEFLATERS.offer(deflater);
            } else {
                if (pooled) {
                    POOLED.decrementAndGet();
                }
                deflater.end();
            }
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        byte[] sum = new byte[4];
        putInt(sum, 0, (int) crc.getValue());
        out.writeBytes(sum);
    }

    private static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }
}
