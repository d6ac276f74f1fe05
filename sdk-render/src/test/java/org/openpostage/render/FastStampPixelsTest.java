package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.value.MailClass;

/**
 * The fast stamp paths (1-bit raster written directly; background pictures composed and
 * compressed once per picture) give exactly the pixels of the general Java 2D path that sheets,
 * envelopes and labels use: each PNG is decoded and compared pixel by pixel with the stamp painted
 * the general way.
 */
class FastStampPixelsTest {
    private static final OperatorMarks LONG_MARKS = OperatorMarks.DEFAULT.withOperatorMark("US POSTAGE PAID")
            .withProductCode(MailClass.LETTER, "INTLMAIL");

    private static List<SignedIndicium> indicia() {
        List<SignedIndicium> all = new ArrayList<>();
        for (long serial = 1; serial <= 12; serial++) {
            all.add(TestIndicia.letter(serial * 7919));
        }
        all.add(TestIndicia.parcel(5));
        all.add(TestIndicia.specimen(6));
        all.add(IndiciumCodec.sign(TestIndicia.data(999_999_999L).descendingRegister(5).build(), TestIndicia.EC_SIGNER));
        return all;
    }

    private static Stream<StampRenderer> renderers(int dpi) {
        return Stream.of(StampRenderer.builder().dpi(dpi).build(),
                StampRenderer.builder().dpi(dpi).marks(LONG_MARKS).build());
    }

    @ParameterizedTest(name = "{0} dpi")
    @ValueSource(ints = {150, 203, 300, 600})
    void aPlainPngHasExactlyThePixelsOfTheGeneralPath(int dpi) {
        renderers(dpi).forEach(renderer -> {
            for (SignedIndicium indicium : indicia()) {
                BufferedImage reference = reference(renderer, indicium, null);
                BufferedImage decoded = TestPictures.read(renderer.png(indicium).content().toArray());
                assertSamePixels(reference, decoded, dpi + " dpi, " + indicium.data().pieceSerial());
                assertSamePixels(reference, renderer.image(indicium, null), "image(), " + indicium.data().pieceSerial());
            }
        });
    }

