package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.value.Mode;
import org.openpostage.server.cli.AdminCommand;
import org.openpostage.server.config.ServerConfig;

/**
 * The key ceremony as an operator runs it with the command line, against the same configuration
 * as the server, with the keys in a SoftHSM2 token: generate a pending key, export its public half,
 * activate it, rotate, revoke, read the operator journal, audit. Skipped where SoftHSM2 is missing.
 */
class KeyCeremonyCommandTest {
    @TempDir
    Path dir;

    private Map<String, String> environment;
    private Path config;

    private record Run(int status, String out, String err) {
    }

    private Run admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        all[0] = "--config";
        all[1] = config.toString();
        all[2] = "--operator";
        all[3] = "Ada (witness: Grace)";
        System.arraycopy(args, 0, all, 4, args.length);
        int status = AdminCommand.run(all, environment, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void aKeyIsCreatedInTheTokenExportedActivatedRotatedAndRevokedEachStepJournaled() throws Exception {
        String token = SoftHsm.token();
        config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\npsd.device = pkcs11\n"
                + "psd.pkcs11.token-label = " + token + "\n");
        environment = new HashMap<>(Map.of("OPENPOSTAGE_PSD_PKCS11_PIN", SoftHsm.PIN));

        Run list = admin("keys", "list");
        assertEquals(0, list.status, list.err);
        assertTrue(list.out.contains("signing device: PKCS#11 token '" + token + "'"), list.out);
        assertTrue(list.out.contains("key 1  LIVE ECDSA_P256_SHA256  ACTIVE  device PKCS11"), list.out);
        assertTrue(list.out.contains("key 2147483648  TEST ECDSA_P256_SHA256  ACTIVE  device PKCS11"), list.out);

        Run generated = admin("keys", "generate", "--mode", "live");
        assertEquals(0, generated.status, generated.err);
        assertTrue(generated.out.contains("key 2  LIVE ECDSA_P256_SHA256  PENDING  device PKCS11"), generated.out);

        Path pem = dir.resolve("key-2.pem");
        Run export = admin("keys", "export", "2", "--out", pem.toString());
        assertEquals(0, export.status, export.err);
        String text = Files.readString(pem);
        assertTrue(text.startsWith("# OpenPostage signing key 2, LIVE, ECDSA_P256_SHA256, sha256:"), text);
        PublicKey exported = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder()
                .decode(text.substring(text.indexOf("-----BEGIN PUBLIC KEY-----") + 26, text.indexOf("-----END")))));

        assertEquals(0, admin("keys", "activate", "2").status);
        Run rotated = admin("keys", "rotate", "--mode", "test");
        assertEquals(0, rotated.status, rotated.err);
        assertTrue(rotated.out.contains("key 2147483649  TEST"), rotated.out);
        Run refused = admin("keys", "retire", "2");
        assertEquals(1, refused.status, "the active key is retired by rotating, not alone");
        assertTrue(refused.err.contains("refused: signing key 2 is the active LIVE key"), refused.err);
        Run revoked = admin("keys", "revoke", "1");
        assertEquals(0, revoked.status, revoked.err);
        assertTrue(revoked.out.contains("key 1 revoked at"), revoked.out);

        try (PostalCore core = PostalCore.open(ServerConfig.load(config, environment))) {
            VerificationKey published = core.admin().signingKeys().stream().filter(k -> k.keyId() == 2).findFirst()
                    .map(k -> VerificationKey.of(k.keyId(), k.algorithm(), exported, k.activeFrom(), null)).orElseThrow();
            assertEquals(published.publicKey(), core.verificationKeys(org.openpostage.api.CallContext.empty()
                    .withCaller(new org.openpostage.api.Caller("x", Mode.LIVE, "x"))).find(2).orElseThrow().publicKey(),
                    "the exported public key is the one published once the key is active");
        }

        Run journal = admin("journal", "show");
        assertEquals(0, journal.status, journal.err);
        assertTrue(journal.out.contains("KEY_CREATED   key 2          by Ada (witness: Grace): LIVE ECDSA_P256_SHA256"),
                journal.out);
        assertTrue(journal.out.contains("KEY_ACTIVATED key 2          by Ada (witness: Grace)"), journal.out);
        assertTrue(journal.out.contains("KEY_REVOKED   key 1          by Ada (witness: Grace)"), journal.out);
        assertTrue(journal.out.contains("by openpostage-server"), "the first keys were made by the server itself");

        Run checkpoint = admin("journal", "checkpoint");
        assertEquals(0, checkpoint.status, checkpoint.err);
        Run audit = admin("journal", "audit");
        assertEquals(0, audit.status, audit.out + audit.err);
        assertTrue(audit.out.contains("INTACT"), audit.out);
        assertFalse(audit.out.contains(SoftHsm.PIN) || journal.out.contains(SoftHsm.PIN));
    }

    @Test
    void withoutAPinTheCommandSaysWhereToPutIt() throws Exception {
        String token = SoftHsm.token();
        config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\npsd.device = pkcs11\n"
                + "psd.pkcs11.token-label = " + token + "\n");
        environment = Map.of();
        Run run = admin("keys", "list");
        assertEquals(2, run.status);
        assertTrue(run.err.contains("error: the PKCS#11 user PIN is not set: put it in the environment variable "
                + "OPENPOSTAGE_PSD_PKCS11_PIN"), run.err);
    }

    @Test
    void tokenInitCreatesATokenWithTheStandardToolAndRefusesATakenLabel() throws Exception {
        SoftHsm.assumeInstalled();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/pkcs11-tool")),
                "pkcs11-tool is not installed (Debian package opensc; .ci/run installs it)");
        SoftHsm.prepare();
        config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\n");
        environment = Map.of("OPENPOSTAGE_PSD_SO_PIN", "so-secret-1", "OPENPOSTAGE_PSD_PKCS11_PIN", "user-secret-1",
                "SOFTHSM2_CONF", System.getenv("SOFTHSM2_CONF"));
        String label = "ceremony-" + System.nanoTime();
        Run init = admin("token", "init", "--label", label);
        assertEquals(0, init.status, init.err);
        assertTrue(init.out.contains("token '" + label + "' initialised"), init.out);
        assertTrue(SoftHsm.run(java.util.List.of("softhsm2-util", "--show-slots")).contains(label));
        Run again = admin("token", "init", "--label", label);
        assertEquals(2, again.status);
        assertTrue(again.err.contains("a token labelled '" + label + "' exists already"), again.err);
        assertFalse((init.out + init.err + again.err).contains("secret-1"), "PINs are never printed");
    }
}
