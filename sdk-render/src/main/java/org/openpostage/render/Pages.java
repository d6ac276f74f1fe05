package org.openpostage.render;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.internal.Png;

/** Turns page painters into PDF documents and PNG images: shared by envelopes, labels and address sheets. */
final class Pages {
    private Pages() {
    }

    /** A PDF of {@code count} pages of {@code size}, page {@code i} painted by {@code painter}. */
    static RenderedImage pdf(SizeMm size, int count, StampRenderer stamps, String identity,
                             BiConsumer<Integer, Surface> painter) {
        PDRectangle box = new PDRectangle((float) (size.widthMm() * SizeMm.POINTS_PER_MM),
                (float) (size.heightMm() * SizeMm.POINTS_PER_MM));
        try (PDDocument document = new PDDocument()) {
            StampRenderer.PdfResources resources = new StampRenderer.PdfResources(document);
            for (int i = 0; i < count; i++) {
                PDPage page = new PDPage(box);
                document.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(document, page)) {
                    painter.accept(i, new Surface.Pdf(document, cs, box.getHeight(), stamps, resources));
                }
            }
            return new RenderedImage(OutputFormat.PDF, Bytes.of(PdfDocuments.save(document, identity)),
                    PdfDocuments.REPORTED_DPI);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PDF: " + e.getMessage(), e);
        }
    }

    /** One page of {@code size} as a bitmap at {@code dpi}: RGB when {@code colour}, else 1-bit. */
    static BufferedImage bitmap(SizeMm size, int dpi, StampRenderer stamps, boolean colour, boolean symbols,
                                java.util.function.Consumer<Surface> painter) {
        BufferedImage image = new BufferedImage(size.widthPx(dpi), size.heightPx(dpi),
                colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            painter.accept(new Surface.Raster(g, dpi, stamps, colour, symbols));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** {@code image} as a PNG at {@code dpi}. */
    static RenderedImage png(BufferedImage image, int dpi) {
        return new RenderedImage(OutputFormat.PNG, Bytes.of(Png.write(image, dpi)), dpi);
    }

    /** Whether any stamp has a picture. */
    static boolean colour(List<Stamp> stamps) {
        return stamps.stream().anyMatch(s -> s.background() != null);
    }
}
