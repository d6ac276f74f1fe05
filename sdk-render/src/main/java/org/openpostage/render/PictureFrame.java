package org.openpostage.render;

import java.util.Locale;
import org.openpostage.api.error.InvalidRequestException;

/**
 * Which part of a background picture a stamp shows, so that its subject is not hidden behind the
 * white plate that carries barcode and text: a <b>focal point</b> or a <b>crop box</b>, both in
 * fractions of the picture's width and height (0 is the left or top edge, 1 the right or bottom).
 *
 * <ul>
 *   <li>{@link #focus(double, double)}: the picture is scaled to cover the stamp, as without a
 *       frame, and moved so that the focal point sits as near as the picture's edges allow to the
 *       centre of the picture panel (the part left of the plate that nothing covers).</li>
 *   <li>{@link #crop(double, double, double, double)}: the picture is scaled so that the box
 *       covers the picture panel, and moved so that the box's centre sits as near as possible to
 *       the panel's centre; the rest of the picture fills the frame around the plate.</li>
 * </ul>
 *
 * <p>{@link #CENTRE} (the default) is the focal point (0.5, 0.5) on the whole stamp's centre: the
 * picture centred behind the stamp, as before frames existed. Previews are rendered by the same
 * code as the printed stamp, so they show exactly what prints.
 *
 * @param x      the focal point's x, or the crop box's left edge
 * @param y      the focal point's y, or the crop box's top edge
 * @param width  the crop box's width, or 0 for a focal point
 * @param height the crop box's height, or 0 for a focal point
 * @param centredOnStamp whether the focal point goes to the stamp's centre (only {@link #CENTRE})
 *                       rather than the picture panel's
 */
public record PictureFrame(double x, double y, double width, double height, boolean centredOnStamp) {
    /** The picture centred on the whole stamp. */
    public static final PictureFrame CENTRE = new PictureFrame(0.5, 0.5, 0, 0, true);

    public PictureFrame {
        fraction("x", x);
        fraction("y", y);
        if (width != 0 || height != 0) {
            if (!(width >= 0.02 && height >= 0.02 && x + width <= 1.000001 && y + height <= 1.000001)) {
                throw new InvalidRequestException(String.format(Locale.ROOT,
                        "frame: a crop box needs a width and height of at least 0.02 inside the picture, was"
                                + " %.3f, %.3f, %.3f x %.3f", x, y, width, height));
            }
            if (centredOnStamp) {
                throw new InvalidRequestException("frame: a crop box is placed on the picture panel");
            }
        }
    }

    /** The focal point ({@code x}, {@code y}), placed at the centre of the picture panel. */
    public static PictureFrame focus(double x, double y) {
        return new PictureFrame(x, y, 0, 0, false);
    }

    /** The crop box from ({@code left}, {@code top}), {@code width} by {@code height}, shown in the picture panel. */
    public static PictureFrame crop(double left, double top, double width, double height) {
        return new PictureFrame(left, top, width, height, false);
    }

    /** Whether this is a crop box (else a focal point). */
    public boolean isCrop() {
        return width > 0;
    }

    private static void fraction(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new InvalidRequestException("frame." + name + " must be a fraction from 0 to 1, was " + v);
        }
    }

    /** A compact form for identities and caches: {@code focus:0.300,0.600} or {@code crop:...}. */
    @Override
    public String toString() {
        return this.equals(CENTRE) ? "centre" : isCrop()
                ? String.format(Locale.ROOT, "crop:%.4f,%.4f,%.4f,%.4f", x, y, width, height)
                : String.format(Locale.ROOT, "focus:%.4f,%.4f", x, y);
    }
}
