package org.openpostage.examples.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.PostalClient;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.server.app.EmbeddedPostalServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example shop end to end: the shop on a random port, a real reference postal server on
 * loopback with TLS, and a customer's HTTP requests: quote, buy, show the stamp, refund.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShopTest {
    private static final EmbeddedPostalServer POSTAL = EmbeddedPostalServer.start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    PostalClient postal;

    @DynamicPropertySource
    static void postalServer(DynamicPropertyRegistry properties) {
        properties.add("openpostage.client.endpoint", () -> POSTAL.xmlEndpoint().toString());
        properties.add("openpostage.client.api-key", POSTAL::testApiKey);
        properties.add("openpostage.client.tls.trust-certificates", () -> POSTAL.caCertificate().toString());
    }

    @AfterAll
    static void stopPostalServer() {
        POSTAL.close();
    }

    @Test
    void aCustomerBuysAStampSeesItAndRefundsIt() throws Exception {
        MeterStatement before = meter();
        Map<String, String> piece = Map.of("mailClass", "LETTER", "grams", "20", "from", "94107", "to", "10001");

        HttpResponse<String> quote = post("/quote", piece);
        assertEquals(200, quote.statusCode(), quote.body());
        String price = first(quote.body(), "<span id=\"price\">([^<]+)</span>");
        assertTrue(price.matches("USD \\d+\\.\\d\\d"), price);
        Map<String, String> buyForm = hiddenFields(quote.body());
        assertEquals(Map.of("mailClass", "LETTER", "grams", "20", "from", "94107", "to", "10001"),
                without(buyForm, "orderId"));

        HttpResponse<String> bought = post("/buy", buyForm);
        assertEquals(302, bought.statusCode(), bought.body());
        String stampPage = URI.create(bought.headers().firstValue("Location").orElseThrow()).getPath();
        HttpResponse<String> again = post("/buy", buyForm); // the customer clicked twice
        assertEquals(stampPage, URI.create(again.headers().firstValue("Location").orElseThrow()).getPath(),
                "the same order, the same stamp");

        HttpResponse<String> page = get(stampPage);
        assertEquals(200, page.statusCode());
        String image = first(page.body(), "<img id=\"stamp\" src=\"([^\"]+)\"");
        HttpResponse<byte[]> png = HTTP.send(HttpRequest.newBuilder(url(image)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
        BufferedImage stamp = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertNotNull(stamp, "a PNG");
        assertTrue(stamp.getWidth() > 300 && stamp.getHeight() > 100, stamp.getWidth() + "x" + stamp.getHeight());

        MeterStatement bought1 = meter();
        assertEquals(before.piecesIssued() + 1, bought1.piecesIssued(), "one stamp, though bought twice");
        assertEquals(price, "USD " + before.descending().minus(bought1.descending()).toMajor().toPlainString(),
                "the account paid the quoted price");

        HttpResponse<String> refunded = post(stampPage + "/refund", Map.of());
        assertEquals(200, refunded.statusCode(), refunded.body());
        assertTrue(refunded.body().contains("Refunded: " + price + " back to the account."), refunded.body());
        assertEquals(before.descending(), meter().descending(), "the postage is back in the account");

        HttpResponse<String> twice = post(stampPage + "/refund", Map.of()); // clicked twice: replayed, not repeated
        assertEquals(200, twice.statusCode(), twice.body());
        assertTrue(twice.body().contains("Refunded: " + price + " back to the account."), twice.body());
        assertEquals(before.descending(), meter().descending(), "credited once");
    }

    @Test
    void aPieceThePostalServerRefusesIsExplainedToTheCustomer() throws Exception {
        HttpResponse<String> r = post("/quote", Map.of("mailClass", "LETTER", "grams", "90000", "from", "94107",
                "to", "10001"));
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(first(r.body(), "<p id=\"problem\">([^<]+)</p>").contains("weight"), r.body());
    }

    @Test
    void theHealthEndpointShowsThePostalServer() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().matches(".*\"openpostage\":\\{\"status\":\"UP\".*"), health.body());
        HttpResponse<String> metric = get("/actuator/metrics/openpostage.client.calls");
        assertEquals(200, metric.statusCode(), "the client's calls are timed: " + metric.body());
    }

    /**
     * The README promises at most 15 lines of SDK wiring: the openpostage.* properties and the lines of
     * Java that call the client, build its requests or read its answers.
     */
    @Test
    void theSdkWiringIsAtMostFifteenLines() throws IOException {
        List<String> wiring;
        try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
            wiring = files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".properties"))
                    .sorted().flatMap(ShopTest::lines).filter(ShopTest::isSdkWiring).collect(Collectors.toList());
        }
        assertTrue(wiring.size() >= 10, "found the wiring: " + wiring);
        assertTrue(wiring.size() <= 15, wiring.size() + " lines of SDK wiring:\n" + String.join("\n", wiring));
    }

    private static final Pattern SDK_CALLS = Pattern.compile("postal\\.|PostalClient postal|QuoteRequest|PurchaseRequest|"
            + "PurchaseItem|PaymentMethod|PrintOptions|RefundRequest|CallContext|MailPiece|Weight\\.|PostalCode\\.|"
            + "\\.indicia\\(\\)|\\.image\\(\\)");

    private static boolean isSdkWiring(String line) {
        String l = line.strip();
        if (l.startsWith("import ") || l.startsWith("*") || l.startsWith("/*") || l.startsWith("//") || l.startsWith("#")) {
            return false;
        }
        return l.startsWith("openpostage.") || SDK_CALLS.matcher(l).find();
    }

    private static Stream<String> lines(Path f) {
        try {
            return Files.readAllLines(f).stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MeterStatement meter() {
        return postal.accountStatement().meters().stream().filter(m -> m.meterId() == POSTAL.testMeterId())
                .findFirst().orElseThrow();
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String first(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertTrue(m.find(), regex + " not in:\n" + html);
        return m.group(1);
    }

    private static Map<String, String> hiddenFields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<input type=\"hidden\" name=\"(\\w+)\" value=\"([^\"]*)\"").matcher(html);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    private static Map<String, String> without(Map<String, String> map, String key) {
        Map<String, String> copy = new LinkedHashMap<>(map);
        assertNotNull(copy.remove(key), key + " in " + map);
        return copy;
    }
}
