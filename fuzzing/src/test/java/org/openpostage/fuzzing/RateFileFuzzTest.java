package org.openpostage.fuzzing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.openpostage.server.internal.rates.RateBook;

/**
 * An operator's rate file on any text: it is read, or refused with an
 * {@link IllegalArgumentException} whose message names the file (and the line, where there is
 * one), which the server turns into its one-line start-up error; never anything else. Seeds: the
 * sample rate file and its documented variants.
 */
class RateFileFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readsOrRefusesNamingTheLine(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        RateBook book;
        try {
            book = RateBook.parse(text, "rates.txt");
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage() != null && refused.getMessage().startsWith("rates.txt"),
                    "the refusal names the file: " + refused.getMessage());
            return;
        }
        assertFalse(book.tables().isEmpty(), "a rate book that was read has tables");
        assertEquals("rates.txt", book.source());
    }
}
