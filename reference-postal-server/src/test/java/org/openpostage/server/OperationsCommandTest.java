package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.Caller;
import org.openpostage.api.spi.Credentials;
import org.openpostage.server.cli.AdminCommand;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.model.OperatorAccount;

/**
 * The admin command line for the operator's daily work, against the server's configuration: the
 * first operator account, a partner with keys and a funded meter, a rate table upload, the
 * catalogue, the failed card refunds; each change in the operator journal under {@code --operator}.
 */
class OperationsCommandTest {
    @TempDir
    Path dir;

    private Path config;
    private final Map<String, String> environment = new HashMap<>();

    private record Run(int status, String out, String err) {
    }

    private Run withInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        all[0] = "--config";
        all[1] = config.toString();
        all[2] = "--operator";
        all[3] = "ada";
        System.arraycopy(args, 0, all, 4, args.length);
        int status = AdminCommand.run(all, environment, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private Run admin(String... args) {
        return withInput("", args);
    }

    @Test
    void anOperatorRunsTheServerFromTheCommandLine() throws Exception {
        config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\nkeystore.password = cli-test-keystore\n"
                + "zone = UTC\n");

        Run first = withInput("correct horse battery staple\n", "operators", "create", "grace", "--display-name",
                "Grace Hopper", "--password-stdin");
        assertEquals(0, first.status(), first.err());
        Run weak = withInput("short\n", "operators", "create", "linus", "--display-name", "Linus", "--password-stdin");
        assertEquals(1, weak.status());
        assertTrue(weak.err().contains("at least 12 characters"), weak.err());
        environment.put("OPENPOSTAGE_OPERATOR_PASSWORD", "another good passphrase");
        assertEquals(0, admin("operators", "create", "linus", "--display-name", "Linus").status());
        environment.remove("OPENPOSTAGE_OPERATOR_PASSWORD");
        assertEquals(0, admin("operators", "disable", "linus").status());
        assertTrue(admin("operators", "list").out().contains("DISABLED"));

        assertEquals(0, admin("partners", "create", "acme", "--name", "Acme Stationery").status());
        Run issued = admin("api-keys", "issue", "acme", "--mode", "test");
        assertEquals(0, issued.status(), issued.err());
        Matcher key = Pattern.compile("(op_test_\\S+)").matcher(issued.out());
        assertTrue(key.find(), issued.out());
        Run meter = admin("meters", "create", "acme", "--mode", "test");
        assertEquals(0, meter.status(), meter.err());
        Matcher id = Pattern.compile("meter (\\d+)").matcher(meter.out());
        assertTrue(id.find(), meter.out());
        Run funded = admin("meters", "fund", id.group(1), "250.00", "--reference", "wire 42");
        assertEquals(0, funded.status(), funded.err());
        assertTrue(funded.out().contains("USD 250.00") || funded.out().contains("25000"), funded.out());
        assertEquals(1, admin("meters", "fund", id.group(1), "0.001").status(), "a tenth of a cent is no amount");
        assertTrue(admin("meters", "journal", id.group(1)).out().contains("FUNDING"));
        assertTrue(admin("partners", "list").out().contains("acme"));
        String keyList = admin("api-keys", "list", "acme").out();
        assertFalse(keyList.contains(key.group(1)), "secrets are printed once, when issued");

        Path table = dir.resolve("rates.txt");
        Files.writeString(table, "table version=2099-01 currency=USD effective-from=2099-01-01\nLETTER 20 0 95\n");
        Run upload = admin("rates", "upload", table.toString(), "--effective-from", "2099-01-01");
        assertEquals(0, upload.status(), upload.err());
        assertTrue(admin("rates", "list").out().contains("2099-01"));
        assertTrue(admin("rates", "show", "2099-01").out().contains("LETTER"));
        Run mismatch = admin("rates", "upload", table.toString(), "--effective-from", "2099-02-01");
        assertEquals(1, mismatch.status());
        assertTrue(mismatch.err().contains("make them agree"), mismatch.err());
        assertEquals(0, admin("rates", "withdraw", "2099-01").status());

        assertEquals(0, admin("backgrounds", "retire", "waves").status(), admin("backgrounds", "list").out());
        assertTrue(admin("backgrounds", "list").out().contains("RETIRED"));
        assertTrue(admin("refunds", "failed").out().contains("0 refused card refunds"));
        assertEquals(1, admin("refunds", "retry", "ref-nothing").status());

        String journal = admin("journal", "show").out();
        for (String action : new String[] {"OPERATOR_CREATED", "OPERATOR_DISABLED", "PARTNER_CREATED", "API_KEY_ISSUED",
                "METER_CREATED", "METER_FUNDED", "RATE_TABLE_UPLOADED", "RATE_TABLE_WITHDRAWN", "BACKGROUND_RETIRED"}) {
            assertTrue(journal.contains(action), action + " in\n" + journal);
        }
        assertFalse(journal.contains("horse battery"), "never a password");
        assertEquals(0, admin("journal", "audit").status(), "the chain is intact");

        try (PostalCore core = PostalCore.open(ServerConfig.load(config, Map.of()).toBuilder().backgroundTasks(false)
                .build())) {
            Caller caller = core.authenticator().authenticate(Credentials.apiKey(key.group(1)));
            assertEquals("acme", caller.partnerId());
            OperatorAccount grace = core.admin().signIn("grace", "correct horse battery staple".toCharArray(), "test");
            assertEquals("Grace Hopper", grace.displayName());
        }
    }
}
