package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.RenderedImage;

/** Envelopes, 4 x 6 shipping labels, address label sheets and framed pictures. */
class MailPieceRenderingTest {
    private static final Address SENDER = Address.of("US", "Ada Lovelace", List.of("1 Market St"), "San Francisco", "CA",
            "94107-1234");
    private static final Address RECIPIENT = Address.of("DE", "Erika Mustermann", List.of("Heidestraße 17"), "Berlin",
            null, "10115");
    private static final SignedIndicium LETTER = TestIndicia.letter(300);
    private static final AddressedStamp PIECE = new AddressedStamp(Stamp.of(LETTER), SENDER, RECIPIENT);

    @ParameterizedTest
    @ValueSource(strings = {"#10", "DL", "C6", "C5"})
    void envelopesPutTheStampTopRightTheAddressInItsZoneAndNothingInTheClearZone(String name) throws IOException {
        EnvelopeLayout layout = EnvelopeLayout.named(name);
        RenderedImage pdf = EnvelopeRenderer.of(StampRenderer.defaults(), layout).pdf(List.of(PIECE, PIECE));
        try (PDDocument document = Loader.loadPDF(pdf.content().toArray())) {
            assertEquals(2, document.getNumberOfPages());
            assertEquals(layout.widthMm(), document.getPage(0).getMediaBox().getWidth() / SizeMm.POINTS_PER_MM, 0.01);
            assertEquals(layout.heightMm(), document.getPage(0).getMediaBox().getHeight() / SizeMm.POINTS_PER_MM, 0.01);
            String text = new PDFTextStripper().getText(document);
            for (String line : List.of("ADA LOVELACE", "SAN FRANCISCO CA 94107-1234", "Erika Mustermann",
                    "10115 Berlin", "GERMANY")) {
                assertTrue(text.contains(line), line + " in " + text);
            }
            BufferedImage page = new PDFRenderer(document).renderImageWithDPI(0, 300, ImageType.RGB);
            double px = 300 / 25.4;
            // The stamp reads back from its corner, the postage zone.
            Rectangle zone = new Rectangle((int) ((layout.widthMm() - layout.postageWidthMm()) * px), 0,
                    (int) (layout.postageWidthMm() * px), (int) (layout.postageHeightMm() * px));
            assertEquals(LETTER.encoded(), StampReader.create().readBytes(page.getSubimage(zone.x, zone.y,
                    zone.width, zone.height)));
            // The delivery address is inside its zone, the clear zone is white.
            assertTrue(dark(page, new Rectangle((int) (layout.addressLeftMm() * px), (int) (layout.addressTopMm() * px),
                    (int) (layout.addressWidthMm() * px), (int) (layout.addressHeightMm() * px))) > 1000);
            assertEquals(0, dark(page, new Rectangle(0, (int) ((layout.heightMm() - layout.clearBottomMm()) * px) + 1,
                    page.getWidth(), (int) (layout.clearBottomMm() * px) - 1)), "the clear zone is blank");
        }
        BufferedImage preview = TestPictures.read(EnvelopeRenderer.of(StampRenderer.defaults(), layout).png(PIECE, 150)
                .content().toArray());
        assertEquals(Math.round(layout.widthMm() * 150 / 25.4), preview.getWidth());
    }

