package org.openpostage.render.internal;

/**
 * Where the parts of a stamp go, in millimetres from the stamp's top-left corner. Computed once
 * per layout; painters turn millimetres into pixels, points or printer dots.
 *
 * @param widthMm          the stamp's width
 * @param heightMm         the stamp's height
 * @param plate            the white plate holding barcode and text
 * @param barcode          the barcode area: the largest symbol plus quiet zone, square
 * @param text             the human-readable block
 * @param moduleMm         the nominal module size
 * @param symbolModules    the side of the largest symbol the barcode area is made for
 * @param withPicture      whether the stamp has a picture behind the plate
 */
public record StampGeometry(double widthMm, double heightMm, Box plate, Box barcode, Box text, double moduleMm,
                            int symbolModules, boolean withPicture) {
    /**
     * A rectangle in millimetres.
     *
     * @param x      left edge
     * @param y      top edge
     * @param width  width
     * @param height height
     */
    public record Box(double x, double y, double width, double height) {
    }

    /**
     * The geometry of a stamp laid out with these parameters (see {@code StampLayout}).
     */
    public static StampGeometry compute(double moduleMm, int quietZoneModules, int symbolModules, double paddingMm,
                                        double gapMm, double textWidthMm, double pictureWidthMm, double frameMm,
                                        boolean withPicture) {
        double barcodeSide = (symbolModules + 2.0 * quietZoneModules) * moduleMm;
        double plateWidth = 2 * paddingMm + barcodeSide + gapMm + textWidthMm;
        double plateHeight = 2 * paddingMm + barcodeSide;
        double plateX = withPicture ? frameMm + pictureWidthMm : 0;
        double plateY = withPicture ? frameMm : 0;
        Box plate = new Box(plateX, plateY, plateWidth, plateHeight);
        Box barcode = new Box(plateX + paddingMm, plateY + paddingMm, barcodeSide, barcodeSide);
        Box text = new Box(barcode.x() + barcodeSide + gapMm, barcode.y(), textWidthMm, barcodeSide);
        double width = plateX + plateWidth + (withPicture ? frameMm : 0);
        double height = plateY + plateHeight + (withPicture ? frameMm : 0);
        return new StampGeometry(width, height, plate, barcode, text, moduleMm, symbolModules, withPicture);
    }
}
