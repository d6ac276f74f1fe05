package org.openpostage.render;

import java.util.Objects;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.internal.ImageFiles;
import org.openpostage.render.internal.ImageLimits;
import org.openpostage.render.internal.MachineReadableCodes;

/**
 * Checks background pictures before they are stored or composed with stamps.
 *
 * <p>An upload must be a PNG or JPEG file (recognised by its content, whatever its name or
 * declared type), within the {@link UploadLimits} in bytes, and in pixels as declared by its
 * header, which is read <em>before</em> decoding: a decompression bomb (a small file declaring a
 * huge image) is refused without allocating its pixels. A damaged file is refused too, and so is a
 * picture that holds a machine-readable code (a Data Matrix, QR, Aztec or PDF417 code, a 1D
 * barcode: ZXing's readers), which a scanner could read in place of the stamp's indicium. Every
 * refusal is an {@link InvalidRequestException} whose message says what is wrong, ready to be
 * shown to the user:
 *
 * <pre>{@code
 * try {
 *     Background picture = BackgroundImages.check(upload);
 *     RenderedImage stamp = renderer.png(indicium, picture);
 * } catch (InvalidRequestException e) {
 *     showUser(e.getMessage()); // e.g. "the upload is a GIF image; only PNG and JPEG are accepted"
 * }
 * }</pre>
 *
 * <p>A photo straight from a phone carries metadata its owner rarely means to share: the GPS
 * position where it was taken, the camera's serial number, a thumbnail of the original. A portal
 * that keeps users' pictures and shows them again stores what {@link #clean(byte[])} returns: the
 * same checks, then the picture written afresh from its pixels, without any metadata, turned
 * upright as its EXIF orientation said:
 *
 * <pre>{@code
 * byte[] stored = BackgroundImages.clean(upload).content().toArray();
 * }</pre>
 *
 * <p>JPEG pictures are shown upright in every case: the EXIF orientation a phone records is applied
 * to the pixels when they are decoded.
 */
public final class BackgroundImages {
    private BackgroundImages() {
    }

    /** Checks an upload against {@link UploadLimits#BACKGROUNDS}. */
    public static Background check(byte[] upload) {
        return check(upload, UploadLimits.BACKGROUNDS);
    }

    /**
     * Checks an upload against {@code limits}.
     *
     * @return the checked, decoded picture
     * @throws InvalidRequestException if it is empty, too large, not an image, not PNG or JPEG,
     *                                 has too many pixels, is a decompression bomb, is damaged, or
     *                                 holds a machine-readable code
     */
    public static Background check(byte[] upload, UploadLimits limits) {
        Objects.requireNonNull(limits, "limits");
        ImageFiles.Decoded decoded = ImageFiles.decode(upload, limits.full(), "the upload");
        refuseCodes(decoded, "the upload");
        return new Background(decoded.mediaType(), Bytes.of(upload), decoded.image());
    }

    /** Cleans an upload within {@link UploadLimits#BACKGROUNDS}: see {@link #clean(byte[], UploadLimits)}. */
    public static Background clean(byte[] upload) {
        return clean(upload, UploadLimits.BACKGROUNDS);
    }

    /**
     * Checks an upload as {@link #check(byte[], UploadLimits)} does and returns it written afresh
     * from its pixels: the same format (PNG stays lossless, JPEG is compressed again at quality
     * 0.92), upright, and without metadata of any kind (EXIF with its GPS position, camera serial
     * number and thumbnail; XMP; IPTC; comments; PNG text and {@code eXIf} chunks). Its
     * {@link Background#content()} is what a portal should store and serve back.
     *
     * @throws InvalidRequestException as {@link #check(byte[], UploadLimits)}
     */
    public static Background clean(byte[] upload, UploadLimits limits) {
        Objects.requireNonNull(limits, "limits");
        ImageFiles.Decoded decoded = ImageFiles.decode(upload, limits.full(), "the upload");
        refuseCodes(decoded, "the upload");
        byte[] clean = ImageFiles.reencode(decoded);
        // Its pixels are the ones just checked; decoded again so that the picture is exactly what the file holds.
        ImageFiles.Decoded again = ImageFiles.decode(clean, ImageLimits.OWN_OUTPUT, "the cleaned upload");
        return new Background(again.mediaType(), Bytes.of(clean), again.image());
    }

    /** Refuses a picture holding a machine-readable code: it could be read in place of the indicium. */
    private static void refuseCodes(ImageFiles.Decoded decoded, String what) {
        MachineReadableCodes.find(decoded.image()).ifPresent(format -> {
            throw new InvalidRequestException(what + " holds " + MachineReadableCodes.words(format) + ": a picture "
                    + "on a stamp must not carry a machine-readable code, which a scanner could read in place of "
                    + "the stamp's own; choose a picture without one");
        });
    }

    /**
     * Checks a catalogue entry against {@link UploadLimits#BACKGROUNDS}, and that its declared
     * media type and size match its content.
     *
     * @throws InvalidRequestException naming the entry and what is wrong with it
     */
    public static Background check(BackgroundImage entry) {
        Objects.requireNonNull(entry, "entry");
        String what = "background '" + entry.id() + "'";
        ImageFiles.Decoded decoded = ImageFiles.decode(entry.content().toArray(), UploadLimits.BACKGROUNDS.full(), what);
        if (!decoded.mediaType().equals(entry.mediaType())) {
            throw new InvalidRequestException(what + " is declared as " + entry.mediaType() + " but is "
                    + decoded.mediaType());
        }
        if (decoded.width() != entry.widthPx() || decoded.height() != entry.heightPx()) {
            throw new InvalidRequestException(what + " is declared as " + entry.widthPx() + " x " + entry.heightPx()
                    + " pixels but is " + decoded.width() + " x " + decoded.height());
        }
        refuseCodes(decoded, what);
        return new Background(decoded.mediaType(), entry.content(), decoded.image());
    }
}
