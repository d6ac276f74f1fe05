package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.StampReader;
import org.openpostage.render.UploadLimits;

/**
 * The upload checks (a shopper's picture, a scan to read back) on any bytes: a picture is accepted
 * only within the limits, in bytes and in pixels, and anything else is refused with an
 * {@link InvalidRequestException} saying why, never another exception. Small limits make the
 * over-limit cases easy for the fuzzer to reach. Seeds: the catalogue pictures, small PNG and
 * JPEG files, a decompression bomb, a rendered stamp.
 */
class ImageChecksFuzzTest {
    private static final UploadLimits SMALL = new UploadLimits(200_000, 640, 480, 200_000);

    @FuzzTest(maxDuration = "30s")
    void acceptsOnlyWithinTheLimitsAndRefusesWithAReason(byte[] bytes) {
        try {
            Background picture = BackgroundImages.check(bytes, SMALL);
            assertTrue(bytes.length <= SMALL.maxBytes(), "accepted a file of " + bytes.length + " bytes");
            assertTrue(picture.widthPx() <= SMALL.maxWidth() && picture.heightPx() <= SMALL.maxHeight()
                    && (long) picture.widthPx() * picture.heightPx() <= SMALL.maxPixels(),
                    "accepted " + picture.widthPx() + " x " + picture.heightPx() + " pixels");
        } catch (InvalidRequestException refused) {
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
        }
        try {
            StampReader.create(SMALL).readBytes(bytes);
        } catch (InvalidRequestException refused) {
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
        }
    }
}
