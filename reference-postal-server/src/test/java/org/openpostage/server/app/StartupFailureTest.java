package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that cannot start because of its configuration says so in one line naming the setting,
 * without a stack trace, and exits with status 2 (as docs/operations.md promises).
 */
class StartupFailureTest {
    @TempDir
    Path dir;

    private record Outcome(PostalServerApp.Launch launch, String err) {
    }

    private Outcome launch(String ratesFile) throws Exception {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "data.dir = " + dir.resolve("data").toString().replace('\\', '/'),
                "xml.port = 0",
                "grpc.port = 0",
                "rates.file = " + ratesFile.replace('\\', '/'), ""));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PostalServerApp.Launch launch;
        try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            launch = PostalServerApp.launch(new String[] {"--config", config.toString()}, Map.of(), err);
        }
        if (launch.app() != null) {
            launch.app().close();
        }
        return new Outcome(launch, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRateFileThatCannotBeParsedIsOneLineAndExitStatusTwo() throws Exception {
        Path rates = dir.resolve("rates.txt");
        Files.writeString(rates, "this is not a rate file\n");
        Outcome o = launch(rates.toString());
        assertNull(o.launch().app());
        assertEquals(2, o.launch().exitStatus());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("rates.file") && o.err().contains("rates.txt"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void aMissingRateFileIsAConfigurationErrorToo() throws Exception {
        Outcome o = launch(dir.resolve("no-such-rates.txt").toString());
        assertEquals(2, o.launch().exitStatus());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("rates.file") && o.err().contains("no-such-rates.txt"), o.err());
    }
}
