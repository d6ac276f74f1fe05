package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.transport.xml.XmlProtocol;

/**
 * The curl examples of docs/protocol/xml.md, run with the system's curl against a running app, with
 * the request bodies taken from the same document; every answer must validate against the schema.
 */
class CurlExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "protocol", "xml.md");

    @TempDir
    Path dir;

    @Test
    void theDocumentedCurlCommandsWorkAgainstTheServer() throws Exception {
        Assumptions.assumeTrue(curlAvailable(), "curl is not installed");
        Assumptions.assumeTrue(Files.exists(DOC), "docs/protocol/xml.md is not next to this module");
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Schema schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(XmlProtocol.schemaUrl());
        try (PostalServerApp app = TestApps.start(dir.resolve("data"))) {
            String key = TestApps.partner(app.core(), "curl", 100_000).testKey();
            String base = app.xmlEndpoint().toString();
            String ca = app.caCertificate().toString();
            Files.writeString(dir.resolve("quote.xml"), example(doc, "### Quote: `POST /v1/quote`"));
            String purchase = example(doc, "### Purchase from the portal's account: `POST /v1/purchases`");
            Files.writeString(dir.resolve("purchase.xml"), purchase);

            // a quote, exactly as documented
            Answer quote = curl(schema, "--cacert", ca, "-H", "X-Api-Key: " + key, "-H", "Content-Type: application/xml",
                    "--data-binary", "@quote.xml", base + "/v1/quote");
            assertEquals(200, quote.status, quote.body);
            assertTrue(quote.body.contains("<price currency=\"USD\">"), quote.body);

            // read-only operations are GETs
            Answer account = curl(schema, "--cacert", ca, "-H", "X-Api-Key: " + key, base + "/v1/account");
            assertEquals(200, account.status, account.body);
            assertTrue(account.body.contains("<partnerId>curl</partnerId>"), account.body);
            Answer keys = curl(schema, "-i", "--cacert", ca, "-H", "X-Api-Key: " + key, base + "/v1/verification-keys");
            assertEquals(200, keys.status);
            assertTrue(keys.body.toLowerCase().contains("x-request-id:"), "-i shows the headers");

            // the documented purchase was recorded on some day: once that day is past it is refused, naming the field
            String[] purchaseCommand = {"--cacert", ca, "-H", "X-Api-Key: " + key, "-H", "Content-Type: application/xml",
                "-H", "Idempotency-Key: order-7781", "--data-binary", "@purchase.xml", base + "/v1/purchases"};
            Matcher recordedOn = Pattern.compile("<dateOfMailing>([0-9-]+)</dateOfMailing>").matcher(purchase);
            assertTrue(recordedOn.find());
            if (LocalDate.parse(recordedOn.group(1)).isBefore(LocalDate.now(ZoneOffset.UTC).minusDays(1))) {
                Answer stale = curl(schema, purchaseCommand);
                assertEquals(400, stale.status, stale.body);
                assertTrue(stale.body.contains("purchaseRequest/items/item[1]/dateOfMailing"), stale.body);
            }

            // with today's date and today's price the same command buys postage, and repeating it replays
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            long price = app.core().quote(QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
                    PostalCode.of("94107")).withDestination(PostalCode.of("10001"))), CallContext.empty().withCaller(
                    app.core().authenticator().authenticate(Credentials.apiKey(key)))).price().minorUnits();
            Files.writeString(dir.resolve("purchase.xml"), purchase
                    .replaceAll("<dateOfMailing>[0-9-]+</dateOfMailing>", "<dateOfMailing>" + today + "</dateOfMailing>")
                    .replaceAll("(<price currency=\"USD\">)[0-9]+(</price>)", "$1" + price + "$2"));
            Answer bought = curl(schema, purchaseCommand);
            assertEquals(200, bought.status, bought.body);
            assertTrue(bought.body.contains("<data>"), bought.body);
            assertEquals(bought.body, curl(schema, purchaseCommand).body, "the same key replays the purchase");
            assertEquals(1, app.admin().meters("curl").stream().filter(m -> m.mode() == Mode.TEST)
                    .mapToLong(m -> m.piecesIssued()).sum(), "one indicium, however often the command ran");
        }
    }

    /** The first XML block after {@code heading}: the request example. */
    private static String example(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertTrue(at >= 0, "docs/protocol/xml.md has no section " + heading);
        Matcher m = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(at), "no XML example after " + heading);
        return m.group(1);
    }

    private record Answer(int status, String body) {
    }

    /** Runs curl in the test directory; the body (after headers, with -i) must validate against the schema. */
    private Answer curl(Schema schema, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "curl", ".out");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", out.toString(), "-w", "%{http_code}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, p.exitValue(), "curl failed: " + status);
        String text = Files.readString(out, StandardCharsets.UTF_8);
        String xml = text.substring(text.indexOf("<?xml"));
        try {
            schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        } catch (org.xml.sax.SAXException e) {
            throw new AssertionError("the answer does not validate against the schema: " + e.getMessage() + "\n" + xml);
        }
        return new Answer(Integer.parseInt(status), text);
    }

    private static boolean curlAvailable() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
