package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignedIndicium;

/**
 * The indicium codec on any bytes: it decodes them or refuses them with an
 * {@link IndiciumFormatException} (nothing else), and what it decodes encodes back to exactly the
 * same bytes (the signed part, and the whole indicium with its signature). Seeds: the golden
 * vectors of docs/indicium-format.md.
 */
class IndiciumCodecFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decodesOrRefusesAndRoundTrips(byte[] bytes) {
        SignedIndicium decoded;
        try {
            decoded = IndiciumCodec.decode(bytes);
        } catch (IndiciumFormatException refused) {
            refusedAsPayloadToo(bytes);
            return;
        }
        byte[] payload = IndiciumCodec.encodePayload(decoded.data());
        assertArrayEquals(Arrays.copyOf(bytes, IndiciumCodec.PAYLOAD_LENGTH), payload, "the signed part round-trips");
        assertArrayEquals(bytes, IndiciumCodec.assemble(decoded.data(), decoded.signature().toArray()).encoded().toArray(),
                "the indicium round-trips");
        assertEquals(decoded.data(), IndiciumCodec.decodePayload(payload), "the signed part decodes alone");
    }

    /** The first 63 bytes of refused input, decoded as a payload, are refused or round-trip as well. */
    private static void refusedAsPayloadToo(byte[] bytes) {
        byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, IndiciumCodec.PAYLOAD_LENGTH));
        try {
            IndiciumData data = IndiciumCodec.decodePayload(head);
            assertArrayEquals(head, IndiciumCodec.encodePayload(data));
        } catch (IndiciumFormatException refused) {
            // a documented refusal
        }
    }
}
