package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;
import org.openpostage.transport.xml.testing.Xsd;

/**
 * Hostile and broken bodies sent over real HTTPS with a plain HTTP client. Each is answered with
 * 400 or 413 and a valid error document within a second; none reaches the service or changes the
 * ledger; nothing outside the request is ever read or fetched.
 */
class AbuseTest {
    private static final String NS = "https://openpostage.org/postage/v1";

    private static TestPki pki;
    private static HttpClient http;
    private InMemoryPostalService service;
    private TestServer server;
    private ServerSocket trap;
    private final AtomicInteger trapConnections = new AtomicInteger();
    private int callsBefore;
    private Map<String, String> ledgerBefore;

    @BeforeAll
    static void setUp() {
        pki = TestPki.create("OpenPostage Test CA");
        http = HttpClient.newBuilder().sslContext(pki.clientContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void tearDown() {
        http = null;
    }

    @BeforeEach
    void start() throws Exception {
        service = new InMemoryPostalService();
        XmlLimits limits = new XmlLimits(512 * 1024, 32, 2_000, 16 * 1024, 8);
        server = TestServer.start(pki.serverContext(pki.server()), XmlHttpsConfigurator.ClientAuth.NONE,
                XmlServerBinding.builder(service, new TestAuthenticator()).limits(limits).build());
        trap = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!trap.isClosed()) {
                try {
                    Socket s = trap.accept();
                    trapConnections.incrementAndGet();
                    s.close();
                } catch (IOException e) {
                    return;
                }
            }
        }, "xxe-trap");
        t.setDaemon(true);
        t.start();
        // Warm up TLS and the binding, then take the baseline.
        send("GET", "/v1/account", null);
        send("POST", "/v1/purchases", Samples.purchaseXml("73"));
        callsBefore = service.calls();
        ledgerBefore = service.ledger();
    }

    @AfterEach
    void stop() throws IOException {
        trap.close();
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Content-Type", "application/xml").timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code body} to {@code path} and checks the refusal; returns the error message. */
    private String refused(String path, String body, int status, String... mentions) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = send("POST", path, body);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(status, r.statusCode(), r.body());
        // refused at once: an entity expansion or a fetch would take far longer (5 s allows for a loaded machine)
        assertTrue(ms < 5000, "answered in " + ms + " ms");
        Xsd.assertValid(r.body().getBytes(StandardCharsets.UTF_8), "error " + status);
        String message = r.body().replaceAll("(?s).*<message>(.*)</message>.*", "$1").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
        for (String m : mentions) {
            assertTrue(message.contains(m), "'" + m + "' in: " + message);
        }
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
        assertEquals(callsBefore, service.calls(), "the service was not called");
        assertEquals(ledgerBefore, service.ledger(), "the ledger did not change");
        return message;
    }

    @Test
    void doctypeIsRejectedNotSkipped() throws Exception {
        refused("/v1/quote", "<!DOCTYPE quoteRequest>" + Samples.quoteXml().substring(39), 400, "DOCTYPE");
    }

    @Test
    void billionLaughsIsRejectedBeforeAnyExpansion() throws Exception {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        dtd.append(" <!ENTITY lol1 \"").append("&lol;".repeat(10)).append("\">\n");
        for (int i = 2; i <= 9; i++) {
            dtd.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        dtd.append("]>\n<quoteRequest xmlns=\"" + NS + "\"><piece><mailClass>&lol9;</mailClass></piece></quoteRequest>");
        refused("/v1/quote", dtd.toString(), 400, "DOCTYPE");
    }

    @Test
    void externalEntityToAFileIsNeverOpened(@TempDir Path dir) throws Exception {
        String marker = "MARKER-" + UUID.randomUUID();
        Path secret = Files.writeString(dir.resolve("secret.txt"), marker);
        String message = refused("/v1/quote", xxe("file://" + secret.toAbsolutePath()), 400, "DOCTYPE");
        assertFalse(message.contains(marker));

        // Stronger: point the entity at a FIFO. Opening a FIFO for writing blocks until someone opens it
        // for reading, so a writer that is still blocked after the request proves the parser never opened it.
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mkfifo.waitFor(5, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is available");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write(marker.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the reader went away
            }
        });
        refused("/v1/quote", xxe("file://" + fifo.toAbsolutePath()), 400, "DOCTYPE");
        Thread.sleep(200);
        assertFalse(writer.isDone(), "nobody opened the FIFO for reading");
        try (InputStream release = Files.newInputStream(fifo)) { // let the writer finish
            release.readAllBytes();
        }
        writer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void externalEntitiesAndDtdsAreNeverFetched() throws Exception {
        String url = "http://127.0.0.1:" + trap.getLocalPort() + "/evil";
        refused("/v1/quote", xxe(url), 400, "DOCTYPE");
        refused("/v1/quote", "<!DOCTYPE quoteRequest SYSTEM \"" + url + ".dtd\">" + Samples.quoteXml().substring(39), 400,
                "DOCTYPE");
        refused("/v1/quote", "<!DOCTYPE quoteRequest [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]>"
                + Samples.quoteXml().substring(39), 400, "DOCTYPE");
        Thread.sleep(100);
        assertEquals(0, trapConnections.get(), "no connection was made to the entity's URL");
    }

    @Test
    void entityReferenceWithoutDeclarationIsRejected() throws Exception {
        refused("/v1/quote", Samples.quoteXml().replace("94107", "&xxe;"), 400, "xxe");
    }

    @Test
    void oversizeBodyIs413() throws Exception {
        String big = Samples.quoteXml().replace("</quoteRequest>", "<!--" + "x".repeat(600_000) + "--></quoteRequest>");
        refused("/v1/quote", big, 413, "larger than 524288 bytes");
        // Without Content-Length (chunked) the server counts the bytes as it reads them.
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/quote"))
                .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5000);
        assertEquals(callsBefore, service.calls());
    }

    @Test
    void deepNestingIsRejected() throws Exception {
        String deep = "<quoteRequest xmlns=\"" + NS + "\">" + "<piece>".repeat(5000) + "</piece>".repeat(5000)
                + "</quoteRequest>";
        refused("/v1/quote", deep, 400, "quoteRequest/piece");
        // Below the schema's notice, the parser's own depth limit (32 here) also holds.
        String deepComment = "<quoteRequest xmlns=\"" + NS + "\"><piece><mailClass>" + "<x>".repeat(100) + "</x>".repeat(100);
        refused("/v1/quote", deepComment, 400);
    }

    @Test
    void tooManyElementsAreRejectedByTheParserLimit() throws Exception {
        // A well-formed batch whose structure the schema allows, but with more elements than the limit (2,000 here).
        StringBuilder b = new StringBuilder("<batchPurchaseRequest xmlns=\"" + NS + "\"><entries>");
        for (int i = 0; i < 200; i++) {
            b.append("<entry><reference>r").append(i).append("</reference>")
                    .append(Samples.purchaseXml("73").replaceAll("(?s)<\\?xml.*?\\?>", "")
                            .replace("<purchaseRequest xmlns=\"" + NS + "\">", "<request>")
                            .replace("</purchaseRequest>", "</request>"))
                    .append("</entry>");
        }
        b.append("</entries></batchPurchaseRequest>");
        refused("/v1/purchase-batches", b.toString(), 400, "Element Count");
    }

    @Test
    void hugeTextIsRejected() throws Exception {
        refused("/v1/quote", Samples.quoteXml().replace("LETTER", "L".repeat(40_000)), 400, "Text size limit");
    }

    @Test
    void tooManyAttributesAreRejected() throws Exception {
        StringBuilder attrs = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            attrs.append(" a").append(i).append("=\"1\"");
        }
        refused("/v1/quote", Samples.quoteXml().replace("<piece>", "<piece" + attrs + ">"), 400, "Attribute");
    }

    @Test
    void malformedXmlIsRejected() throws Exception {
        refused("/v1/quote", Samples.quoteXml().replace("</origin>", "</orgin>"), 400, "XML not accepted", "line 6");
        refused("/v1/quote", Samples.quoteXml().replace("</quoteRequest>", ""), 400, "XML not accepted", "EOF");
        refused("/v1/quote", "", 400, "empty");
        refused("/v1/quote", "quote please", 400, "line 1, column 1");
    }

    @Test
    void wrongNamespaceAndWrongRootAreRejected() throws Exception {
        refused("/v1/quote", Samples.quoteXml().replace(NS, "https://openpostage.org/postage/v2"), 400,
                "namespace https://openpostage.org/postage/v2");
        refused("/v1/quote", Samples.quoteXml().replace(" xmlns=\"" + NS + "\"", ""), 400, "in no namespace");
        refused("/v1/quote", Samples.purchaseXml("73"), 400, "must be a <quoteRequest>");
    }

    @Test
    void negativeDecimalAndOversizedAmountsAreRejectedNamingTheField() throws Exception {
        refused("/v1/purchases", Samples.purchaseXml("-73"), 400, "purchaseRequest/items/item[1]/price", "-73");
        refused("/v1/purchases", Samples.purchaseXml("0.73"), 400, "purchaseRequest/items/item[1]/price", "minor units");
        refused("/v1/purchases", Samples.purchaseXml("99999999999999999999"), 400, "purchaseRequest/items/item[1]/price");
        refused("/v1/purchases", Samples.purchaseXml("73").replace("USD", "usd"), 400, "price");
        refused("/v1/purchases", Samples.purchaseXml("73").replace("USD", "XYZ"), 400,
                "purchaseRequest/items/item[1]/price", "XYZ");
    }

    @Test
    void unknownMailClassAndUnknownElementsAreRejectedNamingThem() throws Exception {
        refused("/v1/quote", Samples.quoteXml().replace("LETTER", "TELEPORT"), 400, "quoteRequest/piece/mailClass",
                "TELEPORT");
        refused("/v1/quote", Samples.quoteXml().replace("<origin>", "<colour>red</colour><origin>"), 400,
                "quoteRequest/piece", "<colour>");
        refused("/v1/quote", Samples.quoteXml().replace("<weightGrams>20</weightGrams>", ""), 400, "<weightGrams>");
        refused("/v1/quote", Samples.quoteXml().replace("2026-07-01", "01/07/2026"), 400, "quoteRequest/dateOfMailing");
        refused("/v1/quote", Samples.quoteXml().replace("<weightGrams>20", "<weightGrams>70001"), 400,
                "quoteRequest/piece/weightGrams", "70000");
    }

    private static String xxe(String systemId) {
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE quoteRequest [<!ENTITY xxe SYSTEM \"" + systemId + "\">]>\n"
                + Samples.quoteXml().substring(39).replace("94107", "&xxe;");
    }
}
