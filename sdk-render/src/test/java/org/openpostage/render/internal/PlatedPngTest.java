package org.openpostage.render.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.Adler32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Plates anywhere in a picture, the picture's edges included, decode to the base with the plate in place. */
class PlatedPngTest {
    @ParameterizedTest(name = "{0} x {1}, plate at {2},{3} size {4} x {5}")
    @CsvSource({
            "120, 50, 40, 5, 70, 40",    // inside
            "120, 50, 0, 0, 60, 30",     // top-left corner
            "120, 50, 60, 20, 60, 30",   // bottom-right corner
            "120, 50, 0, 0, 120, 50",    // the whole image
            "1, 1, 0, 0, 1, 1",
            "7, 300, 3, 1, 4, 299",
            "700, 3, 1, 1, 698, 1"})
    void aPlateAnywhereDecodesToTheBaseWithThePlate(int w, int h, int x, int y, int pw, int ph) throws IOException {
        for (long seed = 0; seed < 4; seed++) {
            Random random = new Random(seed);
            BufferedImage base = noise(w, h, random, seed % 2 == 0);
            PlatedPng plated = new PlatedPng(base, new Rectangle(x, y, pw, ph), 300);
            for (int stamp = 0; stamp < 3; stamp++) {
                BufferedImage plate = noise(pw, ph, random, stamp == 0);
                BufferedImage expected = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                expected.setData(base.getData());
                expected.getRaster().setRect(x, y, plate.getData());
                byte[] file = plated.write(plate);
                BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(file));
                for (int py = 0; py < h; py++) {
                    for (int px = 0; px < w; px++) {
                        assertEquals(expected.getRGB(px, py), decoded.getRGB(px, py) | 0xFF000000,
                                "pixel " + px + "," + py + " (seed " + seed + ", stamp " + stamp + ")");
                    }
                }
            }
        }
    }

    @Test
    void adlerPiecesCombineToTheWhole() {
        byte[] data = new byte[70_000];
        new Random(5).nextBytes(data);
        for (int cut : new int[] {0, 1, 5551, 5552, 40_000, 70_000}) {
            Adler32 whole = new Adler32();
            whole.update(data);
            long first = PlatedPng.update(1, data, 0, cut);
            long second = PlatedPng.update(1, data, cut, data.length - cut);
            assertEquals(whole.getValue(), PlatedPng.combine(first, second, data.length - cut), "cut at " + cut);
            assertEquals(whole.getValue(), PlatedPng.update(first, data, cut, data.length - cut), "continued at " + cut);
        }
    }

    @Test
    void aPlateMustFitAndMatch() {
        BufferedImage base = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> new PlatedPng(base, new Rectangle(15, 0, 6, 10), 300));
        PlatedPng plated = new PlatedPng(base, new Rectangle(5, 2, 10, 5), 300);
        assertThrows(IllegalArgumentException.class,
                () -> plated.write(new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB)));
    }

    /** Random colours, or (flat) long runs of a few colours, like a plate's white, black and greys. */
    private static BufferedImage noise(int w, int h, Random random, boolean flat) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int colour = random.nextInt(0x1000000);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!flat || random.nextInt(40) == 0) {
                    colour = flat ? new int[] {0xFFFFFF, 0, 0x808080}[random.nextInt(3)] : random.nextInt(0x1000000);
                }
                image.setRGB(x, y, colour);
            }
        }
        return image;
    }
}
