package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./demo} tells the truth: with one of its ports taken it fails at once, naming the port,
 * instead of printing its banner and exiting 0 while its servers failed; its output has no raw
 * ANSI escape codes. Runs the real script (bash) on free ports of this machine.
 */
class DemoScriptTest {
    private static final Path SCRIPT = Path.of("..", "demo").toAbsolutePath().normalize();

    @Test
    void aTakenPortIsNamedAndTheDemoFails() throws Exception {
        assumeTrue(Files.isExecutable(SCRIPT) && Files.isExecutable(Path.of("/bin/bash")), "bash and ./demo");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket free1 = new ServerSocket(0); ServerSocket free2 = new ServerSocket(0);
             ServerSocket free3 = new ServerSocket(0)) {
            int busy = taken.getLocalPort();
            int[] ports = {free1.getLocalPort(), free2.getLocalPort(), free3.getLocalPort()};
            free1.close();
            free2.close();
            free3.close();
            Path data = Files.createTempDirectory("demo-test");
            ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "--no-build").redirectErrorStream(true);
            pb.environment().putAll(Map.of("DEMO_XML_PORT", String.valueOf(ports[0]), "DEMO_GRPC_PORT",
                    String.valueOf(busy), "DEMO_PAPER_SHOP_PORT", String.valueOf(ports[1]), "DEMO_MARKET_PORT",
                    String.valueOf(ports[2]), "DEMO_DATA", data.toString()));
            Process p = pb.start();
            String out;
            try {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the demo gives up quickly");
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.contains("port " + busy + " is already in use"), out);
            assertFalse(out.contains("is running"), "no banner: " + out);
            assertFalse(out.contains("\u001b"), "no raw ANSI escape codes: " + out);
            delete(data);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
