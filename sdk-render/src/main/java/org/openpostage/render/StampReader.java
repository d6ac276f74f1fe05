package org.openpostage.render;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.security.Provider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.internal.DataMatrixScanner;
import org.openpostage.render.internal.ImageFiles;
import org.openpostage.render.internal.QuickPng;
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
 * <p>Signatures are checked with the JDK's providers unless {@link #withSignatureProvider} names
 * another (BouncyCastle: about ten times as fast for ECDSA P-256).
 *
 * <p>The image is checked like an upload (format by content, size limits, decompression bombs)
 * against {@link UploadLimits#SCANS}; very large photos are decoded subsampled.
 *
 * <p>A PNG stamp as the renderers write it (1-bit or RGB, with the stamp's shape) is read fast:
 * its grey levels straight from the file and the symbol in place in its barcode area; if that
 * does not find a symbol the file is read the careful way below.
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
    private final Provider signatureProvider;

    private StampReader(UploadLimits limits, Provider signatureProvider) {
        this.limits = limits;
        this.signatureProvider = signatureProvider;
    }

    /** A reader with the {@link UploadLimits#SCANS} limits. */
    public static StampReader create() {
        return new StampReader(UploadLimits.SCANS, null);
    }

    /** A reader with other limits on the images it accepts. */
    public static StampReader create(UploadLimits limits) {
        return new StampReader(Objects.requireNonNull(limits, "limits"), null);
    }

    /**
     * A reader like this one that checks signatures with the JCA {@code provider} instead of the
     * JDK's default providers ({@link VerificationKeySet#verify(SignedIndicium, Provider)}; the
     * verdicts are the same). BouncyCastle verifies ECDSA P-256 about ten times as fast as the
     * JDK 17 default (docs/performance.md); this library does not depend on it, so the caller
     * passes it, for example {@code reader.withSignatureProvider(new BouncyCastleProvider())}.
     *
     * @param provider the provider, or {@code null} for the JDK's default providers
     */
    public StampReader withSignatureProvider(Provider provider) {
        return new StampReader(limits, provider);
    }

    /** The provider signatures are checked with; {@code null} for the JDK's default providers. */
    public Provider signatureProvider() {
        return signatureProvider;
    }

    /**
     * The bytes of the Data Matrix in an image file: what {@link IndiciumCodec} decodes.
     *
     * @throws InvalidRequestException  if the file is not a PNG or JPEG within the limits, or damaged
     * @throws StampNotFoundException   if no Data Matrix can be read in it
     */
    public Bytes readBytes(byte[] imageFile) {
        return readInPlace(imageFile).orElseGet(() -> readBytes(ImageFiles.decode(imageFile,
                limits.subsampledTo(DECODE_PIXELS), "the image").image()));
    }

    /**
     * The quick path for a clean stamp PNG, as the renderers write it: grey levels straight from
     * the file ({@link QuickPng}) and the symbol read in place in its barcode area; empty for any
     * other file, which {@link #readBytes(byte[])} then reads the careful way.
     */
    Optional<Bytes> readInPlace(byte[] imageFile) {
        if (imageFile == null) {
            return Optional.empty();
        }
        return QuickPng.luminance(imageFile, limits.subsampledTo(DECODE_PIXELS)).flatMap(gray ->
                StampArea.symbol(gray.getWidth(), gray.getHeight(), StampLayout.DEFAULT)
                        .flatMap(r -> DataMatrixScanner.pure(gray.crop(r.x, r.y, r.width, r.height))))
                .map(Bytes::of);
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
            found = DataMatrixScanner.pure(stamp.get().symbol());
            if (found.isEmpty()) {
                found = DataMatrixScanner.scan(stamp.get().barcode());
            }
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
    private record StampArea(BufferedImage symbol, BufferedImage barcode, BufferedImage plate) {
        static Optional<StampArea> of(BufferedImage image, StampLayout layout) {
            int w = image.getWidth();
            int h = image.getHeight();
            return geometry(w, h, layout).map(g -> {
                double pxPerMm = w / g.widthMm();
                // A little more than the barcode area, for a scan that is cut or turned a little.
                return new StampArea(crop(image, symbol(w, h, layout, g)),
                        crop(image, rectangle(g.barcode(), layout.paddingMm(), pxPerMm, w, h)),
                        crop(image, rectangle(g.plate(), 0, pxPerMm, w, h)));
            });
        }

        /**
         * Where the symbol alone is, with its quiet zone and half the plate's padding around it,
         * in a stamp-shaped image of {@code w} x {@code h}: for reading it in place. Less margin
         * than {@link #barcode}, so that a pixel of picture at the plate's edge never falls in it.
         */
        static Optional<Rectangle> symbol(int w, int h, StampLayout layout) {
            return geometry(w, h, layout).map(g -> symbol(w, h, layout, g));
        }

        private static Rectangle symbol(int w, int h, StampLayout layout, StampGeometry g) {
            return rectangle(g.barcode(), layout.paddingMm() / 2, w / g.widthMm(), w, h);
        }

        private static Optional<StampGeometry> geometry(int w, int h, StampLayout layout) {
            double aspect = (double) w / h;
            for (boolean picture : new boolean[] {false, true}) {
                SizeMm size = layout.size(picture);
                if (Math.abs(aspect / (size.widthMm() / size.heightMm()) - 1) > 0.04) {
                    continue;
                }
                return Optional.of(StampGeometry.compute(layout.moduleMm(), layout.quietZoneModules(),
                        StampLayout.SYMBOL_MODULES, layout.paddingMm(), layout.gapMm(), layout.textWidthMm(),
                        layout.pictureWidthMm(), layout.frameMm(), picture));
            }
            return Optional.empty();
        }

        private static Rectangle rectangle(StampGeometry.Box box, double slackMm, double pxPerMm, int w, int h) {
            int x = clamp((int) Math.floor((box.x() - slackMm) * pxPerMm), w);
            int y = clamp((int) Math.floor((box.y() - slackMm) * pxPerMm), h);
            int right = clamp((int) Math.ceil((box.x() + box.width() + slackMm) * pxPerMm), w);
            int bottom = clamp((int) Math.ceil((box.y() + box.height() + slackMm) * pxPerMm), h);
            x = Math.min(x, w - 1);
            y = Math.min(y, h - 1);
            return new Rectangle(x, y, Math.max(1, right - x), Math.max(1, bottom - y));
        }

        private static BufferedImage crop(BufferedImage image, Rectangle r) {
            return image.getSubimage(r.x, r.y, r.width, r.height);
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
        return new StampVerification(indicium, keys.verify(indicium, signatureProvider));
    }

    /** {@link #verify(byte[], VerificationKeySet)} for an image already decoded. */
    public StampVerification verify(BufferedImage image, VerificationKeySet keys) {
        Objects.requireNonNull(keys, "keys");
        SignedIndicium indicium = IndiciumCodec.decode(readBytes(image));
        return new StampVerification(indicium, keys.verify(indicium, signatureProvider));
    }
}