    @ParameterizedTest(name = "{0} dpi")
    @ValueSource(ints = {203, 300, 600})
    void aPngWithABackgroundHasExactlyThePixelsOfTheGeneralPath(int dpi) {
        Background photo = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(1200, 400, 3)));
        Background framed = photo.framed(PictureFrame.focus(0.2, 0.7));
        renderers(dpi).forEach(renderer -> {
            for (Background background : List.of(photo, framed)) {
                for (SignedIndicium indicium : indicia()) {
                    byte[] file = renderer.png(indicium, background).content().toArray();
                    checkChunksAndStream(file);
                    assertSamePixels(reference(renderer, indicium, background), TestPictures.read(file),
                            dpi + " dpi, " + background + ", " + indicium.data().pieceSerial());
                }
            }
        });
    }

    @Test
    void aSymbolPngHasExactlyThePixelsOfJava2dFills() {
        for (SignedIndicium indicium : indicia()) {
            DataMatrixSymbol symbol = DataMatrixSymbol.encode(indicium.encoded());
            for (int[] p : new int[][] {{6, 1}, {1, 0}, {3, 2}, {7, 10}}) {
                int module = p[0];
                int quiet = p[1];
                int side = (symbol.size() + 2 * quiet) * module;
                BufferedImage reference = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
                Graphics2D g = reference.createGraphics();
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, side, side);
                org.openpostage.render.internal.RasterPainter.fillModules(g,
                        org.openpostage.render.internal.DataMatrix.encode(indicium.encoded().toArray()),
                        quiet * module, quiet * module, module);
                g.dispose();
                assertSamePixels(reference, TestPictures.read(symbol.png(module, quiet, 300).content().toArray()),
                        "symbol " + module + " px, quiet " + quiet);
            }
        }
    }

    @Test
    void aPngWithABackgroundIsTheSameBytesWithTheCacheColdOrWarm() {
        Background photo = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(900, 600, 11)));
        SignedIndicium a = TestIndicia.letter(1);
        SignedIndicium b = TestIndicia.specimen(2);
        StampRenderer renderer = StampRenderer.defaults();
        byte[] first = renderer.png(a, photo).content().toArray();
        renderer.png(b, photo);
        assertArrayEquals(first, renderer.png(a, photo).content().toArray(), "warm");
        assertArrayEquals(first, StampRenderer.defaults().png(a, photo).content().toArray(), "another renderer");
        // The same picture checked again (another object, same file) shares the cache entry and bytes.
        Background again = BackgroundImages.check(photo.content().toArray());
        assertArrayEquals(first, renderer.png(a, again).content().toArray(), "same file");
    }

    @Test
    void aRendererKeepsABoundedNumberOfPictures() {
        StampRenderer renderer = StampRenderer.defaults();
        SignedIndicium letter = TestIndicia.letter(3);
        for (int i = 0; i < StampRenderer.MAX_CACHED_PLATES + 5; i++) {
            Background picture = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(300, 100, 100 + i)));
            BufferedImage decoded = TestPictures.read(renderer.png(letter, picture).content().toArray());
            assertSamePixels(reference(renderer, letter, picture), decoded, "picture " + i);
        }
        assertTrue(renderer.cachedPictures() <= StampRenderer.MAX_CACHED_PLATES, renderer.cachedPictures() + " kept");
    }

    /** The stamp painted the general way: Java 2D for everything, as sheets and labels paint it. */
    private static BufferedImage reference(StampRenderer renderer, SignedIndicium indicium, Background background) {
        SizeMm size = renderer.size(background != null);
        BufferedImage image = new BufferedImage(SizeMm.toPx(size.widthMm(), renderer.dpi()),
                SizeMm.toPx(size.heightMm(), renderer.dpi()),
                background == null ? BufferedImage.TYPE_BYTE_BINARY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            renderer.paintRaster(g, 0, 0, indicium, background, background != null);
        } finally {
            g.dispose();
        }
        return image;
    }

    static void assertSamePixels(BufferedImage expected, BufferedImage actual, String what) {
        assertEquals(expected.getWidth(), actual.getWidth(), what + ": width");
        assertEquals(expected.getHeight(), actual.getHeight(), what + ": height");
        int[] e = expected.getRGB(0, 0, expected.getWidth(), expected.getHeight(), null, 0, expected.getWidth());
        int[] a = actual.getRGB(0, 0, actual.getWidth(), actual.getHeight(), null, 0, actual.getWidth());
        for (int i = 0; i < e.length; i++) {
            if ((e[i] & 0xFFFFFF) != (a[i] & 0xFFFFFF)) {
                throw new AssertionError(what + ": pixel (" + i % expected.getWidth() + ", " + i / expected.getWidth()
                        + ") is " + Integer.toHexString(a[i]) + ", expected " + Integer.toHexString(e[i]));
            }
        }
    }

    /**
     * Every chunk's CRC is right and the image data is one complete zlib stream whose Adler-32
     * (checked by the inflater at its end) is right: what strict decoders check and ImageIO does not.
     */
    static void checkChunksAndStream(byte[] png) {
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(8);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        while (in.hasRemaining()) {
            int length = in.getInt();
            byte[] typeAndData = new byte[4 + length];
            in.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertEquals((int) crc.getValue(), in.getInt(), "CRC of " + new String(typeAndData, 0, 4));
            if (new String(typeAndData, 0, 4).equals("IDAT")) {
                idat.write(typeAndData, 4, length);
            }
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(idat.toByteArray());
            byte[] out = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(out);
                assertTrue(n > 0 || !inflater.needsInput(), "the stream ends early");
            }
            assertEquals(0, inflater.getRemaining(), "bytes after the stream");
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError("bad zlib stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
