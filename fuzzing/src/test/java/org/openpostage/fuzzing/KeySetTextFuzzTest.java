package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.VerificationKeySet;

/**
 * The key set's text form (the file operators publish and verifiers read) on any text: it parses
 * or is refused with an {@link InvalidRequestException} naming the line, and what parses writes
 * back to text that parses to the same key set. Seeds: key sets of both versions, with live, test,
 * retired and revoked keys.
 */
class KeySetTextFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRefusesAndRoundTrips(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        VerificationKeySet keys;
        try {
            keys = VerificationKeySet.parse(text);
        } catch (InvalidRequestException refused) {
            return;
        }
        assertEquals(keys, VerificationKeySet.parse(keys.toText()));
    }
}
