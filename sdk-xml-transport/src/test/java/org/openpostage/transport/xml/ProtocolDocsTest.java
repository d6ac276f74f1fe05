package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;
import org.openpostage.transport.xml.testing.Xsd;

/** docs/protocol: the schema copy, the examples and the curl commands stay true. */
class ProtocolDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "protocol");
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SH_BLOCK = Pattern.compile("## curl.*?```sh\\n(.*?)```", Pattern.DOTALL);

    private static String doc() throws IOException {
        return Files.readString(DOCS.resolve("xml.md"));
    }

    @Test
    void docsSchemaIsTheSchemaInTheJar() throws IOException {
        byte[] docs = Files.readAllBytes(DOCS.resolve("openpostage-v1.xsd"));
        try (InputStream jar = XmlProtocol.openSchema()) {
            assertArrayEquals(jar.readAllBytes(), docs,
                    "docs/protocol/openpostage-v1.xsd must be a copy of the schema in sdk-xml-transport's jar");
        }
    }

    @Test
    void everyXmlExampleValidates() throws IOException {
        Matcher m = XML_BLOCK.matcher(doc());
        int n = 0;
        while (m.find()) {
            n++;
            Xsd.assertValid(m.group(1).getBytes(StandardCharsets.UTF_8), "example " + n + " of xml.md");
        }
        assertTrue(n >= 20, "one request and response per operation, and errors: " + n);
    }

    @Test
    void everyRouteIsDocumented() throws IOException {
        String doc = doc();
        XmlServerBinding binding = XmlServerBinding.builder(new InMemoryPostalService(), new TestAuthenticator()).build();
        for (XmlServerBinding.Route r : binding.routes()) {
            assertTrue(doc.contains("`" + r.method() + " " + r.path() + "`"), r + " is in the endpoints table");
        }
    }

    @Test
    void curlExamplesWork(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is installed");
        String doc = doc();
        Files.writeString(dir.resolve("quote.xml"), exampleAfter(doc, "### Quote:"));
        Files.writeString(dir.resolve("purchase.xml"), exampleAfter(doc, "### Purchase from the portal's account"));
        TestPki pki = TestPki.create("Docs CA");
        pki.writeCaPem(dir.resolve("ca.pem"));
        Matcher sh = SH_BLOCK.matcher(doc);
        assertTrue(sh.find(), "the curl section has a sh block");
        List<String> commands = commands(sh.group(1));
        assertTrue(commands.size() >= 4);
        try (TestServer server = TestServer.start(pki.serverContext(pki.server()), XmlHttpsConfigurator.ClientAuth.NONE,
                XmlServerBinding.builder(new InMemoryPostalService(), new TestAuthenticator()).build())) {
            int run = 0;
            for (String command : commands) {
                if (command.contains("--cert ")) {
                    continue; // needs a client certificate: covered by MutualTlsTest
                }
                String line = command.replace("https://localhost:8443", server.uri().toString())
                        .replace("op_test_...", TestAuthenticator.TEST_KEY)
                        + " -sS -o out.xml -w '%{http_code}'";
                Process p = new ProcessBuilder("bash", "-c", line).directory(dir.toFile()).redirectErrorStream(true).start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertEquals("200", status, command);
                if (!command.contains(" -i ")) {
                    Xsd.assertValid(Files.readAllBytes(dir.resolve("out.xml")), "response to " + command);
                }
                run++;
            }
            assertEquals(4, run);
        }
    }

    private static String exampleAfter(String doc, String heading) {
        Matcher m = XML_BLOCK.matcher(doc);
        assertTrue(m.find(doc.indexOf(heading)), heading);
        return m.group(1);
    }

    /** The commands of a sh block: comments dropped, continuation lines joined. */
    private static List<String> commands(String block) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.endsWith("\\")) {
                current.append(l, 0, l.length() - 1).append(' ');
            } else {
                out.add(current.append(l).toString());
                current.setLength(0);
            }
        }
        return out;
    }
}
