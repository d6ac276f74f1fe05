package org.openpostage.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.openpostage.server.config.ServerConfig;

/**
 * SoftHSM2 tokens for tests: a PKCS#11 token in files, created in the build's own token directory.
 * Tests that need one are skipped, saying why, where SoftHSM2 is not installed ({@code .ci/run}
 * installs the Debian package {@code softhsm2}).
 *
 * <p>SoftHSM reads its configuration ({@code SOFTHSM2_CONF}, set for the test JVM by the surefire
 * configuration) and its tokens once per process, when the first PKCS#11 provider opens it: a token
 * that another process creates later is not seen in this one. So the tests of one JVM share one
 * token, {@link #token()}, made before anything opens the library; each test's ledger keeps its
 * keys apart under its own installation id. Child processes (a server started by a test) see
 * every token.
 */
final class SoftHsm {
    static final Path LIBRARY = ServerConfig.SOFTHSM2_LIBRARY;
    static final String PIN = "4711-user";
    static final String SO_PIN = "4711-officer";

    private SoftHsm() {
    }

    /** Whether SoftHSM2 is installed: its library and its tool. */
    static boolean installed() {
        return Files.isRegularFile(LIBRARY) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util"));
    }

    /** Skips the calling test unless SoftHSM2 is installed and the test JVM points it at the build's directory. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(installed(), "SoftHSM2 is not installed (Debian package softhsm2; .ci/run installs it)");
        Assumptions.assumeTrue(System.getenv("SOFTHSM2_CONF") != null,
                "SOFTHSM2_CONF is not set for this JVM (the surefire configuration sets it)");
    }

    private static String shared;

    /** The token this JVM's tests share, with {@link #PIN} and {@link #SO_PIN}; returns its label. */
    static synchronized String token() throws IOException, InterruptedException {
        assumeInstalled();
        if (shared == null) {
            shared = newToken("psd");
        }
        return shared;
    }

    /**
     * A new, empty token labelled {@code label-<random>}, with {@link #PIN} and {@link #SO_PIN};
     * returns its label. Only processes started after this see it (see the class comment).
     */
    static String newToken(String label) throws IOException, InterruptedException {
        assumeInstalled();
        prepare();
        String unique = label + "-" + UUID.randomUUID().toString().substring(0, 8);
        run(List.of("softhsm2-util", "--init-token", "--free", "--label", unique, "--pin", PIN, "--so-pin", SO_PIN));
        return unique;
    }

    /** Writes the configuration file and the token directory SOFTHSM2_CONF names, once. */
    static synchronized void prepare() throws IOException {
        Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
        Path tokens = conf.resolveSibling("tokens");
        Files.createDirectories(tokens);
        if (!Files.exists(conf)) {
            Files.writeString(conf, "directories.tokendir = " + tokens.toAbsolutePath() + "\n"
                    + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
        }
    }

    /** The token directory. */
    static Path tokenDirectory() {
        return Path.of(System.getenv("SOFTHSM2_CONF")).resolveSibling("tokens");
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed: " + out);
        }
        return out;
    }

    /** A configuration builder for a core that signs in token {@code label}. */
    static ServerConfig.Builder pkcs11(ServerConfig.Builder b, String label) {
        return b.signingDevice(ServerConfig.SigningDevice.PKCS11).pkcs11Library(LIBRARY).pkcs11TokenLabel(label)
                .pkcs11Pin(PIN.toCharArray());
    }
}
