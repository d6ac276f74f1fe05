package org.openpostage.render;

import org.openpostage.api.error.InvalidRequestException;

/**
 * The geometry of a stamp, in millimetres. All outputs (PNG, PDF, ZPL, sheets) follow it, so a
 * stamp has the same physical size whatever the format or resolution.
 *
 * <p>A stamp is a white <em>plate</em> holding the Data Matrix (with its quiet zone) on the left
 * and the human-readable block on the right. With a background picture the stamp grows by a
 * picture panel on the left and a frame around the plate; the picture is scaled and cropped to
 * cover the whole stamp and the plate is drawn over it, so barcode and text always sit on clean
 * white:
 *
 * <pre>
 *  without background              with background
 *  +---------------------------+   +------------------------------------+
 *  | +------+  USD 0.85        |   | picture  +------+  USD 0.85        |
 *  | |::::::|  Standard letter |   | picture  |::::::|  Standard letter |
 *  | |::::::|  2026-11-25      |   | picture  |::::::|  ...             |
 *  | +------+  ...             |   | picture  +------+                  |
 *  +---------------------------+   +------------------------------------+
 * </pre>
 *
 * <p>The {@link #DEFAULT} layout: modules of 0.5 mm, a quiet zone of 2 modules, a 24 mm barcode
 * area (room for the 44 &times; 44 symbol of any indicium up to {@code IndiciumCodec.MAX_LENGTH}
 * bytes), 1.5 mm plate padding, a 2 mm gap and a 34 mm text block: a plain stamp of 63 &times;
 * 27 mm; with a background a 28 mm picture panel and a 1.5 mm frame make it 94 &times; 30 mm.
 *
 * <p>Bitmaps round the module size to whole pixels (0.5 mm is 4 pixels at 203 dpi, 6 at 300 dpi
 * and 12 at 600 dpi), so the printed symbol may differ from the nominal size by a few hundredths
 * of a millimetre; everything else is placed at the nearest pixel.
 *
 * @param moduleMm         the side of one Data Matrix module (0.25 to 2 mm)
 * @param quietZoneModules the white margin around the symbol, in modules (at least 1; ISO/IEC
 *                         16022 requires 1, scanners like more)
 * @param paddingMm        the white margin inside the plate, around barcode and text
 * @param gapMm            the space between barcode area and text block
 * @param textWidthMm      the width of the human-readable block
 * @param pictureWidthMm   the width of the picture panel left of the plate, when there is a background
 * @param frameMm          the band of picture around the plate, when there is a background
 */
public record StampLayout(double moduleMm, int quietZoneModules, double paddingMm, double gapMm,
                          double textWidthMm, double pictureWidthMm, double frameMm) {
    /**
     * The side of the largest symbol the layout reserves room for, in modules: 44 &times; 44 holds
     * 144 data codewords, enough for {@code IndiciumCodec.MAX_LENGTH} bytes in base 256 mode.
     */
    public static final int SYMBOL_MODULES = 44;

    /** The default layout, described above. */
    public static final StampLayout DEFAULT = new StampLayout(0.5, 2, 1.5, 2.0, 34.0, 28.0, 1.5);

    public StampLayout {
        check("moduleMm", moduleMm, 0.25, 2.0);
        if (quietZoneModules < 1 || quietZoneModules > 10) {
            throw new InvalidRequestException("layout.quietZoneModules must be between 1 and 10, was "
                    + quietZoneModules);
        }
        check("paddingMm", paddingMm, 0, 20);
        check("gapMm", gapMm, 0, 20);
        check("textWidthMm", textWidthMm, 20, 150);
        check("pictureWidthMm", pictureWidthMm, 0, 200);
        check("frameMm", frameMm, 0, 20);
    }

    private static void check(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new InvalidRequestException("layout." + name + " must be between " + min + " and " + max
                    + " mm, was " + value);
        }
    }

    /** The side of the barcode area: the largest symbol plus its quiet zone on both sides. */
    public double barcodeAreaMm() {
        return (SYMBOL_MODULES + 2.0 * quietZoneModules) * moduleMm;
    }

    /** The plate's width: padding, barcode area, gap, text block, padding. */
    public double plateWidthMm() {
        return 2 * paddingMm + barcodeAreaMm() + gapMm + textWidthMm;
    }

    /** The plate's height: the barcode area with padding above and below. */
    public double plateHeightMm() {
        return 2 * paddingMm + barcodeAreaMm();
    }

    /** The size of a stamp without background: the plate alone. */
    public SizeMm plainSize() {
        return new SizeMm(plateWidthMm(), plateHeightMm());
    }

    /** The size of a stamp with background: frame, picture panel, plate, frame. */
    public SizeMm pictureSize() {
        return new SizeMm(2 * frameMm + pictureWidthMm + plateWidthMm(), 2 * frameMm + plateHeightMm());
    }

    /** The size of a stamp with or without a background. */
    public SizeMm size(boolean withBackground) {
        return withBackground ? pictureSize() : plainSize();
    }

    /** A copy with another module size. */
    public StampLayout withModuleMm(double mm) {
        return new StampLayout(mm, quietZoneModules, paddingMm, gapMm, textWidthMm, pictureWidthMm, frameMm);
    }

    /** A copy with another quiet zone. */
    public StampLayout withQuietZoneModules(int modules) {
        return new StampLayout(moduleMm, modules, paddingMm, gapMm, textWidthMm, pictureWidthMm, frameMm);
    }

    /** A copy with another text block width. */
    public StampLayout withTextWidthMm(double mm) {
        return new StampLayout(moduleMm, quietZoneModules, paddingMm, gapMm, mm, pictureWidthMm, frameMm);
    }

    /** A copy with another picture panel width. */
    public StampLayout withPictureWidthMm(double mm) {
        return new StampLayout(moduleMm, quietZoneModules, paddingMm, gapMm, textWidthMm, mm, frameMm);
    }
}
