package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;

/**
 * {@link BackgroundImages#clean}: a phone photo's metadata (GPS position, comments, XMP, PNG text)
 * never survives an upload, and a photo taken upright on its side comes out upright.
 */
class MetadataStrippingTest {
    private static final String GPS = "SECRET-GPS-48.8584N-2.2945E";
    private static final String COMMENT = "SECRET-COMMENT-serial-12345";
    private static final String XMP = "SECRET-XMP-creator";

    /** 40 x 20: the left half red, the right half blue. */
    private static BufferedImage halves() {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, x < 20 ? Color.RED.getRGB() : Color.BLUE.getRGB());
            }
        }
        return image;
    }

    @Test
    void aPhonePhotoLosesItsMetadataAndStandsUpright() {
        byte[] photo = phoneJpeg(halves(), 6); // stored as the sensor saw it: to be turned a quarter clockwise
        assertTrue(contains(photo, GPS) && contains(photo, COMMENT) && contains(photo, XMP), "the fixture");

        Background clean = BackgroundImages.clean(photo);
        byte[] file = clean.content().toArray();
        assertEquals("image/jpeg", clean.mediaType());
        for (String secret : List.of(GPS, COMMENT, XMP, "Exif")) {
            assertFalse(contains(file, secret), secret + " survived");
        }
        assertEquals(List.of(), markers(file).stream().filter(m -> m == 0xE1 || m == 0xFE || m == 0xED).toList(),
                "no APP1 (EXIF, XMP), APP13 (IPTC) or COM segment");
        // Upright: 20 wide and 40 tall, the red half on top.
        assertEquals(20, clean.widthPx());
        assertEquals(40, clean.heightPx());
        assertRed(clean.toImage().getRGB(10, 5));
        assertBlue(clean.toImage().getRGB(10, 35));
        // The stored file decodes to the same, upright picture.
        BufferedImage stored = TestPictures.read(file);
        assertEquals(20, stored.getWidth());
        assertRed(stored.getRGB(10, 5));
    }

    @Test
    void checkTurnsThePhotoUprightToo() {
        Background checked = BackgroundImages.check(phoneJpeg(halves(), 8)); // a quarter anticlockwise
        assertEquals(20, checked.widthPx());
        assertBlue(checked.toImage().getRGB(10, 5));
        assertRed(checked.toImage().getRGB(10, 35));
        Background mirrored = BackgroundImages.check(phoneJpeg(halves(), 2));
        assertBlue(mirrored.toImage().getRGB(5, 10));
        Background upsideDown = BackgroundImages.check(phoneJpeg(halves(), 3));
        assertBlue(upsideDown.toImage().getRGB(5, 10));
        Background asStored = BackgroundImages.check(phoneJpeg(halves(), 1));
        assertRed(asStored.toImage().getRGB(5, 10));
    }

    @Test
    void aPngLosesItsTextChunksAndKeepsItsPixels() {
        BufferedImage picture = TestPictures.busyPhoto(120, 80, 7);
        byte[] png = withChunks(TestPictures.png(picture), chunk("tEXt", "Comment\0" + COMMENT),
                chunk("eXIf", "MM\0*" + GPS), chunk("iTXt", "XML:com.adobe.xmp\0\0\0\0\0" + XMP));
        assertTrue(contains(png, GPS), "the fixture");

        Background clean = BackgroundImages.clean(png);
        byte[] file = clean.content().toArray();
        for (String secret : List.of(GPS, COMMENT, XMP)) {
            assertFalse(contains(file, secret), secret + " survived");
        }
        List<String> chunks = pngChunks(file);
        assertTrue(List.of("IHDR", "IDAT", "IEND").containsAll(chunks), "only image data: " + chunks);
        BufferedImage back = TestPictures.read(file);
        for (int y = 0; y < picture.getHeight(); y += 7) {
            for (int x = 0; x < picture.getWidth(); x += 7) {
                assertEquals(picture.getRGB(x, y), back.getRGB(x, y), "PNG stays lossless at " + x + "," + y);
            }
        }
    }

    @Test
    void cleaningChecksFirst() {
        assertEquals("the upload is empty",
                assertThrows(InvalidRequestException.class, () -> BackgroundImages.clean(new byte[0])).getMessage());
    }

    @Test
    void aDamagedOrHostileExifBlockNeverBreaksAPicture() {
        byte[] exif = exif(6);
        for (int cut = 0; cut <= exif.length; cut++) { // every truncation of the block
            byte[] part = java.util.Arrays.copyOf(exif, cut);
            Background b = BackgroundImages.check(jpegWith(halves(), app1(part)));
            assertTrue(b.widthPx() == 40 || b.widthPx() == 20, "cut at " + cut);
        }
        byte[] wild = exif.clone();
        ByteBuffer.wrap(wild).putInt(10, 0x7FFF_FFF0); // IFD0 far beyond the block
        assertEquals(40, BackgroundImages.check(jpegWith(halves(), app1(wild))).widthPx());
        byte[] many = exif.clone();
        ByteBuffer.wrap(many).putShort(14, (short) 0xFFFF).putShort(28, (short) 0x0113); // 65,535 entries, none read
        assertEquals(40, BackgroundImages.check(jpegWith(halves(), app1(many))).widthPx());
    }

    // ---- fixtures: a JPEG as a phone writes it ----

    /** A JPEG with EXIF (orientation, a GPS directory), XMP and a comment, EXIF first as phones write it. */
    private static byte[] phoneJpeg(BufferedImage image, int orientation) {
        return jpegWith(image, app1(exif(orientation)),
                app1(("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>" + XMP + "</x:xmpmeta>").getBytes(StandardCharsets.ISO_8859_1)),
                segment(0xFE, COMMENT.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** An EXIF block: IFD0 with a description, the orientation and a pointer to a GPS directory. */
    private static byte[] exif(int orientation) {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 42 + 28 + 18);
        b.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        b.putShort((short) 3);
        b.putShort((short) 0x010E).putShort((short) 2).putInt(28).putInt(50);      // ImageDescription
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(78);      // GPS directory
        b.putInt(0);
        b.put((GPS + "\0").getBytes(StandardCharsets.ISO_8859_1));
        b.putShort((short) 1).putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] {'N', 0, 0, 0});
        b.putInt(0);
        return b.array();
    }

    private static byte[] app1(byte[] payload) {
        return segment(0xE1, payload);
    }

    private static byte[] segment(int marker, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.put((byte) 0xFF).put((byte) marker).putShort((short) (payload.length + 2)).put(payload);
        return b.array();
    }

    /** ImageIO's JPEG with its JFIF APP0 replaced by {@code segments}. */
    private static byte[] jpegWith(BufferedImage image, byte[]... segments) {
        byte[] plain = TestPictures.jpeg(image, 0.95f);
        int app0Length = ((plain[4] & 0xFF) << 8) | (plain[5] & 0xFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        out.write(plain, 4 + app0Length, plain.length - 4 - app0Length);
        return out.toByteArray();
    }

    /** The markers of a JPEG's header segments, up to the start of scan. */
    private static List<Integer> markers(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                break;
            }
            at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
        }
        return markers;
    }

    // ---- fixtures: PNG chunks ----

    private static byte[] chunk(String type, String data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        byte[] d = data.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(d);
        return ByteBuffer.allocate(12 + d.length).putInt(d.length).put(t).put(d).putInt((int) crc.getValue()).array();
    }

    /** {@code png} with {@code chunks} inserted after IHDR. */
    private static byte[] withChunks(byte[] png, byte[]... chunks) {
        int afterIhdr = 8 + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    private static List<String> pngChunks(byte[] png) {
        List<String> types = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
        while (b.remaining() >= 12) {
            int length = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            types.add(new String(type, StandardCharsets.ISO_8859_1));
            b.position(b.position() + length + 4);
        }
        return types;
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private static void assertRed(int rgb) {
        Color c = new Color(rgb);
        assertTrue(c.getRed() > 200 && c.getBlue() < 80, "red expected, was " + c);
    }

    private static void assertBlue(int rgb) {
        Color c = new Color(rgb);
        assertTrue(c.getBlue() > 200 && c.getRed() < 80, "blue expected, was " + c);
    }
}
