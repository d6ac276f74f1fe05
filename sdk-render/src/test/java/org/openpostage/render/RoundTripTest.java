package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;

/**
 * Render, read back, verify: every resolution, with and without background, PNG and PDF
 * (rasterised back by PDFBox), ECDSA and Ed25519, live and test indicia. Every case must give the
 * exact bytes back and a valid signature.
 */
class RoundTripTest {
    private static final StampReader READER = StampReader.create();
    private static final Background BUSY = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(1600, 900, 1)));

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int serial = 1;
        for (int dpi : new int[] {203, 300, 600}) {
            for (boolean background : new boolean[] {false, true}) {
                for (String format : new String[] {"png", "pdf"}) {
                    cases.add(Arguments.of(dpi, background, format, serial % 3 == 0 ? "parcel"
                            : serial % 3 == 1 ? "letter" : "specimen", serial));
                    serial++;
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} dpi, background {1}, {2}, {3}")
    @MethodSource("cases")
    void readsBackTheExactBytes(int dpi, boolean withBackground, String format, String kind, int serial)
            throws IOException {
        SignedIndicium indicium = switch (kind) {
            case "parcel" -> TestIndicia.parcel(serial);
            case "specimen" -> TestIndicia.specimen(serial);
            default -> TestIndicia.letter(serial);
        };
        StampRenderer renderer = StampRenderer.builder().dpi(dpi).build();
        Background background = withBackground ? BUSY : null;
        byte[] file = format.equals("png") ? renderer.png(indicium, background).content().toArray()
                : rasterise(renderer.pdf(indicium, background).content().toArray(), dpi);

        StampVerification read = READER.verify(file, TestIndicia.KEYS);

        assertArrayEquals(indicium.encoded().toArray(), read.indicium().encoded().toArray());
        assertEquals(SignatureCheck.VALID, read.signature());
        assertEquals(!kind.equals("specimen"), read.valid());
    }

    @Test
    void everyPixelOfTheRenderingIsDeterministic() {
        StampRenderer renderer = StampRenderer.defaults();
        SignedIndicium indicium = TestIndicia.letter(5);
        assertEquals(renderer.png(indicium), renderer.png(indicium));
        assertEquals(renderer.png(indicium, BUSY), renderer.png(indicium, BUSY));
        assertEquals(renderer.pdf(indicium, BUSY), renderer.pdf(indicium, BUSY));
        assertEquals(renderer.zpl(indicium), renderer.zpl(indicium));
    }

    @Test
    void oneRendererServesManyThreads() throws Exception {
        StampRenderer renderer = StampRenderer.defaults();
        List<SignedIndicium> indicia = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            indicia.add(TestIndicia.letter(500 + i));
        }
        List<RenderedImage> expected = new ArrayList<>();
        for (SignedIndicium indicium : indicia) {
            expected.add(renderer.pdf(indicium, BUSY));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RenderedImage>> pdfs = new ArrayList<>();
            List<Future<Bytes>> reads = new ArrayList<>();
            for (SignedIndicium indicium : indicia) {
                pdfs.add(pool.submit(() -> renderer.pdf(indicium, BUSY)));
                reads.add(pool.submit(() -> READER.readBytes(renderer.png(indicium, BUSY).content().toArray())));
            }
            for (int i = 0; i < indicia.size(); i++) {
                assertEquals(expected.get(i), pdfs.get(i).get(), "PDF " + i);
                assertEquals(indicia.get(i).encoded(), reads.get(i).get(), "PNG " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] rasterise(byte[] pdf, int dpi) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            BufferedImage page = new PDFRenderer(document).renderImageWithDPI(0, dpi, ImageType.RGB);
            return TestPictures.png(page);
        }
    }
}
