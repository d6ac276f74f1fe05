package org.openpostage.render.internal;

import com.google.zxing.LuminanceSource;
import com.google.zxing.PlanarYUVLuminanceSource;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/** Filters on grey-level images, as ZXing luminance sources. */
final class Gray {
    private Gray() {
    }

    /**
     * The grey levels of {@code image} (ITU-R BT.601 luma; transparent pixels count as white).
     * Reads the raster directly for the renderers' own types (1-bit, RGB, and ImageIO's BGR), which
     * is many times faster than going through {@code getRGB}; a sub-image (a crop sharing its
     * parent's raster) is read at its own place in the parent's data.
     */
    static LuminanceSource of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] gray = new byte[w * h];
        WritableRaster raster = image.getRaster();
        // Where the image's (0, 0) lies in its sample model: not at the origin in a sub-image.
        int tx = -raster.getSampleModelTranslateX();
        int ty = -raster.getSampleModelTranslateY();
        switch (image.getType()) {
            case BufferedImage.TYPE_BYTE_BINARY -> {
                if (!(image.getSampleModel() instanceof MultiPixelPackedSampleModel m) || m.getPixelBitStride() != 1
                        || !(image.getColorModel() instanceof IndexColorModel palette)) {
                    return generic(image, gray);
                }
                byte[] bits = ((DataBufferByte) raster.getDataBuffer()).getData();
                byte zero = (byte) luma(palette.getRGB(0));
                byte one = (byte) luma(palette.getRGB(1));
                int stride = m.getScanlineStride();
                int firstBit = raster.getDataBuffer().getOffset() * 8 + m.getDataBitOffset() + tx;
                for (int y = 0; y < h; y++) {
                    int row = (y + ty) * stride * 8 + firstBit;
                    for (int x = 0; x < w; x++) {
                        int at = row + x;
                        int bit = (bits[at >> 3] >> (7 - (at & 7))) & 1;
                        gray[y * w + x] = bit == 0 ? zero : one;
                    }
                }
            }
            case BufferedImage.TYPE_INT_RGB -> {
                if (!(image.getSampleModel() instanceof SinglePixelPackedSampleModel m)) {
                    return generic(image, gray);
                }
                int[] pixels = ((DataBufferInt) raster.getDataBuffer()).getData();
                int stride = m.getScanlineStride();
                int offset = raster.getDataBuffer().getOffset();
                for (int y = 0; y < h; y++) {
                    int row = offset + (y + ty) * stride + tx;
                    for (int x = 0; x < w; x++) {
                        gray[y * w + x] = (byte) luma(pixels[row + x]);
                    }
                }
            }
            case BufferedImage.TYPE_3BYTE_BGR -> {
                if (!(image.getSampleModel() instanceof ComponentSampleModel m) || m.getPixelStride() != 3) {
                    return generic(image, gray);
                }
                byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
                int stride = m.getScanlineStride();
                int[] bands = m.getBandOffsets(); // red, green, blue
                int offset = raster.getDataBuffer().getOffset();
                for (int y = 0; y < h; y++) {
                    int row = offset + (y + ty) * stride + tx * 3;
                    for (int x = 0; x < w; x++) {
                        int at = row + 3 * x;
                        int r = bgr[at + bands[0]] & 0xFF;
                        int g = bgr[at + bands[1]] & 0xFF;
                        int b = bgr[at + bands[2]] & 0xFF;
                        gray[y * w + x] = (byte) ((306 * r + 601 * g + 117 * b + 512) >> 10);
                    }
                }
            }
            case BufferedImage.TYPE_BYTE_GRAY -> {
                if (!(image.getSampleModel() instanceof ComponentSampleModel m) || m.getPixelStride() != 1) {
                    return generic(image, gray);
                }
                byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
                int offset = raster.getDataBuffer().getOffset() + m.getBandOffsets()[0];
                for (int y = 0; y < h; y++) {
                    System.arraycopy(data, offset + (y + ty) * m.getScanlineStride() + tx, gray, y * w, w);
                }
            }
            default -> {
                return generic(image, gray);
            }
        }
        return new PlanarYUVLuminanceSource(gray, w, h, 0, 0, w, h, false);
    }

    private static LuminanceSource generic(BufferedImage image, byte[] gray) {
        int w = image.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int alpha = argb >>> 24;
                // Composite onto white.
                int l = luma(argb);
                gray[y * w + x] = (byte) ((l * alpha + 255 * (255 - alpha)) / 255);
            }
        }
        return new PlanarYUVLuminanceSource(gray, w, image.getHeight(), 0, 0, w, image.getHeight(), false);
    }

    private static int luma(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return (306 * r + 601 * g + 117 * b + 512) >> 10;
    }

    /** {@code source} through a 3 &times; 3 median filter: removes isolated dark or light specks. */
    static LuminanceSource median3(LuminanceSource source) {
        int w = source.getWidth();
        int h = source.getHeight();
        byte[] in = source.getMatrix();
        byte[] out = new byte[w * h];
        int[] v = new int[9];
        for (int y = 0; y < h; y++) {
            int up = Math.max(0, y - 1) * w;
            int row = y * w;
            int down = Math.min(h - 1, y + 1) * w;
            for (int x = 0; x < w; x++) {
                int l = Math.max(0, x - 1);
                int r = Math.min(w - 1, x + 1);
                v[0] = in[up + l] & 0xFF;
                v[1] = in[up + x] & 0xFF;
                v[2] = in[up + r] & 0xFF;
                v[3] = in[row + l] & 0xFF;
                v[4] = in[row + x] & 0xFF;
                v[5] = in[row + r] & 0xFF;
                v[6] = in[down + l] & 0xFF;
                v[7] = in[down + x] & 0xFF;
                v[8] = in[down + r] & 0xFF;
                out[row + x] = (byte) median9(v);
            }
        }
        return new PlanarYUVLuminanceSource(out, w, h, 0, 0, w, h, false);
    }

    /** {@code source} at half the size, each pixel the mean of four. */
    static LuminanceSource halve(LuminanceSource source) {
        int w = source.getWidth() / 2;
        int h = source.getHeight() / 2;
        int sw = source.getWidth();
        byte[] in = source.getMatrix();
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int a = 2 * y * sw;
            int b = a + sw;
            for (int x = 0; x < w; x++) {
                int sum = (in[a + 2 * x] & 0xFF) + (in[a + 2 * x + 1] & 0xFF) + (in[b + 2 * x] & 0xFF)
                        + (in[b + 2 * x + 1] & 0xFF);
                out[y * w + x] = (byte) (sum >> 2);
            }
        }
        return new PlanarYUVLuminanceSource(out, w, h, 0, 0, w, h, false);
    }

    /** The median of nine values, by partial selection. */
    private static int median9(int[] v) {
        for (int i = 0; i <= 4; i++) {
            int min = i;
            for (int j = i + 1; j < 9; j++) {
                if (v[j] < v[min]) {
                    min = j;
                }
            }
            int t = v[i];
            v[i] = v[min];
            v[min] = t;
        }
        return v[4];
    }
}
