package org.openpostage.render;

import org.openpostage.api.error.InvalidRequestException;

/**
 * A physical size in millimetres: of a stamp, a label or a page. Hand it to the print component
 * so the browser prints at exactly this size.
 *
 * @param widthMm  the width, positive
 * @param heightMm the height, positive
 */
public record SizeMm(double widthMm, double heightMm) {
    /** Millimetres per inch. */
    public static final double MM_PER_INCH = 25.4;
    /** PDF points per millimetre. */
    public static final double POINTS_PER_MM = 72.0 / MM_PER_INCH;

    public SizeMm {
        if (!(widthMm > 0 && heightMm > 0 && widthMm <= 5000 && heightMm <= 5000)) {
            throw new InvalidRequestException("a size must be positive and at most 5 m, was " + widthMm + " x "
                    + heightMm + " mm");
        }
    }

    /** The width in pixels at {@code dpi}, rounded. */
    public int widthPx(int dpi) {
        return toPx(widthMm, dpi);
    }

    /** The height in pixels at {@code dpi}, rounded. */
    public int heightPx(int dpi) {
        return toPx(heightMm, dpi);
    }

    /** {@code mm} in pixels at {@code dpi}, rounded to the nearest pixel. */
    public static int toPx(double mm, int dpi) {
        return (int) Math.round(mm * dpi / MM_PER_INCH);
    }

    /** For example {@code "63 x 27 mm"}. */
    @Override
    public String toString() {
        return format(widthMm) + " x " + format(heightMm) + " mm";
    }

    private static String format(double mm) {
        return mm == Math.rint(mm) ? Long.toString((long) mm) : String.format(java.util.Locale.ROOT, "%.2f", mm);
    }
}
