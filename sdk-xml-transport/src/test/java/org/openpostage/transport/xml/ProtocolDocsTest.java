package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.Xsd;

/** docs/protocol: the schema copy, the examples and the curl commands stay true. */
class ProtocolDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "protocol");
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);

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

    // The curl commands of xml.md run against the reference postal server, whose prices and test cards
    // the examples show: reference-postal-server's CurlExamplesTest and XmlDocumentationExamplesTest.
}
