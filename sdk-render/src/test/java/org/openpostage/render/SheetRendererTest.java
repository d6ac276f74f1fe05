package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.RenderedImage;

/** Label sheets: pages, placement, and every stamp on them readable. */
class SheetRendererTest {
    private static final Background PICTURE =
            BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(600, 300, 8)));

    @Test
    void presetsFitTheirPaper() {
        assertEquals(16, SheetLayout.A4.capacity());
        assertEquals(new SizeMm(210, 297), SheetLayout.A4.pageSize());
        assertEquals(14, SheetLayout.US_LETTER.capacity());
        assertEquals(215.9, SheetLayout.US_LETTER.pageWidthMm());
        assertEquals(4.65 + 99.1 + 2.5, SheetLayout.A4.labelLeftMm(1), 1e-9);
        assertEquals(12.9 + 33.9, SheetLayout.A4.labelTopMm(2), 1e-9);
    }

    @Test
    void aGridComputesItsLabelSizeAndBadGridsAreRefused() {
        SheetLayout grid = SheetLayout.grid(new SizeMm(210, 297), 2, 9, 10, 5, 10, 5, 2, 1);
        assertEquals(99, grid.labelWidthMm(), 1e-9);
        assertEquals((297 - 20 - 8) / 9.0, grid.labelHeightMm(), 1e-9);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> new SheetLayout(210, 297, 3, 8, 10, 10, 70, 36, 2, 0));
        assertTrue(e.getMessage().contains("more than the 210.00 x 297.00 mm page"), e.getMessage());
        InvalidRequestException small = assertThrows(InvalidRequestException.class, () -> SheetRenderer.of(
                StampRenderer.defaults(), SheetLayout.grid(new SizeMm(210, 297), 3, 8, 10, 10, 10, 10, 2, 2)));
        assertTrue(small.getMessage().startsWith("a stamp of 94 x 30 mm does not fit on the sheet's labels"),
                small.getMessage());
    }

    @Test
    void aPdfSheetRunsOverPagesAndEveryStampReadsBack() throws IOException {
        SheetRenderer sheets = SheetRenderer.of(StampRenderer.defaults(), SheetLayout.A4);
        List<Stamp> stamps = stamps(18);

        RenderedImage pdf = sheets.pdf(stamps, 3);

        assertEquals(2, sheets.pageCount(18, 3));
        try (PDDocument document = Loader.loadPDF(pdf.content().toArray())) {
            assertEquals(2, document.getNumberOfPages());
            assertEquals(210, document.getPage(0).getMediaBox().getWidth() / SizeMm.POINTS_PER_MM, 0.01);
            assertEquals(297, document.getPage(1).getMediaBox().getHeight() / SizeMm.POINTS_PER_MM, 0.01);
            PDFRenderer pages = new PDFRenderer(document);
            BufferedImage first = pages.renderImageWithDPI(0, 300, ImageType.RGB);
            BufferedImage second = pages.renderImageWithDPI(1, 300, ImageType.RGB);
            assertLabelsHold(first, stamps, 3, 0, 13);
            assertLabelsHold(second, stamps, 0, 13, 5);
            assertEquals(0xFFFFFF, second.getRGB(100, second.getHeight() - 100) & 0xFFFFFF, "rest of page blank");
        }
    }

    @Test
    void pngSheetsAreOnePerPage() {
        SheetRenderer sheets = SheetRenderer.of(StampRenderer.builder().dpi(203).build(), SheetLayout.US_LETTER);
        List<Stamp> plain = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            plain.add(Stamp.of(TestIndicia.letter(400 + i)));
        }
        List<RenderedImage> pages = sheets.png(plain);
        assertEquals(2, pages.size());
        BufferedImage page = TestPictures.read(pages.get(0).content().toArray());
        assertEquals(Math.round(215.9 * 203 / 25.4), page.getWidth());
        assertEquals(1, page.getColorModel().getPixelSize(), "no background: 1-bit");
        assertLabelsHold(page, plain, 0, 0, 14, SheetLayout.US_LETTER, 203);
    }

    @Test
    void badRequestsAreRefused() {
        SheetRenderer sheets = SheetRenderer.of(StampRenderer.defaults(), SheetLayout.A4);
        assertThrows(InvalidRequestException.class, () -> sheets.pdf(List.of()));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> sheets.pdf(stamps(1), 16));
        assertEquals("firstLabel must be between 0 and 15 on a sheet of 16 labels, was 16", e.getMessage());
    }

    private static List<Stamp> stamps(int count) {
        List<Stamp> stamps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            stamps.add(i % 2 == 0 ? Stamp.of(TestIndicia.letter(300 + i)) : Stamp.of(TestIndicia.parcel(300 + i), PICTURE));
        }
        return stamps;
    }

    private static void assertLabelsHold(BufferedImage page, List<Stamp> stamps, int firstLabel, int firstStamp,
                                         int count) {
        assertLabelsHold(page, stamps, firstLabel, firstStamp, count, SheetLayout.A4, 300);
    }

    /** Cuts each label out of the page image and reads the stamp on it. */
    private static void assertLabelsHold(BufferedImage page, List<Stamp> stamps, int firstLabel, int firstStamp,
                                         int count, SheetLayout layout, int dpi) {
        StampReader reader = StampReader.create();
        for (int i = 0; i < count; i++) {
            int label = firstLabel + i;
            BufferedImage cut = page.getSubimage(SizeMm.toPx(layout.labelLeftMm(label), dpi),
                    SizeMm.toPx(layout.labelTopMm(label), dpi), SizeMm.toPx(layout.labelWidthMm(), dpi) - 1,
                    SizeMm.toPx(layout.labelHeightMm(), dpi) - 1);
            assertEquals(stamps.get(firstStamp + i).indicium().encoded(), reader.readBytes(cut), "label " + label);
        }
    }
}
