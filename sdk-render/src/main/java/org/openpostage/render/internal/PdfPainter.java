package org.openpostage.render.internal;

import com.google.zxing.common.BitMatrix;
import java.io.IOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Paints a stamp into a PDF content stream: the Data Matrix as vector rectangles (exactly the
 * nominal module size, sharp at any printer resolution), text in the bundled {@link TypeFaces} font
 * (embedded as a subset, so every reader shows the same glyphs: a zero unlike the letter O), the
 * background as an image.
 */
public final class PdfPainter {
    private static final double POINTS_PER_MM = 72.0 / 25.4;

    /**
     * The fonts of one document. PDFBox font objects belong to the documents that use them and
     * are not thread-safe, so each document gets its own, shared by all its stamps.
     *
     * @param regular DejaVu Sans Mono
     * @param bold    DejaVu Sans Mono Bold
     */
    public record Fonts(PDFont regular, PDFont bold) {
        /** The bundled fonts, loaded into {@code document} (embedded as subsets when it is saved). */
        public static Fonts embedded(PDDocument document) throws IOException {
            return new Fonts(TypeFaces.pdf(document, false), TypeFaces.pdf(document, true));
        }
    }

    private final StampGeometry geometry;
    private final Fonts fonts;

    /**
     * @param geometry where the parts go
     * @param fonts    the document's fonts
     */
    public PdfPainter(StampGeometry geometry, Fonts fonts) {
        this.geometry = geometry;
        this.fonts = fonts;
    }

    /**
     * Paints the stamp with its top-left corner at ({@code leftPt}, {@code topPt}) in PDF user
     * space (points, y upwards).
     *
     * @param picture the background, drawn to cover the stamp, or {@code null}
     */
    public void paint(PDPageContentStream cs, double leftPt, double topPt, BitMatrix symbol, List<TextLine> lines,
                      PDImageXObject picture) throws IOException {
        Mapper at = new Mapper(leftPt, topPt);
        if (picture != null) {
            cs.drawImage(picture, (float) leftPt, (float) (topPt - pt(geometry.heightMm())),
                    (float) pt(geometry.widthMm()), (float) pt(geometry.heightMm()));
            StampGeometry.Box plate = geometry.plate();
            cs.setNonStrokingColor(1f);
            at.rect(cs, plate.x(), plate.y(), plate.width(), plate.height());
            cs.fill();
        }
        cs.setNonStrokingColor(0f);
        paintSymbol(cs, at, symbol);
        paintText(cs, at, lines);
    }

    private void paintSymbol(PDPageContentStream cs, Mapper at, BitMatrix symbol) throws IOException {
        StampGeometry.Box area = geometry.barcode();
        double module = geometry.moduleMm();
        double left = area.x() + (area.width() - symbol.getWidth() * module) / 2;
        double top = area.y() + (area.height() - symbol.getHeight() * module) / 2;
        for (int y = 0; y < symbol.getHeight(); y++) {
            int x = 0;
            while (x < symbol.getWidth()) {
                if (!symbol.get(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < symbol.getWidth() && symbol.get(x, y)) {
                    x++;
                }
                at.rect(cs, left + start * module, top + y * module, (x - start) * module, module);
            }
        }
        cs.fill();
    }

    private void paintText(PDPageContentStream cs, Mapper at, List<TextLine> lines) throws IOException {
        StampGeometry.Box block = geometry.text();
        for (TextLine line : lines) {
            PDFont font = line.bold() ? fonts.bold() : fonts.regular();
            double width = block.width() * (line.style() == TextLine.Style.BANNER ? 0.92 : 1.0);
            double size = line.sizeMm();
            double textWidth = font.getStringWidth(line.text()) / 1000 * size;
            if (textWidth > width) {
                size *= width / textWidth;
                textWidth = width;
            }
            double x = block.x();
            if (line.style() == TextLine.Style.BANNER) {
                cs.setNonStrokingColor(0f);
                at.rect(cs, block.x(), block.y() + line.topMm(), block.width(), line.heightMm());
                cs.fill();
                cs.setNonStrokingColor(1f);
                x = block.x() + (block.width() - textWidth) / 2;
            } else {
                cs.setNonStrokingColor(0f);
            }
            cs.beginText();
            cs.setFont(font, (float) pt(size));
            cs.newLineAtOffset((float) at.x(x), (float) at.y(block.y() + line.baselineMm()));
            cs.showText(line.text());
            cs.endText();
        }
        cs.setNonStrokingColor(0f);
    }

    private static double pt(double mm) {
        return mm * POINTS_PER_MM;
    }

    /** Maps stamp millimetres (from the top-left, y down) to PDF points (y up). */
    private record Mapper(double leftPt, double topPt) {
        double x(double mm) {
            return leftPt + pt(mm);
        }

        double y(double mm) {
            return topPt - pt(mm);
        }

        void rect(PDPageContentStream cs, double x, double y, double w, double h) throws IOException {
            cs.addRect((float) x(x), (float) y(y + h), (float) pt(w), (float) pt(h));
        }
    }
}
