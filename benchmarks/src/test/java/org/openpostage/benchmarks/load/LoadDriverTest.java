package org.openpostage.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadDriverTest {
    @Test
    void theResultFileIsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", 12.5);
        m.put("name", "a \"quoted\"\nline");
        m.put("list", List.of(1, 2.0, true));
        m.put("nothing", null);
        m.put("empty", Map.of());
        assertEquals("{\n  \"rate\": 12.500,\n  \"name\": \"a \\\"quoted\\\"\\nline\",\n  \"list\": [1, 2.000, true],\n"
                + "  \"nothing\": null,\n  \"empty\": {}\n}", LoadDriver.Json.write(m));
    }

    /**
     * A very short run of every phase against a server in this JVM: the ledger must balance with every
     * indicium answered, and the result file must carry each phase's figures and the ratios.
     */
    @Test
    void aShortRunOfEveryPhaseBalancesAndWritesItsFigures(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("result.json");
        boolean ok = LoadDriver.drive(new String[] {"--transport", "grpc", "--clients", "2", "--meters", "2",
                "--warmup-min", "1", "--warmup-max", "1", "--seconds", "1", "--batch-size", "20", "--json", json.toString()});
        assertTrue(ok, "the ledger balances with every indicium answered");
        String text = Files.readString(json);
        for (String field : List.of("\"quote\"", "\"purchase\"", "\"batch\"", "\"purchase_over_quote\"",
                "\"batch_indicia_over_single_purchases\"", "\"p999_ms\"", "\"rss_peak_mb\"", "\"seconds_to_90_percent_of_steady\"",
                "\"balanced\": true")) {
            assertTrue(text.contains(field), field + " in " + text);
        }
    }
}
