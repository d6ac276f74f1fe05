package org.openpostage.render.internal;

import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.indicium.IndiciumData;

/**
 * The human-readable block of a stamp: which lines it shows and where they go. Every output
 * (PNG, PDF, ZPL) places the same lines at the same millimetres; only the font metrics differ,
 * and each painter shrinks a line that would overflow the block's width.
 *
 * <p>Lines: {@code SPECIMEN} (test indicia only), the operator's mark (if configured), the postage
 * amount written the postal way, the product code and mail class, the date of mailing, the origin
 * (and destination, if any) postal code, the meter id and the piece serial.
 */
public final class HumanReadable {
    /** The text of the mark on test indicia. */
    public static final String SPECIMEN = "SPECIMEN";

    private static final double BANNER_MM = 3.2;
    private static final double AMOUNT_MM = 4.6;
    private static final double MARK_MM = 3.0;
    private static final double BODY_MM = 2.7;
    private static final double LEADING = 1.22;
    /** The height of capital letters, as a fraction of the font size, in Helvetica and DejaVu Sans. */
    private static final double CAP_HEIGHT = 0.72;

    private HumanReadable() {
    }

    private record Entry(TextLine.Style style, String text) {
    }

    /**
     * The operator's words for one indicium, as {@code OperatorMarks} writes them.
     *
     * @param operatorMark  the operator's mark (such as "US POSTAGE"), or {@code null} for none
     * @param amount        the postage written the postal way
     * @param mailClassLine the product line
     */
    public record Marks(String operatorMark, String amount, String mailClassLine) {
    }

    /** The lines' styles and texts for {@code data}, top to bottom. */
    private static List<Entry> entries(IndiciumData data, Marks marks) {
        List<Entry> lines = new ArrayList<>();
        if (data.testMode()) {
            lines.add(new Entry(TextLine.Style.BANNER, SPECIMEN));
        }
        if (marks.operatorMark() != null) {
            lines.add(new Entry(TextLine.Style.MARK, marks.operatorMark()));
        }
        lines.add(new Entry(TextLine.Style.AMOUNT, marks.amount()));
        lines.add(new Entry(TextLine.Style.BODY, marks.mailClassLine()));
        lines.add(new Entry(TextLine.Style.BODY, "Mailed " + data.dateOfMailing()));
        lines.add(new Entry(TextLine.Style.BODY, "From " + data.origin().value()));
        if (data.destination() != null) {
            lines.add(new Entry(TextLine.Style.BODY, "To " + data.destination().value()));
        }
        lines.add(new Entry(TextLine.Style.BODY, "Meter " + data.meterId()));
        lines.add(new Entry(TextLine.Style.BODY, "Serial " + data.pieceSerial()));
        return lines;
    }

    /**
     * The lines for {@code data}, laid out top-aligned in a block {@code heightMm} high: font
     * sizes shrink together if the lines would not fit.
     */
    public static List<TextLine> layout(IndiciumData data, double heightMm, Marks marks) {
        List<Entry> entries = entries(data, marks);
        double needed = 0;
        for (Entry e : entries) {
            needed += size(e.style()) * LEADING;
        }
        double scale = Math.min(1.0, heightMm / needed);
        List<TextLine> lines = new ArrayList<>(entries.size());
        double y = 0;
        for (Entry e : entries) {
            double size = size(e.style()) * scale;
            double pitch = size * LEADING;
            // Body lines: the baseline sits 80 % down the line's box, leaving room for ascenders
            // above and descenders below. The banner's box is a bar with its text centred in it.
            double baseline = e.style() == TextLine.Style.BANNER
                    ? y + (pitch * 0.9 + CAP_HEIGHT * size) / 2 : y + pitch * 0.8;
            lines.add(new TextLine(e.text(), e.style(), y, e.style() == TextLine.Style.BANNER ? pitch * 0.9 : pitch,
                    baseline, size));
            y += pitch;
        }
        return List.copyOf(lines);
    }

    private static double size(TextLine.Style style) {
        return switch (style) {
            case BANNER -> BANNER_MM;
            case MARK -> MARK_MM;
            case AMOUNT -> AMOUNT_MM;
            case BODY -> BODY_MM;
        };
    }
}
