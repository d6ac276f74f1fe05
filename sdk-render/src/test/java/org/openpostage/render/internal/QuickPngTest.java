package org.openpostage.render.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick PNG path gives exactly the grey levels of ImageIO's decoding (through {@link Gray#of})
 * for the files it takes, and takes nothing it does not fully understand.
 */
class QuickPngTest {
    private static final ImageLimits LIMITS = new ImageLimits(50_000_000, 20_000, 20_000, 200_000_000, 16_000_000);

    @ParameterizedTest(name = "image type {0}")
    @ValueSource(ints = {BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_RGB,
            BufferedImage.TYPE_3BYTE_BGR})
    void givesImageIosGreyLevelsForEveryFilter(int type) throws IOException {
        // ImageIO's writer picks each row's filter (all five occur in noisy and smooth rows alike).
        BufferedImage image = new BufferedImage(97, 61, type);
        Random random = new Random(type);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, y % 3 == 0 ? random.nextInt(0x1000000) : (x * 2) << 16 | (y * 3) << 8 | (x + y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        byte[] file = out.toByteArray();
        assertArrayEquals(Gray.of(ImageIO.read(new ByteArrayInputStream(file))).getMatrix(),
                QuickPng.luminance(file, LIMITS).orElseThrow().getMatrix());
        // And the renderers' own writer.
        byte[] own = Png.write(image, 300);
        assertArrayEquals(Gray.of(ImageIO.read(new ByteArrayInputStream(own))).getMatrix(),
                QuickPng.luminance(own, LIMITS).orElseThrow().getMatrix());
    }

    @Test
    void takesNothingItDoesNotFullyUnderstand() throws IOException {
        BufferedImage rgb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        byte[] good = Png.write(rgb, 300);
        assertTrue(QuickPng.luminance(good, LIMITS).isPresent());

        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 13] ^= 1; // the IDAT chunk's CRC
        assertTrue(QuickPng.luminance(badCrc, LIMITS).isEmpty(), "bad CRC");

        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 20);
        assertTrue(QuickPng.luminance(truncated, LIMITS).isEmpty(), "truncated");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED), "png", out);
        assertTrue(QuickPng.luminance(out.toByteArray(), LIMITS).isEmpty(), "palette");

        out.reset();
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB), "png", out);
        assertTrue(QuickPng.luminance(out.toByteArray(), LIMITS).isEmpty(), "alpha");

        assertTrue(QuickPng.luminance(good, new ImageLimits(50_000_000, 39, 20_000, 200_000_000, 16_000_000)).isEmpty(),
                "wider than the limit");
        assertTrue(QuickPng.luminance(good, new ImageLimits(50_000_000, 20_000, 20_000, 200_000_000, 1000)).isEmpty(),
                "more pixels than are decoded in full");
        assertTrue(QuickPng.luminance(new byte[] {1, 2, 3}, LIMITS).isEmpty(), "not a PNG");
    }
}
