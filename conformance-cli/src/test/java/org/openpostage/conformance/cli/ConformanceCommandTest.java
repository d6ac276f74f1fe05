package org.openpostage.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.server.app.EmbeddedPostalServer;
import org.w3c.dom.Element;
import picocli.CommandLine;

/**
 * The one command against a real reference postal server on loopback: the whole suite over gRPC
 * passes and is written as JUnit XML; a server whose "approved" card is declined fails, and says
 * which tests; usage errors end with 2; the command in docs/conformance.md uses options the
 * command has.
 */
class ConformanceCommandTest {
    private static EmbeddedPostalServer postal;

    @TempDir
    Path reports;

    @BeforeAll
    static void start() {
        postal = EmbeddedPostalServer.start();
    }

    @AfterAll
    static void stop() {
        if (postal != null) {
            postal.close();
        }
    }

    /** What a run printed and returned. */
    private record Run(int exit, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = ConformanceCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString());
    }

    @Test
    void theWholeSuitePassesAgainstTheReferenceServerAndIsWrittenAsJunitXml() throws Exception {
        Run r = run("--endpoint", postal.grpcEndpoint().toString(), "--api-key", postal.testApiKey(),
                "--ca", postal.caCertificate().toString(), "--live-api-key", postal.liveApiKey(),
                "--set", "otherModeMeterId=" + postal.liveMeterId(),
                // Pending card payments settle by the server's reconciler, which this embedded server does not run.
                "--set", "cards.pending=none", "--reports", reports.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("OpenPostage conformance suite against " + postal.grpcEndpoint()), r.out());
        assertTrue(r.out().contains("\nrefund\n"), r.out());
        assertTrue(r.out().contains("  [PASS] credits an unused indicium exactly once ("), r.out());
        assertTrue(r.out().contains("[PASS] buy, replay and refund without waiting"), "asynchronous calls: " + r.out());
        Matcher closing = Pattern.compile("(?m)^(\\d+) passed, 0 failed, (\\d+) skipped$").matcher(r.out());
        assertTrue(closing.find(), r.out());
        int passed = Integer.parseInt(closing.group(1));
        assertTrue(passed >= 30, r.out());
        assertTrue(Integer.parseInt(closing.group(2)) <= 1, "only the pending payment is skipped: " + r.out());

        Element suite = xml(reports.resolve("TEST-junit-jupiter.xml"));
        assertEquals("0", suite.getAttribute("failures"));
        assertEquals("0", suite.getAttribute("errors"));
        assertEquals(passed + Integer.parseInt(closing.group(2)), Integer.parseInt(suite.getAttribute("tests")));
    }

    @Test
    void aServerThatDoesNotConformFailsAndSaysWhere() throws Exception {
        Run r = run("--endpoint", postal.xmlEndpoint().toString(), "--api-key", postal.testApiKey(),
                "--ca", postal.caCertificate().toString(),
                "--set", "cards.approved=4000000000000002", // the server declines what the kit was told is approved
                "--test", ".*CardPurchases#(approved|declined)", "--reports", reports.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("[FAIL] funds the meter with the captured amount"), r.out());
        assertTrue(r.out().contains("PaymentDeclinedException"), r.out());
        assertTrue(r.out().contains("[PASS] reports a decline"), r.out());
        assertTrue(r.out().contains("1 passed, 1 failed, 0 skipped"), r.out());
        Element suite = xml(reports.resolve("TEST-junit-jupiter.xml"));
        assertEquals(2, Integer.parseInt(suite.getAttribute("tests")));
        assertEquals(1, Integer.parseInt(suite.getAttribute("failures")) + Integer.parseInt(suite.getAttribute("errors")),
                "an unexpected exception is an error in JUnit XML, a failed assertion a failure");
    }

    @Test
    void usageErrorsEndWithTwo() {
        Run missing = run("--ca", "ca.pem");
        assertEquals(2, missing.exit());
        assertTrue(missing.out().contains("--endpoint and --api-key"), missing.out());
        Run scheme = run("--endpoint", "ftp://postal.example", "--api-key", "k");
        assertEquals(2, scheme.exit());
        assertTrue(scheme.out().contains("use https:// (XML) or grpcs:// (gRPC)"), scheme.out());
        assertEquals(0, run("--help").exit());
    }

    @Test
    void theDocumentedCommandUsesOnlyOptionsTheCommandHas() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "conformance.md"));
        Matcher block = Pattern.compile("```\\n(java -jar [^`]+?)```").matcher(doc);
        List<String> commands = new ArrayList<>();
        while (block.find()) {
            commands.add(block.group(1).replace("\\\n", " "));
        }
        assertTrue(!commands.isEmpty(), "docs/conformance.md shows the command");
        CommandLine.Model.CommandSpec spec = ConformanceCommand.commandLine().getCommandSpec();
        for (String command : commands) {
            assertTrue(command.startsWith("java -jar conformance-cli/target/openpostage-conformance.jar")
                    || command.startsWith("java -jar openpostage-conformance.jar"), command);
            Matcher option = Pattern.compile("\\s(--[a-z-]+)").matcher(command);
            while (option.find()) {
                assertTrue(spec.findOption(option.group(1)) != null, option.group(1) + " in: " + command);
            }
        }
    }

    private static Element xml(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file + " was written");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }
}
