package org.openpostage.render.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lines drawn from cached strips ({@link RasterPainter#paintBits}) have exactly the pixels Java 2D
 * draws ({@link RasterPainter#paint}), with the cache cold and warm, for lines in any order (a
 * banner below another line included) and at any resolution.
 */
class TextStripTest {
    // A stamp whose text block starts off a byte boundary at every resolution tried.
    private static final StampGeometry GEOMETRY = StampGeometry.compute(0.508, 1, 44, 1.3, 1.7, 33.3, 0, 0, false);

    private static final List<List<TextLine>> LINE_SETS = List.of(
            List.of(line(TextLine.Style.BANNER, "SPECIMEN", 0, 3.2), line(TextLine.Style.MARK, "US POSTAGE", 3.2, 3.0),
                    line(TextLine.Style.AMOUNT, "$0.78", 6.2, 4.2), line(TextLine.Style.BODY, "Serial 12345", 10.4, 2.2)),
            List.of(line(TextLine.Style.BODY, "From 10001", 0, 2.6), line(TextLine.Style.BANNER, "SPECIMEN", 2.2, 3.4),
                    line(TextLine.Style.BODY, "A line far too long for the block it is written in, shrunk", 5.4, 2.6)),
            List.of(line(TextLine.Style.AMOUNT, "", 0, 4.0), line(TextLine.Style.BODY, "Mailed 2026-12-07", 20, 2.6)));

    @ParameterizedTest(name = "{0} dpi")
    @ValueSource(ints = {150, 203, 300, 600})
    void stripsGiveJava2dsPixelsColdAndWarm(int dpi) {
        RasterPainter painter = new RasterPainter(GEOMETRY, dpi);
        for (List<TextLine> lines : LINE_SETS) {
            BufferedImage reference = new BufferedImage(painter.widthPx(), painter.heightPx(),
                    BufferedImage.TYPE_BYTE_BINARY);
            Graphics2D g = reference.createGraphics();
            try {
                painter.paint(g, 0, 0, null, lines, null, false);
            } finally {
                g.dispose();
            }
            TextStrip.CACHE.clear();
            int[] cold = pixels(bits(painter, lines));
            int[] warm = pixels(bits(painter, lines));
            int[] expected = pixels(reference);
            assertArrayEquals(expected, cold, dpi + " dpi, cold: " + lines);
            assertArrayEquals(expected, warm, dpi + " dpi, warm: " + lines);
            assertTrue(!TextStrip.CACHE.isEmpty(), "the lines were cached");
        }
    }

    private static BufferedImage bits(RasterPainter painter, List<TextLine> lines) {
        BufferedImage image = new BufferedImage(painter.widthPx(), painter.heightPx(), BufferedImage.TYPE_BYTE_BINARY);
        painter.paintBits(image, null, lines);
        return image;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static TextLine line(TextLine.Style style, String text, double topMm, double sizeMm) {
        double pitch = sizeMm * 1.2;
        double baseline = style == TextLine.Style.BANNER ? topMm + (pitch * 0.9 + 0.7 * sizeMm) / 2 : topMm + pitch * 0.8;
        return new TextLine(text, style, topMm, style == TextLine.Style.BANNER ? pitch * 0.9 : pitch, baseline, sizeMm);
    }
}
