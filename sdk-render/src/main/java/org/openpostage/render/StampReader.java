package org.openpostage.render;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openpostage.api.Bytes;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumFormatException;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.render.internal.DataMatrixScanner;
import org.openpostage.render.internal.ImageFiles;
import org.openpostage.render.internal.StampGeometry;

/**
 * Reads stamps back from scanned or photographed images (PNG or JPEG, any reasonable
 * resolution, slightly rotated, on a busy background) and verifies them:
 *
 * <pre>{@code
 * StampReader reader = StampReader.create();
 * StampVerification v = reader.verify(Files.readAllBytes(scan), keys);
 * if (v.valid()) { ... }
 * }</pre>
 *
 * <p>The image is checked like an upload (format by content, size limits, decompression bombs)
 * against {@link UploadLimits#SCANS}; very large photos are decoded subsampled.
 *
 * <p>The reader looks for the indicium at its own place first: an image with the shape of a stamp
 * of the {@link StampLayout#DEFAULT} layout (a rendered stamp, or a scan cropped to one) is read in
 * its barcode area, and if that fails, on its plate only, never in its picture. Any other image (a
 * photo of an envelope, a scanned sheet) is searched whole, and refused when it holds more than one
 * different Data Matrix symbol: a code in a stamp's picture is never read in place of its
 * indicium. Immutable and thread-safe.
 */
public final class StampReader {
    /** Photos above this many pixels are decoded subsampled: a stamp needs far fewer to be read. */
    static final long DECODE_PIXELS = 16_000_000;

    private final UploadLimits limits;

    private StampReader(UploadLimits limits) {
        this.limits = limits;
    }

    /** A reader with the {@link UploadLimits#SCANS} limits. */
    public static StampReader create() {
        return new StampReader(UploadLimits.SCANS);
    }

    /** A reader with other limits on the images it accepts. */
    public static StampReader create(UploadLimits limits) {
        return new StampReader(Objects.requireNonNull(limits, "limits"));
    }

    /**
     * The bytes of the Data Matrix in an image file: what {@link IndiciumCodec} decodes.
     *
     * @throws InvalidRequestException  if the file is not a PNG or JPEG within the limits, or damaged
     * @throws StampNotFoundException   if no Data Matrix can be read in it
     */
    public Bytes readBytes(byte[] imageFile) {
        return readBytes(ImageFiles.decode(imageFile, limits.subsampledTo(DECODE_PIXELS), "the image").image());
    }

    /**
     * The bytes of the Data Matrix in {@code image}.
     *
     * @throws StampNotFoundException if no Data Matrix can be read in it
     */
    public Bytes readBytes(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        Optional<StampArea> stamp = StampArea.of(image, StampLayout.DEFAULT);
        Optional<byte[]> found;
        if (stamp.isPresent()) {
            found = DataMatrixScanner.scan(stamp.get().barcode());
            if (found.isEmpty()) {
                found = DataMatrixScanner.scan(stamp.get().plate());
            }
        } else {
            List<byte[]> symbols = DataMatrixScanner.scanAll(image);
            if (symbols.size() > 1) {
                throw new StampNotFoundException("the image holds " + symbols.size() + " different Data Matrix "
                        + "symbols; a stamp holds one: crop the image to the stamp (a code beside it, or in its "
                        + "picture, is not its indicium)");
            }
            found = symbols.stream().findFirst();
        }
        return found.map(Bytes::of).orElseThrow(() -> new StampNotFoundException(
                "no readable Data Matrix in the image (" + image.getWidth() + " x " + image.getHeight()
                        + " pixels): is the stamp in it, sharp, and with its white margin?"));
    }

    /**
     * Where a stamp's barcode area and plate lie in an image that has the shape of a whole stamp of
     * {@code layout}, with or without a picture (its aspect ratio within 4 %).
     */
    private record StampArea(BufferedImage barcode, BufferedImage plate) {
        static Optional<StampArea> of(BufferedImage image, StampLayout layout) {
            double aspect = (double) image.getWidth() / image.getHeight();
            for (boolean picture : new boolean[] {false, true}) {
                SizeMm size = layout.size(picture);
                if (Math.abs(aspect / (size.widthMm() / size.heightMm()) - 1) > 0.04) {
                    continue;
                }
                StampGeometry g = StampGeometry.compute(layout.moduleMm(), layout.quietZoneModules(),
                        StampLayout.SYMBOL_MODULES, layout.paddingMm(), layout.gapMm(), layout.textWidthMm(),
                        layout.pictureWidthMm(), layout.frameMm(), picture);
                double pxPerMm = image.getWidth() / size.widthMm();
                // A little more than the barcode area, for a scan that is cut or turned a little.
                double slack = layout.paddingMm();
                return Optional.of(new StampArea(crop(image, g.barcode(), slack, pxPerMm),
                        crop(image, g.plate(), 0, pxPerMm)));
            }
            return Optional.empty();
        }

        private static BufferedImage crop(BufferedImage image, StampGeometry.Box box, double slackMm, double pxPerMm) {
            int x = clamp((int) Math.floor((box.x() - slackMm) * pxPerMm), image.getWidth());
            int y = clamp((int) Math.floor((box.y() - slackMm) * pxPerMm), image.getHeight());
            int right = clamp((int) Math.ceil((box.x() + box.width() + slackMm) * pxPerMm), image.getWidth());
            int bottom = clamp((int) Math.ceil((box.y() + box.height() + slackMm) * pxPerMm), image.getHeight());
            return image.getSubimage(x, y, Math.max(1, right - x), Math.max(1, bottom - y));
        }

        private static int clamp(int v, int max) {
            return Math.max(0, Math.min(v, max));
        }
    }

    /**
     * The indicium in an image file, decoded but not verified.
     *
     * @throws IndiciumFormatException if the Data Matrix does not hold an OpenPostage indicium
     * @throws StampNotFoundException  if no Data Matrix can be read
     * @throws InvalidRequestException if the file is not an acceptable image
     */
    public SignedIndicium read(byte[] imageFile) {
        return IndiciumCodec.decode(readBytes(imageFile));
    }

    /**
     * Reads the indicium in an image file and checks its signature with {@code keys}.
     *
     * @throws IndiciumFormatException if the Data Matrix does not hold an OpenPostage indicium
     * @throws StampNotFoundException  if no Data Matrix can be read
     * @throws InvalidRequestException if the file is not an acceptable image
     */
    public StampVerification verify(byte[] imageFile, VerificationKeySet keys) {
        Objects.requireNonNull(keys, "keys");
        SignedIndicium indicium = read(imageFile);
        return new StampVerification(indicium, keys.verify(indicium));
    }

    /** {@link #verify(byte[], VerificationKeySet)} for an image already decoded. */
    public StampVerification verify(BufferedImage image, VerificationKeySet keys) {
        Objects.requireNonNull(keys, "keys");
        SignedIndicium indicium = IndiciumCodec.decode(readBytes(image));
        return new StampVerification(indicium, keys.verify(indicium));
    }
}
