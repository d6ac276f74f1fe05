package org.openpostage.api.indicium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openpostage.api.internal.EcdsaSignatures;

class EcdsaSignaturesTest {
    @Test
    void rawAndDerFormsConvertBothWays() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] raw = new byte[64];
            random.nextBytes(raw);
            // Leading zero bytes and high bits exercise DER's sign padding and minimal encoding.
            int zeros = random.nextInt(4);
            for (int z = 0; z < zeros; z++) {
                raw[z] = 0;
                raw[32 + z] = 0;
            }
            assertArrayEquals(raw, EcdsaSignatures.derToRaw(EcdsaSignatures.rawToDer(raw), 32));
        }
    }

    @Test
    void malformedDerIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> EcdsaSignatures.derToRaw(new byte[] {0x30, 0x00}, 32));
        assertThrows(IllegalArgumentException.class, () -> EcdsaSignatures.derToRaw(new byte[] {0x31, 0x00}, 32));
        byte[] tooLong = new byte[2 + 2 + 34 + 2 + 1];
        tooLong[0] = 0x30;
        tooLong[1] = (byte) (tooLong.length - 2);
        tooLong[2] = 0x02;
        tooLong[3] = 34;
        tooLong[4] = 0x7F; // 34 significant bytes cannot be a 32-byte value
        tooLong[2 + 2 + 34] = 0x02;
        tooLong[2 + 2 + 34 + 1] = 1;
        assertThrows(IllegalArgumentException.class, () -> EcdsaSignatures.derToRaw(tooLong, 32));
    }
}
