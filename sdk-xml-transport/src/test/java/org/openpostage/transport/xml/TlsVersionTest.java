package org.openpostage.transport.xml;

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
 * TLS 1.1 is refused by the XML endpoint itself, not merely by the JDK's defaults: the check runs
 * in a separate JVM whose security properties allow TLS 1.1 ({@link TlsProbe}), where a plain TLS
 * server accepts a TLS 1.1 client but the endpoint does not.
 */
class TlsVersionTest {
    @Test
    void endpointRefusesTls11EvenWhereTheJvmAllowsIt(@TempDir Path dir) throws IOException, InterruptedException {
        Path security = Files.writeString(dir.resolve("tls11.security"),
                "jdk.tls.disabledAlgorithms=SSLv3, DTLSv1.0, RC4, DES, MD5withRSA, DH keySize < 1024, "
                        + "EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH\n");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + security,
                // its own log file: it must not truncate this JVM's, which NoSecretsInLogsTest reads
                "-Dorg.slf4j.simpleLogger.logFile=" + dir.resolve("probe.log"), "-Xmx256m", "-cp", classpath, TlsProbe.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe finished");
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("endpoint ") || l.startsWith("control ")).toList();
        String all = String.join("\n", lines);
        assertEquals(0, p.exitValue(), all);
        assertTrue(all.contains("control TLSv1.1 ok TLSv1.1"), "this JVM speaks TLS 1.1:\n" + all);
        assertTrue(all.contains("endpoint TLSv1.1 refused"), "the endpoint refuses TLS 1.1:\n" + all);
        assertTrue(all.contains("endpoint TLSv1.2 ok TLSv1.2"), all);
        assertTrue(all.contains("endpoint TLSv1.3 ok TLSv1.3"), all);
    }
}
