package org.openpostage.portal.internal.shop;

import org.openpostage.render.PictureFrame;

/**
 * Where a picture's subject goes on the stamp, as the add-to-cart form gives it (percent from the
 * picture's left and top edges) and as the cart and database keep it: {@code focus:30,60}.
 */
public final class Frames {
    private Frames() {
    }

    /** The frame of the form's fields, or {@code null} (centred) when both are empty. */
    public static String of(String fromLeft, String fromTop) {
        boolean none = (fromLeft == null || fromLeft.isBlank()) && (fromTop == null || fromTop.isBlank());
        if (none) {
            return null;
        }
        return "focus:" + percent(fromLeft) + "," + percent(fromTop);
    }

    /** The picture frame of a kept frame ({@link PictureFrame#CENTRE} for {@code null}). */
    public static PictureFrame parse(String frame) {
        if (frame == null) {
            return PictureFrame.CENTRE;
        }
        String[] xy = frame.substring("focus:".length()).split(",");
        return PictureFrame.focus(Integer.parseInt(xy[0]) / 100.0, Integer.parseInt(xy[1]) / 100.0);
    }

    private static int percent(String v) {
        try {
            int p = Integer.parseInt(v == null || v.isBlank() ? "50" : v.strip());
            if (p >= 0 && p <= 100) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new FieldError("focus-x", "The subject's place is a percentage from 0 to 100.");
    }
}
