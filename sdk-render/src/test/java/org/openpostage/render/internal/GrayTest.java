package org.openpostage.render.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Grey levels of a sub-image (a crop sharing its parent's raster, as the stamp reader makes of the
 * barcode area) are those of the same pixels copied into an image of their own.
 */
class GrayTest {
    @ParameterizedTest(name = "image type {0}")
    @ValueSource(ints = {BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_BYTE_GRAY})
    void aSubImageIsReadAtItsOwnPlace(int type) {
        Random random = new Random(type);
        BufferedImage image = new BufferedImage(173, 91, type);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        for (int i = 0; i < 20; i++) {
            int x = random.nextInt(image.getWidth() - 1);
            int y = random.nextInt(image.getHeight() - 1);
            int w = 1 + random.nextInt(image.getWidth() - x);
            int h = 1 + random.nextInt(image.getHeight() - y);
            BufferedImage sub = image.getSubimage(x, y, w, h);
            BufferedImage copy = new BufferedImage(w, h, type);
            copy.getRaster().setDataElements(0, 0, w, h, image.getRaster().getDataElements(x, y, w, h, null));
            assertArrayEquals(Gray.of(copy).getMatrix(), Gray.of(sub).getMatrix(), x + "," + y + " " + w + " x " + h);
        }
    }
}
