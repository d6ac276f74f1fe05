package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.render.internal.DataMatrix;

/** Reading stamps from imperfect images: scans, photos, JPEG, rotation, other barcodes. */
class ReadBackTest {
    private static final StampReader READER = StampReader.create();
    private final StampRenderer renderer = StampRenderer.defaults();

    @ParameterizedTest(name = "turned {0} degrees")
    @ValueSource(doubles = {-5, -3, 3, 5})
    void aSlightlyRotatedJpegScanReadsBack(double degrees) {
        SignedIndicium indicium = TestIndicia.letter(100);
        BufferedImage scan = TestPictures.scanned(renderer.image(indicium, null), degrees, 3);

        StampVerification read = READER.verify(TestPictures.jpeg(scan, 0.7f), TestIndicia.KEYS);

        assertArrayEquals(indicium.encoded().toArray(), read.indicium().encoded().toArray());
        assertEquals(SignatureCheck.VALID, read.signature());
    }

    @Test
    void aStampOnABusyPictureTurnedFarReadsBack() {
        SignedIndicium indicium = TestIndicia.parcel(101);
        Background busy = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(900, 500, 5)));
        BufferedImage scan = TestPictures.scanned(renderer.image(indicium, busy), 30, 4);

        assertEquals(indicium.encoded(), READER.readBytes(TestPictures.jpeg(scan, 0.8f)));
    }

    @Test
    void aLowResolutionPhotoReadsBack() {
        // A 600 dpi stamp photographed small: about 2.5 pixels per module.
        SignedIndicium indicium = TestIndicia.letter(102);
        BufferedImage stamp = StampRenderer.builder().dpi(600).build().image(indicium, null);
        BufferedImage small = scale(stamp, 0.21);

        assertEquals(indicium.encoded(), READER.readBytes(TestPictures.jpeg(small, 0.9f)));
    }

    @Test
    void aLargePhotoIsDecodedSubsampledAndReadsBack() {
        SignedIndicium indicium = TestIndicia.letter(103);
        BufferedImage stamp = StampRenderer.builder().dpi(600).build().image(indicium, null);
        BufferedImage photo = new BufferedImage(6000, 4000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(new java.awt.Color(200, 190, 170));
        g.fillRect(0, 0, photo.getWidth(), photo.getHeight());
        g.drawImage(stamp, 3500, 2500, stamp.getWidth() * 2, stamp.getHeight() * 2, null);
        g.dispose();

        assertEquals(indicium.encoded(), READER.readBytes(TestPictures.jpeg(photo, 0.85f)));
    }

    @Test
    void anImageWithoutAStampSaysSo() {
        byte[] blank = TestPictures.png(TestPictures.busyPhoto(400, 300, 9));
        StampNotFoundException e = assertThrows(StampNotFoundException.class, () -> READER.readBytes(blank));
        assertTrue(e.getMessage().contains("no readable Data Matrix"), e.getMessage());
    }

    @Test
    void aDataMatrixThatIsNoIndiciumIsAFormatError() {
        BufferedImage other = TestPictures.scanned(symbolImage("hello, world".getBytes(), 8), 0, -1);
        byte[] file = TestPictures.png(other);
        assertEquals("hello, world", new String(READER.readBytes(file).toArray()));
        assertThrows(IndiciumFormatException.class, () -> READER.read(file));
    }

    @Test
    void notAnImageIsRefusedClearly() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> READER.readBytes("%PDF-1.7 not really".getBytes()));
        assertTrue(e.getMessage().startsWith("the image is not an image"), e.getMessage());
    }

    /** The independent decoder of dmtx-utils reads our PNG and gets the same bytes, if installed. */
    @Test
    void dmtxreadAgreesWhenInstalled(@TempDir Path dir) throws IOException, InterruptedException {
        Path dmtxread = Path.of("/usr/bin/dmtxread");
        assumeTrue(Files.isExecutable(dmtxread), "dmtx-utils is not installed");
        SignedIndicium indicium = TestIndicia.parcel(104);
        // dmtxread wants the symbol with its quiet zone and little else around it.
        BufferedImage symbol = symbolImage(indicium.encoded().toArray(), 6);
        Path file = Files.write(dir.resolve("symbol.png"), TestPictures.png(symbol));
        Process p = new ProcessBuilder(dmtxread.toString(), "-N1", "-m", "5000", file.toString())
                .redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(HexFormat.of().formatHex(indicium.encoded().toArray()), HexFormat.of().formatHex(out));
    }

    private static BufferedImage symbolImage(byte[] data, int module) {
        var matrix = DataMatrix.encode(data);
        int quiet = 4 * module;
        BufferedImage image = new BufferedImage(matrix.getWidth() * module + 2 * quiet,
                matrix.getHeight() * module + 2 * quiet, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(java.awt.Color.BLACK);
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                if (matrix.get(x, y)) {
                    g.fillRect(quiet + x * module, quiet + y * module, module, module);
                }
            }
        }
        g.dispose();
        return image;
    }

    private static BufferedImage scale(BufferedImage source, double factor) {
        BufferedImage small = new BufferedImage((int) (source.getWidth() * factor), (int) (source.getHeight() * factor),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(source, 0, 0, small.getWidth(), small.getHeight(), null);
        g.dispose();
        return small;
    }
}
