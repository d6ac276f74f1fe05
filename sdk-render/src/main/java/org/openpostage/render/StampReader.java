package org.openpostage.render;

import java.awt.image.BufferedImage;
import java.util.Objects;
import org.openpostage.api.Bytes;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumFormatException;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.render.internal.DataMatrixScanner;
import org.openpostage.render.internal.ImageFiles;

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
 * against {@link UploadLimits#SCANS}; very large photos are decoded subsampled. Immutable and
 * thread-safe.
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
        return DataMatrixScanner.scan(image).map(Bytes::of).orElseThrow(() -> new StampNotFoundException(
                "no readable Data Matrix in the image (" + image.getWidth() + " x " + image.getHeight()
                        + " pixels): is the stamp in it, sharp, and with its white margin?"));
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
