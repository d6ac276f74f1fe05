package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both endpoints of the running server refuse TLS 1.1 themselves, not merely through the JDK's
 * defaults: the check runs in a separate JVM whose security properties allow TLS 1.1
 * ({@link TlsVersionProbe}), where a plain TLS server socket accepts a TLS 1.1 client.
 */
class TlsVersionTest {
    @Test
    void bothEndpointsRefuseTls11EvenWhereTheJvmAllowsIt(@TempDir Path dir) throws IOException, InterruptedException {
        Path security = Files.writeString(dir.resolve("tls11.security"),
                "jdk.tls.disabledAlgorithms=SSLv3, DTLSv1.0, RC4, DES, MD5withRSA, DH keySize < 1024, "
                        + "EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH\n");
        Path data = Files.createDirectory(dir.resolve("data"));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + security, "-Djava.awt.headless=true", "-Xmx512m",
                "-Dlogback.configurationFile=logback.xml", "-DOPENPOSTAGE_LOG_LEVEL=WARN", "-cp", classpath,
                TlsVersionProbe.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the probe finished");
        List<String> lines = output.lines().filter(l -> l.matches("^(xml|grpc|control) TLS.*")).toList();
        String all = String.join("\n", lines);
        assertEquals(0, p.exitValue(), output);
        assertTrue(all.contains("control TLSv1.1 ok TLSv1.1"), "this JVM speaks TLS 1.1:\n" + all);
        for (String endpoint : new String[] {"xml", "grpc"}) {
            assertTrue(all.contains(endpoint + " TLSv1.1 refused"), endpoint + " refuses TLS 1.1:\n" + all);
            assertTrue(all.contains(endpoint + " TLSv1.2 ok TLSv1.2"), all);
            assertTrue(all.contains(endpoint + " TLSv1.3 ok TLSv1.3"), all);
        }
    }
}
