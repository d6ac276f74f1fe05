package org.openpostage.render.internal;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.Result;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.datamatrix.DataMatrixReader;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and decodes a Data Matrix symbol in a scanned or photographed image.
 *
 * <p>ZXing's Data Matrix detector grows a white-bordered rectangle from the centre of the image
 * it is given, so it finds a symbol only when that centre lies on it: a whole stamp (barcode
 * beside text, perhaps on a busy picture) or a photo of an envelope usually has its centre
 * elsewhere. The scanner therefore tries the whole image first and then square windows centred
 * on a grid, at a few scales, each with ZXing's hybrid binarizer (local thresholds: copes with
 * uneven light), then the larger windows again with its global one. Small images are enlarged for a
 * last pass. Slight rotation and perspective are handled by the detector itself.
 */
public final class DataMatrixScanner {
    private static final Map<DecodeHintType, Object> HINTS = Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE);
    private static final Map<DecodeHintType, Object> PURE = Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE);
    /** Window sides as fractions of the image's shorter side. */
    private static final double[] SCALES = {1.0, 0.6, 0.36};
    /** Windows overlap: their centres are a quarter of a side apart. */
    private static final int STEPS_PER_SIDE = 4;
    private static final int MIN_WINDOW = 48;
    private static final int SMALL_IMAGE = 480;
    /** Turns tried last; with the detector's own tolerance they cover every angle (symbols read at 90 degrees). */
    private static final double[] ANGLES = {15, -15, 30, -30, 45};

    private DataMatrixScanner() {
    }

    /**
     * The bytes of the first Data Matrix found in {@code image}, if any. Passes, each stopping at
     * the first symbol found: the image as is; with speckle removed by a 3 &times; 3 median filter
     * (dust, paper texture and sensor noise break the quiet zone the detector looks for); halved
     * (large photos); enlarged (small images); and turned by multiples of 15 degrees, since the
     * detector copes with a symbol turned by a few degrees but not when a turned symbol's bounding
     * box takes in the text beside it.
     */
    public static Optional<byte[]> scan(BufferedImage image) {
        List<byte[]> found = scan(image, false);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * The bytes of a Data Matrix that is all there is in {@code source} (dark modules, white around,
     * nothing else dark: the barcode area of a clean stamp), read without searching: its corners
     * and module size are taken from the outermost dark pixels and the modules sampled at their
     * centres (ZXing's pure-barcode mode). Far cheaper than {@link #scan}; empty for anything else
     * (a scan, a photo, a turned or soiled stamp), which then needs {@link #scan}.
     */
    public static Optional<byte[]> pure(LuminanceSource source) {
        try {
            Result result = new DataMatrixReader().decode(new BinaryBitmap(new GlobalHistogramBinarizer(source)), PURE);
            return Optional.of(result.getText().getBytes(StandardCharsets.ISO_8859_1));
        } catch (ReaderException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** {@link #pure(LuminanceSource)} of an image. */
    public static Optional<byte[]> pure(BufferedImage image) {
        return pure(Gray.of(image));
    }

    /**
     * Every different Data Matrix found by the first pass of {@link #scan(BufferedImage)} that
     * finds one: that pass runs over all its windows instead of stopping at the first symbol. For
     * a reader that must not take one symbol for another (a code in a stamp's picture beside the
     * stamp's own).
     */
    public static List<byte[]> scanAll(BufferedImage image) {
        return scan(image, true);
    }

    private static List<byte[]> scan(BufferedImage image, boolean all) {
        LuminanceSource source = Gray.of(image);
        List<byte[]> found = scan(source, all);
        if (found.isEmpty()) {
            found = scan(Gray.median3(source), all);
        }
        if (found.isEmpty() && Math.min(image.getWidth(), image.getHeight()) >= 2 * SMALL_IMAGE) {
            found = scan(Gray.median3(Gray.halve(source)), all);
        }
        List<BufferedImage> toTurn = List.of(image);
        if (Math.min(image.getWidth(), image.getHeight()) < SMALL_IMAGE) {
            // A small image is enlarged, once as it is and once with speckle removed first (enlarged,
            // a speck is too big for the median, but faint ink survives only without it), and turned
            // after enlarging: turning a symbol of 2 or 3 pixels per module blurs its modules
            // together. DataMatrixDifferentialTest found symbols that libdmtx read and this scanner
            // did not, before all three.
            BufferedImage large = enlarge(image, 3);
            BufferedImage despeckled = enlarge(image(Gray.median3(source)), 3);
            toTurn = List.of(large, despeckled);
            if (found.isEmpty()) {
                found = scan(Gray.median3(Gray.of(large)), all);
            }
            if (found.isEmpty()) {
                found = scan(Gray.of(despeckled), all);
            }
        }
        for (BufferedImage base : toTurn) {
            for (int i = 0; found.isEmpty() && i < ANGLES.length; i++) {
                found = scan(Gray.median3(Gray.of(rotate(base, ANGLES[i]))), all);
            }
        }
        return found;
    }

    /**
     * Every window with the hybrid binarizer, then the large ones with the global binarizer; stops
     * at the first symbol unless {@code all}, and then returns each different one once.
     */
    private static List<byte[]> scan(LuminanceSource source, boolean all) {
        List<byte[]> found = new ArrayList<>();
        List<Window> windows = windows(source.getWidth(), source.getHeight());
        for (int binarizer = 0; binarizer < 2; binarizer++) {
            for (Window w : windows) {
                if (binarizer == 1 && !w.large()) {
                    continue;
                }
                LuminanceSource cropped = crop(source, w);
                Optional<byte[]> symbol = decode(new BinaryBitmap(binarizer == 0 ? new HybridBinarizer(cropped)
                        : new GlobalHistogramBinarizer(cropped)));
                if (symbol.isPresent() && found.stream().noneMatch(f -> java.util.Arrays.equals(f, symbol.get()))) {
                    found.add(symbol.get());
                    if (!all) {
                        return found;
                    }
                }
            }
        }
        return found;
    }

    private static LuminanceSource crop(LuminanceSource source, Window w) {
        return w.isWhole(source) ? source : source.crop(w.x(), w.y(), w.width(), w.height());
    }

    private static Optional<byte[]> decode(BinaryBitmap bitmap) {
        try {
            Result result = new DataMatrixReader().decode(bitmap, HINTS);
            // Without an ECI the decoder maps every byte to the ISO-8859-1 character of the same value.
            return Optional.of(result.getText().getBytes(StandardCharsets.ISO_8859_1));
        } catch (ReaderException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** A region to try, in pixels; {@code large} ones are also tried with the global binarizer. */
    record Window(int x, int y, int width, int height, boolean large) {
        boolean isWhole(LuminanceSource s) {
            return x == 0 && y == 0 && width == s.getWidth() && height == s.getHeight();
        }
    }

    /**
     * The whole image, then windows from large to small, each scale's centres on a grid. In an
     * elongated image (a stamp: barcode beside text) the symbol cannot fill the image and its
     * centre is rarely the image's, so the windows of the shorter side's size come first there.
     */
    static List<Window> windows(int width, int height) {
        return windows(width, height, SCALES);
    }

    /** {@link #windows(int, int)} at the given scales (fractions of the shorter side, largest first). */
    static List<Window> windows(int width, int height, double[] scales) {
        List<Window> windows = new ArrayList<>();
        Window whole = new Window(0, 0, width, height, true);
        boolean elongated = Math.max(width, height) >= 1.8 * Math.min(width, height);
        if (!elongated) {
            windows.add(whole);
        }
        int shorter = Math.min(width, height);
        for (double scale : scales) {
            int side = (int) Math.round(shorter * scale);
            if (side < MIN_WINDOW) {
                continue;
            }
            int step = Math.max(1, side / STEPS_PER_SIDE);
            for (int y : positions(height, side, step)) {
                for (int x : positions(width, side, step)) {
                    if (side == width && side == height) {
                        continue; // the whole image, already tried
                    }
                    windows.add(new Window(x, y, Math.min(side, width - x), Math.min(side, height - y), scale == 1.0));
                }
            }
            if (elongated && scale == scales[0]) {
                windows.add(whole);
            }
        }
        return windows;
    }

    /** Offsets of windows of {@code side} along a dimension of {@code length}, ending flush with it. */
    private static List<Integer> positions(int length, int side, int step) {
        List<Integer> positions = new ArrayList<>();
        if (side >= length) {
            positions.add(0);
            return positions;
        }
        for (int p = 0; p + side < length; p += step) {
            positions.add(p);
        }
        positions.add(length - side);
        return positions;
    }

    /** {@code image} turned by {@code degrees} about its centre on a white canvas that holds all of it. */
    private static BufferedImage rotate(BufferedImage image, double degrees) {
        double r = Math.toRadians(degrees);
        double sin = Math.abs(Math.sin(r));
        double cos = Math.abs(Math.cos(r));
        int w = (int) Math.ceil(image.getWidth() * cos + image.getHeight() * sin);
        int h = (int) Math.ceil(image.getWidth() * sin + image.getHeight() * cos);
        BufferedImage turned = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = turned.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.translate(w / 2.0, h / 2.0);
            g.rotate(r);
            g.drawImage(image, -image.getWidth() / 2, -image.getHeight() / 2, null);
        } finally {
            g.dispose();
        }
        return turned;
    }

    /** A grey image of {@code source}'s luminance. */
    private static BufferedImage image(LuminanceSource source) {
        BufferedImage image = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, source.getWidth(), source.getHeight(), source.getMatrix());
        return image;
    }

    private static BufferedImage enlarge(BufferedImage image, int factor) {
        BufferedImage big = new BufferedImage(image.getWidth() * factor, image.getHeight() * factor,
                BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = big.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, big.getWidth(), big.getHeight(), null);
        } finally {
            g.dispose();
        }
        return big;
    }
}
