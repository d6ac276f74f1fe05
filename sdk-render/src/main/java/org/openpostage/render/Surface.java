package org.openpostage.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.openpostage.render.internal.TypeFaces;

/**
 * Where envelopes and labels are drawn, in millimetres from the top-left corner of the page: a
 * PDF page (vector text in the bundled font, stamps through {@link StampRenderer}) or a bitmap
 * (PNG previews, and ZPL labels without their Data Matrix, which the printer draws). Both draw
 * the same things at the same millimetres, so a preview shows what prints.
 */
abstract class Surface {
    /** A black or white rectangle. */
    abstract void fill(double x, double y, double w, double h, boolean black);

    /**
     * {@code text} with its baseline at ({@code x}, {@code baseline}), {@code size} mm high (em),
     * made smaller if it would be wider than {@code maxWidth}; white on black when {@code inverse}.
     */
    abstract void text(String text, double x, double baseline, double size, boolean bold, double maxWidth,
                       boolean inverse);

    /** {@code stamp} with its top-left corner at ({@code x}, {@code y}). */
    abstract void stamp(Stamp stamp, double x, double y);

    /** An unfilled rectangle of the given line width (for frames and rules). */
    void frame(double x, double y, double w, double h, double line) {
        fill(x, y, w, line, true);
        fill(x, y + h - line, w, line, true);
        fill(x, y, line, h, true);
        fill(x + w - line, y, line, h, true);
    }

    /**
     * Lines of text top-aligned in a box: each {@code size} mm with 1.2 line pitch, all smaller
     * together when they would not fit the box's height.
     *
     * @return the height used
     */
    double block(List<String> lines, double x, double y, double w, double h, double size, boolean bold) {
        double s = lines.isEmpty() ? size : Math.min(size, h / (lines.size() * 1.2));
        double baseline = y + s * 0.95;
        for (String line : lines) {
            text(line, x, baseline, s, bold, w, false);
            baseline += s * 1.2;
        }
        return lines.size() * s * 1.2;
    }

    /** A PDF page. */
    static final class Pdf extends Surface {
        private final PDDocument document;
        private final PDPageContentStream cs;
        private final double pageHeightPt;
        private final StampRenderer stamps;
        private final StampRenderer.PdfResources resources;

        Pdf(PDDocument document, PDPageContentStream cs, double pageHeightPt, StampRenderer stamps,
            StampRenderer.PdfResources resources) {
            this.document = document;
            this.cs = cs;
            this.pageHeightPt = pageHeightPt;
            this.stamps = stamps;
            this.resources = resources;
        }

        @Override
        void fill(double x, double y, double w, double h, boolean black) {
            try {
                cs.setNonStrokingColor(black ? 0f : 1f);
                cs.addRect((float) pt(x), (float) (pageHeightPt - pt(y + h)), (float) pt(w), (float) pt(h));
                cs.fill();
                cs.setNonStrokingColor(0f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void text(String text, double x, double baseline, double size, boolean bold, double maxWidth, boolean inverse) {
            try {
                PDFont font = bold ? resources.fonts().bold() : resources.fonts().regular();
                double width = font.getStringWidth(text) / 1000 * size;
                double s = width > maxWidth ? size * maxWidth / width : size;
                cs.setNonStrokingColor(inverse ? 1f : 0f);
                cs.beginText();
                cs.setFont(font, (float) pt(s));
                cs.newLineAtOffset((float) pt(x), (float) (pageHeightPt - pt(baseline)));
                cs.showText(text);
                cs.endText();
                cs.setNonStrokingColor(0f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void stamp(Stamp stamp, double x, double y) {
            try {
                stamps.paintPdf(document, cs, stamp.indicium(), stamp.background(), pt(x), pageHeightPt - pt(y),
                        resources);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static double pt(double mm) {
            return mm * SizeMm.POINTS_PER_MM;
        }
    }

    /** A bitmap at a resolution; with {@code symbols} off, stamps are drawn without their Data Matrix. */
    static final class Raster extends Surface {
        private final Graphics2D g;
        private final int dpi;
        private final StampRenderer stamps;
        private final boolean smooth;
        private final boolean symbols;

        Raster(Graphics2D g, int dpi, StampRenderer stamps, boolean smooth, boolean symbols) {
            this.g = g;
            this.dpi = dpi;
            this.stamps = stamps.withDpi(dpi);
            this.smooth = smooth;
            this.symbols = symbols;
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    smooth ? RenderingHints.VALUE_TEXT_ANTIALIAS_ON : RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        }

        @Override
        void fill(double x, double y, double w, double h, boolean black) {
            int left = px(x);
            int top = px(y);
            g.setColor(black ? Color.BLACK : Color.WHITE);
            g.fillRect(left, top, Math.max(1, px(x + w) - left), Math.max(1, px(y + h) - top));
        }

        @Override
        void text(String text, double x, double baseline, double size, boolean bold, double maxWidth, boolean inverse) {
            Font font = TypeFaces.awt(bold).deriveFont((float) (size * dpi / SizeMm.MM_PER_INCH));
            double width = font.getStringBounds(text, g.getFontRenderContext()).getWidth();
            double available = maxWidth * dpi / SizeMm.MM_PER_INCH;
            if (width > available) {
                font = font.deriveFont((float) (font.getSize2D() * available / width));
            }
            g.setFont(font);
            g.setColor(inverse ? Color.WHITE : Color.BLACK);
            g.drawString(text, (float) (x * dpi / SizeMm.MM_PER_INCH), px(baseline));
        }

        @Override
        void stamp(Stamp stamp, double x, double y) {
            stamps.paintRaster(g, px(x), px(y), stamp.indicium(), stamp.background(), smooth, symbols);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    smooth ? RenderingHints.VALUE_TEXT_ANTIALIAS_ON : RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        }

        private int px(double mm) {
            return SizeMm.toPx(mm, dpi);
        }
    }
}
