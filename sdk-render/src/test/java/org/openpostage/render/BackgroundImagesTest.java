package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.value.Bytes;

/** Upload checks: what is accepted, and a clear message for everything that is not. */
class BackgroundImagesTest {
    @Test
    void acceptsPngAndJpegByTheirContent() {
        BufferedImage picture = TestPictures.busyPhoto(640, 400, 2);
        Background png = BackgroundImages.check(TestPictures.png(picture));
        Background jpeg = BackgroundImages.check(TestPictures.jpeg(picture, 0.8f));
        assertEquals("image/png", png.mediaType());
        assertEquals("image/jpeg", jpeg.mediaType());
        assertEquals(640, jpeg.widthPx());
        assertEquals(400, jpeg.heightPx());
    }

    @Test
    void transparencyIsFlattenedOntoWhite() {
        BufferedImage clear = new BufferedImage(50, 40, BufferedImage.TYPE_INT_ARGB);
        Background background = BackgroundImages.check(TestPictures.png(clear));
        assertEquals(Color.WHITE.getRGB(), background.toImage().getRGB(10, 10));
    }

    @Test
    void emptyUpload() {
        assertRefused(new byte[0], "the upload is empty");
    }

    @Test
    void notAnImage() {
        assertRefused("<html><body>hello</body></html>".getBytes(StandardCharsets.UTF_8),
                "the upload is not an image: PNG or JPEG expected, but it starts with 3c 68 74 6d");
    }

    @Test
    void otherImageFormatsAreNamed() throws IOException {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "gif", gif);
        assertRefused(gif.toByteArray(), "the upload is a GIF image; only PNG and JPEG are accepted");
        ByteArrayOutputStream bmp = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "bmp", bmp);
        assertRefused(bmp.toByteArray(), "the upload is a BMP image; only PNG and JPEG are accepted");
        assertRefused("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(),
                "the upload is a SVG image; only PNG and JPEG are accepted");
    }

    @Test
    void fileTooLarge() {
        byte[] png = TestPictures.png(TestPictures.busyPhoto(300, 200, 3));
        UploadLimits tight = new UploadLimits(png.length - 1, 8000, 8000, 40_000_000);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(png, tight));
        assertTrue(e.getMessage().startsWith("the upload is too large: "), e.getMessage());
    }

    @Test
    void tooManyPixels() {
        byte[] png = TestPictures.png(TestPictures.busyPhoto(300, 200, 3));
        UploadLimits tight = new UploadLimits(10_000_000, 8000, 8000, 50_000);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(png, tight));
        assertEquals("the upload has too many pixels: 300 x 200; at most 8000 x 8000 and 50000 pixels are accepted",
                e.getMessage());
    }

    @Test
    void aPngDecompressionBombIsRefusedBeforeDecoding() {
        // 50,000 x 50,000 RGB pixels (7.5 GB decoded) in a file of a few hundred bytes.
        byte[] bomb = pngDeclaring(50_000, 50_000);
        assertTrue(bomb.length < 1000);
        InvalidRequestException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(bomb)));
        assertTrue(e.getMessage().startsWith("the upload is refused as a decompression bomb: its "), e.getMessage());
        assertTrue(e.getMessage().contains("declare 50000 x 50000 pixels"), e.getMessage());
    }

    @Test
    void aJpegDecompressionBombIsRefusedBeforeDecoding() {
        byte[] jpeg = TestPictures.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), 0.5f);
        byte[] bomb = withJpegSize(jpeg, 60_000, 60_000);
        InvalidRequestException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(bomb)));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
        assertTrue(e.getMessage().contains("60000 x 60000"), e.getMessage());
    }

    @Test
    void aCompressedTextChunkIsNeverInflated() throws IOException {
        // A 10 x 10 PNG with a zTXt chunk that would inflate to 200 MB: metadata is not read.
        byte[] png = TestPictures.png(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.write("Comment".getBytes(StandardCharsets.US_ASCII));
        text.write(new byte[] {0, 0});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < 200; i++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                text.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            text.write(buffer, 0, deflater.deflate(buffer));
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(png, 0, 33); // signature and IHDR
        chunk(new DataOutputStream(file), "zTXt", text.toByteArray());
        file.write(png, 33, png.length - 33);

        Background background = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> BackgroundImages.check(file.toByteArray()));
        assertEquals(10, background.widthPx());
    }

    @Test
    void aTruncatedFileIsDamaged() {
        byte[] png = TestPictures.png(TestPictures.busyPhoto(300, 200, 3));
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(cut));
        assertTrue(e.getMessage().startsWith("the upload is a damaged PNG file"), e.getMessage());
        byte[] jpeg = TestPictures.jpeg(TestPictures.busyPhoto(300, 200, 3), 0.9f);
        byte[] cutJpeg = Arrays.copyOf(jpeg, jpeg.length / 2);
        InvalidRequestException j = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(cutJpeg));
        assertTrue(j.getMessage().startsWith("the upload is a damaged JPEG file"), j.getMessage());
    }

    @Test
    void aCatalogueEntryMustBeWhatItDeclares() {
        byte[] png = TestPictures.png(TestPictures.busyPhoto(320, 100, 4));
        Background ok = BackgroundImages.check(new BackgroundImage("hills", "Hills", "image/png", Bytes.of(png), 320, 100));
        assertEquals(320, ok.widthPx());
        InvalidRequestException type = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(
                new BackgroundImage("hills", "Hills", "image/jpeg", Bytes.of(png), 320, 100)));
        assertEquals("background 'hills' is declared as image/jpeg but is image/png", type.getMessage());
        InvalidRequestException size = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(
                new BackgroundImage("hills", "Hills", "image/png", Bytes.of(png), 300, 100)));
        assertEquals("background 'hills' is declared as 300 x 100 pixels but is 320 x 100", size.getMessage());
        assertEquals(new BackgroundImage("hills", "Hills", "image/png", Bytes.of(png), 320, 100),
                ok.toBackgroundImage("hills", "Hills"));
    }

    private static void assertRefused(byte[] upload, String message) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> BackgroundImages.check(upload));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    /** A valid PNG header declaring {@code width} x {@code height} RGB pixels, with one short row of data. */
    static byte[] pngDeclaring(int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(out);
            data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0});
            chunk(data, "IHDR", ihdr.toByteArray());
            Deflater deflater = new Deflater();
            deflater.setInput(new byte[4096]);
            deflater.finish();
            byte[] buffer = new byte[512];
            int n = deflater.deflate(buffer);
            chunk(data, "IDAT", Arrays.copyOf(buffer, n));
            chunk(data, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        out.writeInt(body.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.writeInt((int) crc.getValue());
    }

    /** {@code jpeg} with the dimensions in its SOF0 segment replaced. */
    private static byte[] withJpegSize(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xC0) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
        }
        throw new IllegalStateException("no SOF0 segment");
    }
}
