package org.openpostage.render;

import java.util.List;
import java.util.Locale;
import org.openpostage.api.error.InvalidRequestException;

/**
 * Where a stamp and the addresses go on an envelope, in millimetres from its top-left corner
 * (landscape, the long edge on top), following the postal operators' rules for machine-readable
 * letters. The stamp goes in the top-right corner, inside the <em>postage zone</em>; the return
 * address top left; the delivery address in the <em>address zone</em>; nothing is printed in the
 * <em>clear zone</em> along the bottom edge, where sorting machines print their own barcode.
 *
 * <table>
 * <caption>Presets</caption>
 * <tr><th>preset</th><th>size</th><th>postage zone</th><th>delivery address</th><th>clear zone</th><th>rules</th></tr>
 * <tr><td>{@link #NUMBER_10}</td><td>241.3 &times; 104.8 mm (9.5 &times; 4⅛ in)</td>
 *     <td>120 &times; 38.1 mm top right; the stamp 6.35 mm (¼ in) from the edges</td>
 *     <td>from 95 mm from the left, within the OCR read area (12.7 mm from the right edge, 15.9 to
 *     69.9 mm above the bottom edge)</td>
 *     <td>bottom 15.9 mm (⅝ in)</td><td>USPS DMM 202, Publication 25</td></tr>
 * <tr><td>{@link #DL}</td><td>220 &times; 110 mm</td><td rowspan="3">74 &times; 40 mm, top right</td>
 *     <td rowspan="3">below the top 40 mm, above the bottom 15 mm, from 15 mm left of the centre
 *     to 15 mm from the right edge</td>
 *     <td rowspan="3">bottom 15 mm</td><td rowspan="3">Deutsche Post automation zones (Frankierzone,
 *     Anschriftzone, Codierzone), as UPU S42 letters</td></tr>
 * <tr><td>{@link #C6}</td><td>162 &times; 114 mm</td></tr>
 * <tr><td>{@link #C5}</td><td>229 &times; 162 mm</td></tr>
 * </table>
 *
 * <p>A stamp that does not fit the postage zone is refused (a stamp with a picture is 94 mm wide,
 * more than the 74 mm of DL, C6 and C5). Rules differ between operators and change: the layout is
 * data, so an operator makes its own with the constructor.
 *
 * @param name             a short name for messages: {@code #10}, {@code DL}
 * @param widthMm          the envelope's width (its long edge)
 * @param heightMm         its height
 * @param postageWidthMm   the postage zone's width, from the right edge
 * @param postageHeightMm  the postage zone's height, from the top edge
 * @param stampMarginMm    the stamp's distance from the top and right edges
 * @param senderLeftMm     the return address's left edge
 * @param senderTopMm      the return address's top edge
 * @param senderWidthMm    the return address's width
 * @param senderHeightMm   the return address's height
 * @param addressLeftMm    the delivery address's left edge
 * @param addressTopMm     the delivery address's top edge
 * @param addressRightMm   the delivery address's distance from the right edge
 * @param clearBottomMm    the height of the clear zone along the bottom edge
 */
public record EnvelopeLayout(String name, double widthMm, double heightMm, double postageWidthMm, double postageHeightMm,
                             double stampMarginMm, double senderLeftMm, double senderTopMm, double senderWidthMm,
                             double senderHeightMm, double addressLeftMm, double addressTopMm, double addressRightMm,
                             double clearBottomMm) {
    /** US #10 business envelope under USPS rules (see the table above). */
    public static final EnvelopeLayout NUMBER_10 = new EnvelopeLayout("#10", 241.3, 104.775, 120, 38.1, 6.35,
            6.35, 6.35, 100, 26, 95, 42, 12.7, 15.875);
    /** DL (220 &times; 110 mm) under Deutsche Post's zones. */
    public static final EnvelopeLayout DL = din("DL", 220, 110);
    /** C6 (162 &times; 114 mm) under Deutsche Post's zones. */
    public static final EnvelopeLayout C6 = din("C6", 162, 114);
    /** C5 (229 &times; 162 mm) under Deutsche Post's zones. */
    public static final EnvelopeLayout C5 = din("C5", 229, 162);

    public EnvelopeLayout {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("envelope.name is required");
        }
        double[] all = {widthMm, heightMm, postageWidthMm, postageHeightMm, stampMarginMm, senderLeftMm, senderTopMm,
                senderWidthMm, senderHeightMm, addressLeftMm, addressTopMm, addressRightMm, clearBottomMm};
        for (double v : all) {
            if (!(v >= 0 && v <= 1000)) {
                throw new InvalidRequestException("envelope " + name + ": every measure must be 0 to 1000 mm, found " + v);
            }
        }
        if (addressLeftMm + addressRightMm + 20 > widthMm || addressTopMm + clearBottomMm + 15 > heightMm) {
            throw new InvalidRequestException("envelope " + name + ": the address zone is too small");
        }
    }

    /** The presets, in the order the portal offers them. */
    public static List<EnvelopeLayout> presets() {
        return List.of(NUMBER_10, DL, C6, C5);
    }

    /** The preset named {@code name} ({@code #10}, {@code 10}, {@code DL}, {@code C6}, {@code C5}; any case). */
    public static EnvelopeLayout named(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT).replace("#", "");
        for (EnvelopeLayout e : presets()) {
            if (e.name().replace("#", "").equals(n)) {
                return e;
            }
        }
        throw new InvalidRequestException("no envelope named '" + name + "': #10, DL, C6 or C5");
    }

    /** The envelope's size. */
    public SizeMm size() {
        return new SizeMm(widthMm, heightMm);
    }

    /** The width of the delivery address zone. */
    public double addressWidthMm() {
        return widthMm - addressLeftMm - addressRightMm;
    }

    /** The height of the delivery address zone: down to the clear zone. */
    public double addressHeightMm() {
        return heightMm - clearBottomMm - addressTopMm;
    }

    private static EnvelopeLayout din(String name, double w, double h) {
        double left = Math.max(15, w / 2 - 15);
        return new EnvelopeLayout(name, w, h, 74, 40, 5, 10, 8, Math.min(90, w - 74 - 15), 28, left, 45, 15, 15);
    }
}
