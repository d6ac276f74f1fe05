package org.openpostage.render.internal;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds machine-readable codes in a picture: a picture printed on a stamp must carry none, or a
 * scanner could read it in place of the indicium.
 *
 * <p>ZXing's readers, every format they know, over the whole picture with its two binarizers (QR
 * codes, PDF417 and the 1D barcodes are found anywhere); then Data Matrix and Aztec, whose
 * detectors look for a symbol around the middle of what they are given, over the grid of windows
 * {@link DataMatrixScanner} uses. Pictures are searched at no more than {@value #MAX_SIDE} pixels on
 * their longer side: a stamp prints its picture at about 30 mm high, so a code too small to be
 * found at that size is far too small to be read from a printed stamp.
 */
public final class MachineReadableCodes {
    static final int MAX_SIDE = 1600;
    /** Window sides for the centred detectors: finer than the stamp reader's, since a code may sit anywhere. */
    private static final double[] SCALES = {0.6, 0.36, 0.22};
    private static final Set<BarcodeFormat> CENTRED = EnumSet.of(BarcodeFormat.DATA_MATRIX, BarcodeFormat.AZTEC);
    private static final Set<BarcodeFormat> ALL = EnumSet.complementOf(EnumSet.of(BarcodeFormat.UPC_EAN_EXTENSION));

    private MachineReadableCodes() {
    }

    /** The format of a code found in {@code picture}, if any. */
    public static Optional<BarcodeFormat> find(BufferedImage picture) {
        BufferedImage image = shrunk(picture);
        LuminanceSource source = Gray.of(image);
        MultiFormatReader all = reader(ALL, true);
        Optional<BarcodeFormat> found = decode(all, new BinaryBitmap(new HybridBinarizer(source)));
        if (found.isEmpty()) {
            found = decode(all, new BinaryBitmap(new GlobalHistogramBinarizer(source)));
        }
        MultiFormatReader centred = reader(CENTRED, false);
        for (DataMatrixScanner.Window w : DataMatrixScanner.windows(image.getWidth(), image.getHeight(), SCALES)) {
            if (found.isPresent()) {
                break;
            }
            if (!w.isWhole(source)) {
                found = decode(centred, new BinaryBitmap(new HybridBinarizer(source.crop(w.x(), w.y(), w.width(),
                        w.height()))));
            }
        }
        return found;
    }

    /** How to name {@code format} in a sentence: "a QR code". */
    public static String words(BarcodeFormat format) {
        return switch (format) {
            case DATA_MATRIX -> "a Data Matrix symbol";
            case QR_CODE -> "a QR code";
            case AZTEC -> "an Aztec code";
            case PDF_417 -> "a PDF417 code";
            case MAXICODE -> "a MaxiCode";
            default -> "a barcode (" + format + ")";
        };
    }

    private static Optional<BarcodeFormat> decode(MultiFormatReader reader, BinaryBitmap bitmap) {
        try {
            return Optional.of(reader.decodeWithState(bitmap).getBarcodeFormat());
        } catch (NotFoundException | RuntimeException e) {
            return Optional.empty();
        } finally {
            reader.reset();
        }
    }

    private static MultiFormatReader reader(Set<BarcodeFormat> formats, boolean tryHarder) {
        MultiFormatReader reader = new MultiFormatReader();
        reader.setHints(tryHarder ? Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE, DecodeHintType.POSSIBLE_FORMATS,
                List.copyOf(formats)) : Map.of(DecodeHintType.POSSIBLE_FORMATS, List.copyOf(formats)));
        return reader;
    }

    private static BufferedImage shrunk(BufferedImage picture) {
        int longer = Math.max(picture.getWidth(), picture.getHeight());
        if (longer <= MAX_SIDE) {
            return picture;
        }
        double f = (double) MAX_SIDE / longer;
        BufferedImage small = new BufferedImage(Math.max(1, (int) (picture.getWidth() * f)),
                Math.max(1, (int) (picture.getHeight() * f)), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(picture, 0, 0, small.getWidth(), small.getHeight(), null);
        } finally {
            g.dispose();
        }
        return small;
    }
}
