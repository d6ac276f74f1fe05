package org.openpostage.render.internal;

/**
 * One line of a stamp's human-readable block, placed in millimetres relative to the text block's
 * top-left corner.
 *
 * @param text       the text (printable ASCII, and the signs of {@code OperatorMarks} amounts)
 * @param style      how it is drawn
 * @param topMm      the top of the line's box
 * @param heightMm   the height of the line's box
 * @param baselineMm the line's baseline
 * @param sizeMm     the font size (em height)
 */
public record TextLine(String text, Style style, double topMm, double heightMm, double baselineMm, double sizeMm) {
    /** How a line is drawn. */
    public enum Style {
        /** Bold, white on a black bar the width of the block: the SPECIMEN mark of test indicia. */
        BANNER,
        /** Bold: the operator's mark, such as {@code US POSTAGE}. */
        MARK,
        /** Bold and large: the postage amount. */
        AMOUNT,
        /** Regular: everything else. */
        BODY
    }

    /** Whether the line is drawn in a bold face. */
    public boolean bold() {
        return style != Style.BODY;
    }
}
