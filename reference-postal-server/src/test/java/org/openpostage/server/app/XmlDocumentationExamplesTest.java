package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.server.SimulatedCardGateway;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The examples of docs/protocol/xml.md ("## Examples") are what a reference postal server with
 * its sample rates and simulated card gateway answers, exchange for exchange: this test runs each
 * documented request against a live server over HTTPS and compares each XML block of the section
 * with what was sent and received, ignoring only what differs from run to run (ids, dates, times,
 * signatures, keys, image bytes). So the documented prices, classes, cards and outcomes cannot
 * drift from the server's.
 *
 * <p>To rewrite the section's blocks from a run (after a deliberate change of the protocol or the
 * sample rates): {@code mvn -pl reference-postal-server -am verify -Dtest=XmlDocumentationExamplesTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dopenpostage.docs.write=true}, then review the diff.
 */
class XmlDocumentationExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "protocol", "xml.md");
    private static final String NS = "https://openpostage.org/postage/v1";
    /** Elements whose text differs from run to run. */
    private static final List<String> VOLATILE = List.of("data", "content", "script", "sha256", "publicKey",
            "purchaseId", "indiciumId", "reference", "refundId", "issuedAt", "refundedAt", "asOf", "activeFrom",
            "retiredAt", "lastDateOfMailing", "revokedAt", "requestId", "dateOfMailing", "keyId", "indicium",
            "meterId", "ascending", "descending", "controlTotal", "piecesIssued", "pieceSerial", "ascendingRegister",
            "descendingRegister", "detail", "version", "rateTableVersion", "from", "to", "nextPageToken");
    /** Long base64 shown shortened in the document: images and the print script. */
    private static final List<String> SHORTENED = List.of("content", "script");

    @TempDir
    Path dir;

    private HttpClient http;
    private URI base;
    private String key;

    @Test
    void theDocumentedExamplesAreWhatTheServerAnswers() throws Exception {
        Assumptions.assumeTrue(Files.exists(DOC), "docs/protocol/xml.md is not next to this module");
        List<String> recorded = new ArrayList<>();
        try (PostalServerApp app = TestApps.start(dir.resolve("data"))) {
            key = TestApps.partner(app.core(), "partner-a", 100_000).testKey(); // the demo's keys are test keys, and only test cards work
            base = app.xmlEndpoint();
            http = HttpClient.newBuilder().sslContext(TestApps.clientTrusting(app.caCertificate()))
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            String day = LocalDate.now(ZoneOffset.UTC).toString();

            // Quote
            String quote = quoteRequest("LETTER", 20, null, "94107", "10001", day);
            String letterQuote = post("/v1/quote", quote, null, 200);
            recorded.add(quote);
            recorded.add(letterQuote);
            String letterPrice = text(letterQuote, "price");
            String parcelPrice = text(post("/v1/quote", quoteRequest("PARCEL", 1200, "<dimensions><lengthMm>300"
                    + "</lengthMm><widthMm>200</widthMm><thicknessMm>100</thicknessMm></dimensions>", "94107", "60601",
                    day), null, 200), "price");

            // Purchase by card, rendered as PNG
            String letter = item("LETTER", 20, null, "94107", "10001", letterPrice, day);
            String parcel = item("PARCEL", 1200, "<dimensions><lengthMm>300</lengthMm><widthMm>200</widthMm>"
                    + "<thicknessMm>100</thicknessMm></dimensions>", "94107", "60601", parcelPrice, day);
            String byCard = purchaseRequest(letter + parcel, card(SimulatedCardGateway.APPROVED_VISA), "PNG");
            String bought = post("/v1/purchases", byCard, "order-7781", 200);
            recorded.add(byCard);
            recorded.add(bought);

            // Purchase from the portal's account
            String fromAccount = purchaseRequest(letter, "<account/>", "INDICIUM_DATA");
            recorded.add(fromAccount);
            recorded.add(post("/v1/purchases", fromAccount, "order-7782", 200));

            // Batch: approved card, declined card, account
            String batch = "<batchPurchaseRequest xmlns=\"" + NS + "\"><entries>"
                    + entry("order-1001", letter, card(SimulatedCardGateway.APPROVED_VISA))
                    + entry("order-1002", letter, card(SimulatedCardGateway.DECLINED))
                    + entry("order-1003", letter, "<account/>") + "</entries></batchPurchaseRequest>";
            recorded.add(batch);
            recorded.add(post("/v1/purchase-batches", batch, "batch-0001", 200));

            // Addresses and ZPL: the request only (the answer's ZPL is long)
            String toBerlin = text(post("/v1/quote", quoteRequest("LETTER", 20, null, "94107", "10115", day), null,
                    200), "price");
            String addressed = "<item>" + piece("LETTER", 20, null, "94107", "10115") + "<price currency=\"USD\">"
                    + toBerlin + "</price><dateOfMailing>" + day + "</dateOfMailing>"
                    + "<sender><country>US</country><name>Ada Lovelace</name><lines><line>1 Market St</line>"
                    + "<line>Suite 200</line></lines><locality>San Francisco</locality><region>CA</region>"
                    + "<postalCode>94107-1234</postalCode></sender>"
                    + "<recipient><country>DE</country><name>Erika Mustermann</name><lines><line>Heidestrasse 17"
                    + "</line></lines><locality>Berlin</locality><postalCode>10115</postalCode></recipient></item>";
            String zpl = "<purchaseRequest xmlns=\"" + NS + "\"><items>" + addressed + "</items><payment><account/>"
                    + "</payment><print><format>ZPL</format><dpi>203</dpi></print></purchaseRequest>";
            recorded.add(zpl);
            post("/v1/purchases", zpl, "order-7783", 200);

            // Refund the parcel
            String refund = "<refundRequest xmlns=\"" + NS + "\"><indiciumId>" + nth(bought, "indiciumId", 1)
                    + "</indiciumId></refundRequest>";
            recorded.add(refund);
            recorded.add(post("/v1/refunds", refund, "refund-7781-2", 200));

            // Read-only operations
            recorded.add(get("/v1/account", key, 200));
            recorded.add(get("/v1/backgrounds", key, 200));
            recorded.add(get("/v1/verification-keys", key, 200));
            recorded.add(get("/v1/print-component", key, 200));

            // Verify the letter bought by card
            String verify = "<verifyRequest xmlns=\"" + NS + "\"><indicium>" + nth(bought, "data", 0)
                    + "</indicium></verifyRequest>";
            recorded.add(verify);
            recorded.add(post("/v1/verify", verify, null, 200));

            // Lookup and history: the card purchase again (its parcel refunded), the day's purchases, its journal
            String lookup = "<purchaseLookupRequest xmlns=\"" + NS + "\"><purchaseId>" + text(bought, "purchaseId")
                    + "</purchaseId><print><format>PDF</format></print></purchaseLookupRequest>";
            recorded.add(lookup);
            recorded.add(post("/v1/purchase-lookup", lookup, null, 200));
            String from = LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z";
            String to = LocalDate.now(ZoneOffset.UTC).plusDays(1) + "T00:00:00Z";
            String list = "<purchaseListRequest xmlns=\"" + NS + "\"><from>" + from + "</from><to>" + to + "</to>"
                    + "<pageSize>2</pageSize></purchaseListRequest>";
            recorded.add(list);
            recorded.add(post("/v1/purchase-list", list, null, 200));
            String export = "<journalExportRequest xmlns=\"" + NS + "\"><from>" + from + "</from><to>" + to + "</to>"
                    + "<format>CSV</format></journalExportRequest>";
            recorded.add(export);
            recorded.add(post("/v1/journal-export", export, null, 200));

            // Errors: a declined card, a key reused with another body, an unknown API key
            recorded.add(post("/v1/purchases", purchaseRequest(letter, card(SimulatedCardGateway.DECLINED),
                    "INDICIUM_DATA"), "order-7790", 402));
            recorded.add(post("/v1/purchases", fromAccount.replace("INDICIUM_DATA", "PDF"), "order-7782", 422));
            recorded.add(get("/v1/account", "op_test_not-a-key", 401));
        }
        List<String> pretty = recorded.stream().map(XmlDocumentationExamplesTest::pretty).toList();

        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf("\n## Examples\n");
        int end = doc.indexOf("\n## ", start + 5);
        assertTrue(start > 0 && end > start, "xml.md has an Examples section");
        if (Boolean.getBoolean("openpostage.docs.write")) {
            Matcher m = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL).matcher(doc.substring(start, end));
            StringBuilder section = new StringBuilder();
            int i = 0;
            while (m.find()) {
                m.appendReplacement(section, Matcher.quoteReplacement("```xml\n" + shortened(pretty.get(i++)) + "```"));
            }
            m.appendTail(section);
            assertEquals(pretty.size(), i, "one block per recorded document");
            Files.writeString(DOC, doc.substring(0, start) + section + doc.substring(end), StandardCharsets.UTF_8);
            return;
        }
        List<String> documented = blocks(doc.substring(start, end));
        assertEquals(pretty.size(), documented.size(), "xml.md's Examples show one block per exchange document");
        for (int i = 0; i < pretty.size(); i++) {
            assertEquals(masked(pretty.get(i)), masked(documented.get(i)), "example block " + (i + 1) + " of xml.md's "
                    + "Examples no longer matches the server; regenerate with -Dopenpostage.docs.write=true");
        }
    }

    // --- exchanges ---

    private String post(String path, String body, String idempotencyKey, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("X-Api-Key", key).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return answer(b.build(), status);
    }

    private String get(String path, String apiKey, int status) throws Exception {
        return answer(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("X-Api-Key", apiKey).GET().build(), status);
    }

    private String answer(HttpRequest request, int status) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(status, r.statusCode(), request.uri() + ": " + r.body());
        return r.body();
    }

    // --- documents ---

    private static String quoteRequest(String mailClass, int grams, String dimensions, String origin,
                                       String destination, String day) {
        return "<quoteRequest xmlns=\"" + NS + "\">" + piece(mailClass, grams, dimensions, origin, destination)
                + "<dateOfMailing>" + day + "</dateOfMailing></quoteRequest>";
    }

    private static String piece(String mailClass, int grams, String dimensions, String origin, String destination) {
        return "<piece><mailClass>" + mailClass + "</mailClass><weightGrams>" + grams + "</weightGrams>"
                + (dimensions == null ? "" : dimensions) + "<origin>" + origin + "</origin>"
                + (destination == null ? "" : "<destination>" + destination + "</destination>") + "</piece>";
    }

    private static String item(String mailClass, int grams, String dimensions, String origin, String destination,
                               String price, String day) {
        return "<item>" + piece(mailClass, grams, dimensions, origin, destination) + "<price currency=\"USD\">" + price
                + "</price><dateOfMailing>" + day + "</dateOfMailing></item>";
    }

    private static String card(String number) {
        return "<card><number>" + number + "</number><expiry>" + LocalDate.now(ZoneOffset.UTC).plusYears(3).getYear()
                + "-12</expiry><cvv>123</cvv><holderName>Ada Lovelace</holderName></card>";
    }

    private static String purchaseRequest(String items, String payment, String format) {
        return "<purchaseRequest xmlns=\"" + NS + "\"><items>" + items + "</items><payment>" + payment + "</payment>"
                + "<print><format>" + format + "</format><dpi>300</dpi></print></purchaseRequest>";
    }

    private static String entry(String reference, String items, String payment) {
        return "<entry><reference>" + reference + "</reference><request><items>" + items + "</items><payment>"
                + payment + "</payment><print><format>INDICIUM_DATA</format><dpi>300</dpi></print></request></entry>";
    }

    private static String text(String xml, String element) {
        return nth(xml, element, 0);
    }

    private static String nth(String xml, String element, int n) {
        Matcher m = Pattern.compile("<" + element + "(?:\\s[^>]*)?>([^<]*)</" + element + ">").matcher(xml);
        for (int i = 0; i <= n; i++) {
            assertTrue(m.find(), "no " + element + " #" + (n + 1) + " in " + xml);
        }
        return m.group(1);
    }

    /** The document indented by two spaces per level, with the declaration of the recorded examples. */
    static String pretty(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            stripWhitespace(d.getDocumentElement());
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(d), new StreamResult(out));
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.toString().strip() + "\n";
        } catch (Exception e) {
            throw new AssertionError("not XML: " + xml, e);
        }
    }

    private static void stripWhitespace(Node node) {
        NodeList children = node.getChildNodes();
        for (int i = children.getLength() - 1; i >= 0; i--) {
            Node c = children.item(i);
            if (c.getNodeType() == Node.TEXT_NODE && c.getTextContent().isBlank() && children.getLength() > 1) {
                node.removeChild(c);
            } else if (c.getNodeType() == Node.ELEMENT_NODE) {
                stripWhitespace(c);
            }
        }
    }

    /** Long base64 (images, the print script) cut to 76 characters, still valid base64, for the document. */
    private static String shortened(String xml) {
        String s = xml;
        for (String element : SHORTENED) {
            Matcher m = Pattern.compile("(<" + element + ">)([A-Za-z0-9+/=]{77,})(</" + element + ">)").matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2).substring(0, 76) + m.group(3)));
            }
            m.appendTail(out);
            s = out.toString();
        }
        return s;
    }

    /** {@code xml} with the text of the volatile elements replaced by "…". */
    private static String masked(String xml) {
        String s = xml.strip();
        for (String element : VOLATILE) {
            s = s.replaceAll("(<" + element + "(?:\\s[^>]*)?>)[^<]*(</" + element + ">)", "$1…$2");
        }
        return s;
    }

    private static List<String> blocks(String section) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }
}