    @Test
    void aStampWiderThanAGermanPostageZoneIsRefused() {
        Background picture = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(600, 300, 3)));
        AddressedStamp wide = new AddressedStamp(Stamp.of(LETTER, picture), SENDER, RECIPIENT);
        var e = assertThrows(InvalidRequestException.class,
                () -> EnvelopeRenderer.of(StampRenderer.defaults(), EnvelopeLayout.DL).pdf(List.of(wide)));
        assertEquals("a stamp of 94 x 30 mm does not fit the postage zone of a DL envelope (74 x 40 mm); print it"
                + " without a picture", e.getMessage());
        EnvelopeRenderer.of(StampRenderer.defaults(), EnvelopeLayout.NUMBER_10).pdf(List.of(wide)); // fits a #10
    }

    @Test
    void shippingLabelsAreFourBySixInPdfPngAndZpl() throws IOException {
        StampRenderer at203 = StampRenderer.builder().dpi(203).build();
        ShippingLabelRenderer labels = ShippingLabelRenderer.of(at203);
        try (PDDocument document = Loader.loadPDF(labels.pdf(List.of(PIECE)).content().toArray())) {
            assertEquals(101.6, document.getPage(0).getMediaBox().getWidth() / SizeMm.POINTS_PER_MM, 0.01);
            assertEquals(152.4, document.getPage(0).getMediaBox().getHeight() / SizeMm.POINTS_PER_MM, 0.01);
            String text = new PDFTextStripper().getText(document);
            assertTrue(text.contains("SHIP TO") && text.contains("STANDARD LETTER") && text.contains("10115 Berlin"), text);
            assertEquals(LETTER.encoded(), StampReader.create().readBytes(
                    new PDFRenderer(document).renderImageWithDPI(0, 300, ImageType.RGB)));
        }
        BufferedImage png = TestPictures.read(labels.png(PIECE).content().toArray());
        assertEquals(812, png.getWidth());
        assertEquals(1218, png.getHeight());
        assertEquals(LETTER.encoded(), StampReader.create().readBytes(png));

        String zpl = labels.zpl(List.of(PIECE, PIECE));
        assertEquals(2, zpl.split("\\^XZ", -1).length - 1, "two labels");
        assertTrue(zpl.startsWith("^XA\n^CI0\n^LH0,0\n^PW812\n^LL1218\n"), zpl.substring(0, 40));
        assertTrue(zpl.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7F)), "printable ASCII only");
        Matcher bx = Pattern.compile("\\^BXN,4,200,44,44,,_\\^FH_\\^FD([^\\^]*)\\^FS").matcher(zpl);
        assertTrue(bx.find());
        Matcher gf = Pattern.compile("\\^FO0,0\\^GFA,(\\d+),(\\d+),(\\d+),([^\\^]+)\\^FS").matcher(zpl);
        assertTrue(gf.find());
        int rowBytes = Integer.parseInt(gf.group(3));
        BufferedImage graphic = ZplGraphics.decode(gf.group(4), rowBytes, Integer.parseInt(gf.group(1)) / rowBytes);
        // The bitmap is the PNG without the Data Matrix, which the printer draws from the ^BX field.
        Matcher fo = Pattern.compile("\\^FO(\\d+),(\\d+)\\^BXN").matcher(zpl);
        assertTrue(fo.find());
        Rectangle symbol = new Rectangle(Integer.parseInt(fo.group(1)), Integer.parseInt(fo.group(2)), 44 * 4, 44 * 4);
        int differ = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                boolean a = (png.getRGB(x, y) & 0xFFFFFF) == 0;
                boolean b = (graphic.getRGB(x, y) & 0xFFFFFF) == 0;
                if (a != b) {
                    assertTrue(symbol.contains(x, y), "pixel " + x + "," + y + " differs outside the symbol");
                    differ++;
                }
            }
        }
        assertTrue(differ > 1000, "the symbol is not in the bitmap");
        assertTrue(zpl.length() < 60_000, "compressed: " + zpl.length());
    }

    @Test
    void addressSheetsStartAtTheFirstFreeLabelAndFillPagesRowByRow() throws IOException {
        List<Address> addresses = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            addresses.add(Address.of("US", "Customer " + i, List.of(i + " Elm St"), "Springfield", "IL", "62701"));
        }
        AddressLabelRenderer letter = AddressLabelRenderer.of(SheetLayout.US_LETTER_30);
        assertEquals(2, letter.pageCount(28, 5));
        List<RenderedImage> pages = letter.png(addresses, "US", 5, 150);
        assertEquals(2, pages.size());
        BufferedImage first = TestPictures.read(pages.get(0).content().toArray());
        double px = 150 / 25.4;
        SheetLayout l = SheetLayout.US_LETTER_30;
        for (int slot = 0; slot < 6; slot++) {
            int inked = dark(first, new Rectangle((int) (l.labelLeftMm(slot) * px), (int) (l.labelTopMm(slot) * px),
                    (int) (l.labelWidthMm() * px), (int) (l.labelHeightMm() * px)));
            assertEquals(slot >= 5, inked > 100, "label " + slot + " has " + inked + " dark pixels");
        }
        try (PDDocument document = Loader.loadPDF(letter.pdf(addresses, "US", 5).content().toArray())) {
            assertEquals(2, document.getNumberOfPages());
            String text = new PDFTextStripper().getText(document);
            assertTrue(text.contains("CUSTOMER 27") && text.contains("SPRINGFIELD IL 62701"), text);
        }
        AddressLabelRenderer a4 = AddressLabelRenderer.of(SheetLayout.A4_21);
        assertEquals(2, a4.pageCount(28, 0));
        assertThrows(InvalidRequestException.class, () -> a4.pdf(addresses, "US", 21));
    }

    @Test
    void aFocalPointOrCropBoxPutsTheSubjectInThePicturePanel() {
        // A grey picture with one red square at (20 %, 70 %).
        BufferedImage picture = new BufferedImage(1000, 500, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = picture.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, 1000, 500);
        g.setColor(Color.RED);
        g.fillRect(180, 330, 40, 40);
        g.dispose();
        Background bg = BackgroundImages.check(TestPictures.png(picture));
        StampRenderer renderer = StampRenderer.defaults();
        double px = 300 / 25.4;
        // The panel: left of the plate, inside the 1.5 mm band; its centre at (15.5, 15) mm.
        int cx = (int) Math.round(15.5 * px);
        int cy = (int) Math.round(15 * px);
        BufferedImage centred = renderer.image(LETTER, bg);
        assertTrue(!red(centred.getRGB(cx, cy)), "centred, the square is elsewhere");
        BufferedImage focused = renderer.image(LETTER, bg.framed(PictureFrame.focus(0.2, 0.7)));
        assertTrue(red(focused.getRGB(cx, cy)), "the focal point is at the panel's centre");
        BufferedImage cropped = renderer.image(LETTER, bg.framed(PictureFrame.crop(0.17, 0.64, 0.06, 0.12)));
        assertTrue(red(cropped.getRGB(cx, cy)), "the crop box fills the panel");
        assertTrue(red(cropped.getRGB((int) (8 * px), (int) (8 * px))), "zoomed in: the square fills most of the panel");
        assertTrue(!red(focused.getRGB((int) (8 * px), (int) (8 * px))), "not zoomed as much with a focal point");
        assertEquals(LETTER.encoded(), StampReader.create().readBytes(focused));
        assertThrows(InvalidRequestException.class, () -> PictureFrame.focus(1.2, 0.5));
        assertThrows(InvalidRequestException.class, () -> PictureFrame.crop(0.9, 0.1, 0.2, 0.5));
    }

    private static boolean red(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() > 200 && c.getGreen() < 80 && c.getBlue() < 80;
    }

    private static int dark(BufferedImage image, Rectangle r) {
        int n = 0;
        for (int y = Math.max(0, r.y); y < Math.min(image.getHeight(), r.y + r.height); y++) {
            for (int x = Math.max(0, r.x); x < Math.min(image.getWidth(), r.x + r.width); x++) {
                Color c = new Color(image.getRGB(x, y));
                if (c.getRed() + c.getGreen() + c.getBlue() < 300) {
                    n++;
                }
            }
        }
        return n;
    }

    @SuppressWarnings("unused")
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
