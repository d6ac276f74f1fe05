package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.RenderedImage;

/** The properties of each output format. */
class StampRendererTest {
    private final SignedIndicium letter = TestIndicia.letter(200);

    @Test
    void theDefaultLayoutHasTheDocumentedSizes() {
        assertEquals(new SizeMm(63, 27), StampLayout.DEFAULT.plainSize());
        assertEquals(new SizeMm(94, 30), StampLayout.DEFAULT.pictureSize());
        assertEquals(24.0, StampLayout.DEFAULT.barcodeAreaMm(), 1e-9);
    }

    @ParameterizedTest(name = "{0} dpi")
    @ValueSource(ints = {203, 300, 600})
    void aPlainPngIsOneBitWithItsResolutionInTheFile(int dpi) throws IOException {
        RenderedImage png = StampRenderer.builder().dpi(dpi).build().png(letter);
        assertEquals(OutputFormat.PNG, png.format());
        assertEquals(dpi, png.dpi());
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png.content().toArray()))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            BufferedImage image = reader.read(0);
            assertEquals(1, image.getColorModel().getPixelSize(), "1 bit per pixel");
            assertEquals(Math.round(63 * dpi / 25.4), image.getWidth());
            assertEquals(Math.round(27 * dpi / 25.4), image.getHeight());
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            IIOMetadataNode phys = (IIOMetadataNode) root.getElementsByTagName("pHYs").item(0);
            assertEquals("meter", phys.getAttribute("unitSpecifier"));
            assertEquals(dpi, Math.round(Integer.parseInt(phys.getAttribute("pixelsPerUnitXAxis")) * 0.0254));
        }
    }

    @Test
    void aPngWithBackgroundIsColourAndLarger() {
        Background busy = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(800, 400, 6)));
        BufferedImage image = TestPictures.read(StampRenderer.defaults().png(letter, busy).content().toArray());
        assertEquals(Math.round(94 * 300 / 25.4), image.getWidth());
        assertEquals(Math.round(30 * 300 / 25.4), image.getHeight());
        assertTrue(image.getColorModel().getPixelSize() >= 24);
        // The plate is clean white: the pixel between barcode and text block.
        int x = (int) Math.round((1.5 + 28 + 1.5 + 24 + 1.0) * 300 / 25.4);
        int y = (int) Math.round(15 * 300 / 25.4);
        assertEquals(0xFFFFFF, image.getRGB(x, y) & 0xFFFFFF);
    }

    @Test
    void aPdfHasTheStampsSizeAVectorBarcodeAndRealText() throws IOException {
        RenderedImage pdf = StampRenderer.defaults().pdf(TestIndicia.specimen(201));
        try (PDDocument document = Loader.loadPDF(pdf.content().toArray())) {
            PDPage page = document.getPage(0);
            assertEquals(63, page.getMediaBox().getWidth() / SizeMm.POINTS_PER_MM, 0.01);
            assertEquals(27, page.getMediaBox().getHeight() / SizeMm.POINTS_PER_MM, 0.01);
            assertFalse(page.getResources().getXObjectNames().iterator().hasNext(), "no images: the barcode is vector");
            String text = new PDFTextStripper().getText(document);
            for (String line : new String[] {"SPECIMEN", "$000.85", "LTR Standard letter", "Mailed 2026-11-25",
                    "From 94107", "Meter 4711", "Serial 201"}) {
                assertTrue(text.contains(line), line + " in " + text);
            }
            var font = page.getResources().getFont(page.getResources().getFontNames().iterator().next());
            assertTrue(font.getName().contains("DejaVuSansMono"), "the bundled font, embedded: " + font.getName());
            assertTrue(font.isEmbedded());
        }
    }

    @Test
    void zplCarriesTheExactBytesHexEscapedForTheNativeDataMatrix() {
        SignedIndicium indicium = withByte(0x5F); // the escape character must be doubled
        String zpl = StampRenderer.builder().dpi(203).build().zpl(indicium);

        assertTrue(zpl.startsWith("^XA\n"), zpl);
        assertTrue(zpl.endsWith("^XZ\n"), zpl);
        assertTrue(zpl.contains("^PW504\n^LL216\n"), zpl);
        assertTrue(zpl.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7F)), "printable ASCII only");
        Matcher m = Pattern.compile("\\^BXN,4,200,44,44,,_\\^FH_\\^FD([^\\^]*)\\^FS").matcher(zpl);
        assertTrue(m.find(), zpl);
        assertEquals(HexFormat.of().formatHex(indicium.encoded().toArray()), HexFormat.of().formatHex(printerBytes(m.group(1))));
    }

    @Test
    void zplTextIsTheBundledFontsBitmapCompressed() {
        StampRenderer renderer = StampRenderer.builder().dpi(203).build();
        String zpl = renderer.zpl(letter);
        Matcher m = Pattern.compile("\\^FO(\\d+),(\\d+)\\^GFA,(\\d+),(\\d+),(\\d+),([^\\^]+)\\^FS").matcher(zpl);
        assertTrue(m.find(), zpl);
        int rowBytes = Integer.parseInt(m.group(5));
        BufferedImage text = ZplGraphics.decode(m.group(6), rowBytes, Integer.parseInt(m.group(3)) / rowBytes);
        BufferedImage png = TestPictures.read(renderer.png(letter).content().toArray());
        int x0 = Integer.parseInt(m.group(1));
        int y0 = Integer.parseInt(m.group(2));
        int dark = 0;
        for (int y = 0; y < text.getHeight(); y++) {
            for (int x = 0; x < text.getWidth() && x0 + x < png.getWidth(); x++) {
                boolean inZpl = (text.getRGB(x, y) & 0xFFFFFF) == 0;
                boolean inPng = (png.getRGB(x0 + x, y0 + y) & 0xFFFFFF) == 0;
                assertEquals(inPng, inZpl, "pixel " + x + "," + y + " of the text block");
                dark += inZpl ? 1 : 0;
            }
        }
        assertTrue(dark > 500, "the block has text: " + dark);
        assertTrue(m.group(6).length() < text.getHeight() * rowBytes * 2 / 3, "compressed: " + m.group(6).length());
        assertTrue(zpl.length() < 6000, "a small label: " + zpl.length());
    }

    @Test
    void operatorMarksProductCodesAndPostalAmounts() throws IOException {
        OperatorMarks marks = OperatorMarks.DEFAULT.withOperatorMark("US POSTAGE")
                .withProductCode(org.openpostage.api.value.MailClass.LETTER, "FCM LTR");
        RenderedImage pdf = StampRenderer.builder().marks(marks).build().pdf(letter);
        try (PDDocument document = Loader.loadPDF(pdf.content().toArray())) {
            String text = new PDFTextStripper().getText(document);
            assertTrue(text.contains("US POSTAGE"), text);
            assertTrue(text.contains("FCM LTR Standard letter"), text);
        }
        assertEquals("$000.85", marks.amount(org.openpostage.api.value.Money.of(85, "USD")));
        assertEquals("$012.30", marks.amount(org.openpostage.api.value.Money.of(1230, "USD")));
        assertEquals("€000,85", marks.amount(org.openpostage.api.value.Money.of(85, "EUR")));
        assertEquals("£001.05", marks.amount(org.openpostage.api.value.Money.of(105, "GBP")));
        assertEquals("CHF 000,85", marks.amount(org.openpostage.api.value.Money.of(85, "CHF")));
        assertEquals("¥085", marks.amount(org.openpostage.api.value.Money.of(85, "JPY")));
        assertEquals("USD 0.85", marks.withAmounts(OperatorMarks.AmountStyle.ISO).amount(
                org.openpostage.api.value.Money.of(85, "USD")));
        assertThrows(InvalidRequestException.class, () -> marks.withOperatorMark("X".repeat(21)));
    }

    @Test
    void graphicZplIsTheBitmapAndReadsBack() {
        String zpl = StampRenderer.builder().dpi(203).build().zplGraphic(letter);
        Matcher m = Pattern.compile("\\^GFA,(\\d+),(\\d+),(\\d+),([0-9A-F]+)\\^FS").matcher(zpl);
        assertTrue(m.find());
        int rowBytes = Integer.parseInt(m.group(3));
        byte[] dots = HexFormat.of().parseHex(m.group(4));
        assertEquals(Integer.parseInt(m.group(1)), dots.length);
        BufferedImage image = new BufferedImage(rowBytes * 8, dots.length / rowBytes, BufferedImage.TYPE_BYTE_BINARY);
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < dots.length; i++) {
            raster[i] = (byte) ~dots[i];
        }
        assertEquals(letter.encoded(), StampReader.create().readBytes(image));
    }

    @Test
    void renderRefusesIndiciumData() {
        assertThrows(InvalidRequestException.class,
                () -> StampRenderer.defaults().render(letter, OutputFormat.INDICIUM_DATA, null));
        assertEquals(OutputFormat.PDF, StampRenderer.defaults().render(letter, OutputFormat.PDF, null).format());
    }

    @Test
    void unusualResolutionsAndLayoutsAreChecked() {
        assertThrows(InvalidRequestException.class, () -> StampRenderer.builder().dpi(72));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> StampLayout.DEFAULT.withModuleMm(0.1));
        assertTrue(e.getMessage().startsWith("layout.moduleMm must be between"), e.getMessage());
        StampRenderer big = StampRenderer.builder().layout(StampLayout.DEFAULT.withModuleMm(0.7)).build();
        assertEquals(letter.encoded(), StampReader.create().readBytes(big.png(letter).content().toArray()));
    }

    /** What a ZPL printer feeds to its Data Matrix encoder: ^FH hex decoded, then ^BX's "__" read as "_". */
    private static byte[] printerBytes(String field) {
        ByteArrayOutputStream hexDecoded = new ByteArrayOutputStream();
        for (int i = 0; i < field.length(); ) {
            assertEquals('_', field.charAt(i), "every byte is hex-escaped");
            hexDecoded.write(Integer.parseInt(field.substring(i + 1, i + 3), 16));
            i += 3;
        }
        byte[] b = hexDecoded.toByteArray();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '_') {
                assertEquals('_', b[i + 1], "a lone escape character would start an escape sequence");
                i++;
            }
            data.write(b[i]);
        }
        return data.toByteArray();
    }

    private static SignedIndicium withByte(int value) {
        for (int serial = 1; ; serial++) {
            SignedIndicium indicium = TestIndicia.letter(serial);
            for (byte b : indicium.encoded().toArray()) {
                if ((b & 0xFF) == value) {
                    return indicium;
                }
            }
        }
    }
}
