package org.openpostage.api.model;

import org.openpostage.api.internal.Checks;

/**
 * The outer size of a mail piece in whole millimetres, each side from 1 mm to 3 m.
 *
 * @param lengthMm    the longest side
 * @param widthMm     the second side
 * @param thicknessMm the thickness
 */
public record Dimensions(int lengthMm, int widthMm, int thicknessMm) {
    /** The longest side accepted, in millimetres. */
    public static final int MAX_MM = 3_000;

    public Dimensions {
        Checks.range("dimensions.lengthMm", lengthMm, 1, MAX_MM);
        Checks.range("dimensions.widthMm", widthMm, 1, MAX_MM);
        Checks.range("dimensions.thicknessMm", thicknessMm, 1, MAX_MM);
    }

    @Override
    public String toString() {
        return lengthMm + " x " + widthMm + " x " + thicknessMm + " mm";
    }
}
