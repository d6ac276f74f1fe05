package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server program's log formats: with {@code OPENPOSTAGE_LOG_FORMAT=json} every line it writes
 * (bar the banner on the standard output) is one JSON object made by Logback's encoder; a value
 * that is neither text nor json stops it at once with one line.
 */
class LogFormatTest {
    @TempDir
    Path dir;

    @Test
    void jsonLogsAreOneObjectALine() throws Exception {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\nxml.port = 0\ngrpc.port = 0\n"
                + "keystore.password = log-format-test\n");
        List<String> lines;
        try (ServerProcess p = ServerProcess.start(config, Map.of("OPENPOSTAGE_LOG_FORMAT", "json")).awaitStarted()) {
            lines = p.output().lines().filter(l -> l.startsWith("{")).toList();
        }
        ObjectMapper json = new ObjectMapper();
        assertFalse(lines.isEmpty(), "the server logged");
        boolean started = false;
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            assertTrue(event.has("level") && event.has("loggerName") && event.has("message"), line);
            started |= event.get("message").asText().startsWith("OpenPostage postal server started");
        }
        assertTrue(started, "the start is logged as JSON: " + lines);
    }

    @Test
    void anUnknownFormatStopsTheServerWithOneLine() throws Exception {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\n");
        try (ServerProcess p = ServerProcess.start(config, Map.of("OPENPOSTAGE_LOG_FORMAT", "yaml"))) {
            assertEquals(2, p.awaitExit(), p.output());
            assertTrue(p.output().contains("OPENPOSTAGE_LOG_FORMAT is 'yaml'; it is text (the default) or json"),
                    p.output());
        }
    }
}
