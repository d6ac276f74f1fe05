package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.RateLimitedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;

/** The client against a scripted HTTPS server: retries, keys, deadlines, bad responses, TLS failures. */
class XmlPostalClientTest {
    private static final String NS = "https://openpostage.org/postage/v1";
    private static TestPki pki;

    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private final InMemoryPostalService service = new InMemoryPostalService();
    private final XmlServerBinding real = XmlServerBinding.builder(service, new TestAuthenticator()).build();
    private TestServer server;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("OpenPostage Test CA");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One scripted answer; {@code null} body means: let the real binding answer. */
    private record Reply(int status, String contentType, String body, long delayMs) {
        static Reply real() {
            return new Reply(0, null, null, 0);
        }

        static Reply error(int status, ErrorCode code) {
            return new Reply(status, "application/xml", "<error xmlns=\"" + NS + "\"><code>" + code + "</code><message>"
                    + "scripted " + code + "</message><requestId>srv-" + status + "</requestId><retryable>"
                    + code.retryable() + "</retryable></error>", 0);
        }
    }

    /** A request as the server saw it. */
    private record Seen(String method, String path, Map<String, String> headers) {
    }

    private void start(Reply... replies) {
        script.addAll(List.of(replies));
        server = TestServer.start(pki.serverContext(pki.server()), this::answer);
    }

    private void answer(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        seen.add(new Seen(x.getRequestMethod(), x.getRequestURI().getPath(), x.getRequestHeaders().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> e.getValue().get(0)))));
        Reply reply = script.isEmpty() ? Reply.real() : script.poll();
        try {
            Thread.sleep(reply.delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reply.body == null) {
            XmlResponse r = real.handle(new XmlRequest(x.getRequestMethod(), x.getRequestURI().getPath(),
                    x.getRequestHeaders(), new ByteArrayInputStream(body), body.length, List.of()));
            r.headers().forEach(x.getResponseHeaders()::set);
            x.sendResponseHeaders(r.status(), r.bodyLength());
            try (OutputStream out = x.getResponseBody()) {
                r.writeBodyTo(out);
            }
            return;
        }
        byte[] bytes = reply.body.getBytes(StandardCharsets.UTF_8);
        if (reply.contentType != null) {
            x.getResponseHeaders().set("Content-Type", reply.contentType);
        }
        x.sendResponseHeaders(reply.status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private PostalClient client(RetryPolicy retries) {
        return client(server.uri(), retries);
    }

    private PostalClient client(URI endpoint, RetryPolicy retries) {
        return PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(TestAuthenticator.LIVE_KEY)
                .tls(pki.clientTrust()).connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5))
                .retryPolicy(retries).build());
    }

    private static RetryPolicy fast(int attempts) {
        return new RetryPolicy(attempts, Duration.ofMillis(5), Duration.ofMillis(20));
    }

    @Test
    void retriesRetryableErrorsWithTheSameKeyAndRequestId() {
        start(Reply.error(503, ErrorCode.SERVICE_UNAVAILABLE), Reply.error(409, ErrorCode.REQUEST_IN_PROGRESS),
                Reply.real());
        try (PostalClient client = client(fast(4))) {
            client.purchase(Samples.purchase(PaymentMethod.account()));
        }
        assertEquals(3, seen.size());
        Set<String> keys = seen.stream().map(s -> s.headers.get("idempotency-key")).collect(Collectors.toSet());
        assertEquals(1, keys.size(), "one key for all attempts: " + keys);
        assertNotNull(keys.iterator().next());
        assertEquals(1, seen.stream().map(s -> s.headers.get("x-request-id")).distinct().count());
        Seen first = seen.get(0);
        assertEquals(TestAuthenticator.LIVE_KEY, first.headers.get("x-api-key"));
        assertEquals("application/xml", first.headers.get("accept"));
        assertTrue(first.headers.get("content-type").startsWith("application/xml"));
        assertTrue(first.headers.get("user-agent").startsWith("openpostage-java/0.1.0-SNAPSHOT"),
                first.headers.get("user-agent"));
        long timeout = Long.parseLong(first.headers.get("x-request-timeout-ms"));
        assertTrue(timeout > 0 && timeout <= 5000, "timeout header " + timeout);
        assertEquals(1, service.debits());
    }

    @Test
    void readsNeitherNeedNorSendAKey() {
        start(Reply.error(429, ErrorCode.RATE_LIMITED), Reply.real());
        try (PostalClient client = client(fast(3))) {
            client.quote(Samples.quote());
        }
        assertEquals(2, seen.size());
        assertEquals(null, seen.get(0).headers.get("idempotency-key"));
    }

    @Test
    void doesNotRetryErrorsThatCannotSucceedOnRetry() {
        start(Reply.error(402, ErrorCode.PAYMENT_DECLINED));
        try (PostalClient client = client(fast(4))) {
            PaymentDeclinedException e = assertThrows(PaymentDeclinedException.class,
                    () -> client.purchase(Samples.purchase(Samples.card())));
            assertEquals("scripted PAYMENT_DECLINED", e.getMessage());
            assertEquals("srv-402", e.requestId());
        }
        assertEquals(1, seen.size());
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        start(Reply.error(503, ErrorCode.SERVICE_UNAVAILABLE), Reply.error(503, ErrorCode.SERVICE_UNAVAILABLE),
                Reply.error(429, ErrorCode.RATE_LIMITED), Reply.real());
        try (PostalClient client = client(fast(3))) {
            assertThrows(RateLimitedException.class, client::accountStatement);
        }
        assertEquals(3, seen.size());
    }

    @Test
    void neverRetriesPastTheDeadline() {
        start(new Reply(200, "application/xml", "<late/>", 5000));
        try (PostalClient client = client(fast(5))) {
            Instant start = Instant.now();
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.backgrounds(CallContext.empty().withTimeout(Duration.ofMillis(800))));
            Duration took = Duration.between(start, Instant.now());
            assertTrue(took.toMillis() < 4000, "gave up at the deadline, took " + took);
            assertTrue(e.retryable());
        }
        // One attempt, or none if a loaded machine took the whole deadline to connect: never a second.
        assertTrue(seen.size() <= 1, "no attempt was started after the deadline: " + seen.size());
    }

    @Test
    void mapsAProxysHtmlErrorByItsStatus() {
        start(new Reply(502, "text/html", "<html><body>Bad gateway</body></html>", 0), Reply.real());
        try (PostalClient client = client(fast(3))) {
            client.backgrounds();
        }
        assertEquals(2, seen.size(), "502 from a proxy is retried");
        seen.clear();
        script.add(new Reply(404, "text/html", "<html>nope</html>", 0));
        try (PostalClient client = client(fast(3))) {
            PostageException e = assertThrows(PostageException.class, client::backgrounds);
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        }
    }

    @Test
    void garbledSuccessResponseIsAClearErrorAndNotRetried() {
        start(new Reply(200, "application/xml", "{\"price\": 73}", 0));
        try (PostalClient client = client(fast(4))) {
            PostageException e = assertThrows(PostageException.class, () -> client.quote(Samples.quote()));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertTrue(e.getMessage().contains("is not valid OpenPostage XML"), e.getMessage());
            assertTrue(e.getMessage().contains("line 1, column 1"), e.getMessage());
        }
        assertEquals(1, seen.size());
    }

    @Test
    void responseWithADoctypeIsRefusedToo() {
        start(new Reply(200, "application/xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<backgroundCatalogue xmlns=\"" + NS + "\"><images/></backgroundCatalogue>", 0));
        try (PostalClient client = client(fast(2))) {
            PostageException e = assertThrows(PostageException.class, client::backgrounds);
            assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        }
    }

    @Test
    void responseBreakingTheModelIsTheServersFault() {
        start(new Reply(200, "application/xml", "<rateQuote xmlns=\"" + NS + "\"><piece><mailClass>LETTER</mailClass>"
                + "<weightGrams>20</weightGrams><origin>94107</origin></piece><price currency=\"USD\">-5</price>"
                + "<rateTableVersion>v</rateTableVersion><zone>0</zone><dateOfMailing>2026-07-01</dateOfMailing>"
                + "</rateQuote>", 0));
        try (PostalClient client = client(fast(2))) {
            PostageException e = assertThrows(PostageException.class, () -> client.quote(Samples.quote()));
            assertEquals(ErrorCode.INTERNAL, e.code(), "not INVALID_REQUEST: the request was fine");
            assertTrue(e.getMessage().contains("rateQuote") && e.getMessage().contains("price"), e.getMessage());
        }
    }

    @Test
    void ignoresElementsANewerServerAdds() {
        start(new Reply(200, "application/xml", "<backgroundCatalogue xmlns=\"" + NS + "\"><images><image>"
                + "<id>bg-1</id><title>One</title><mediaType>image/png</mediaType><widthPx>1</widthPx><heightPx>1</heightPx>"
                + "<content>" + InMemoryPostalService.TINY_PNG.toBase64() + "</content><license>CC0</license></image>"
                + "</images><nextPage>2</nextPage></backgroundCatalogue>", 0));
        try (PostalClient client = client(fast(1))) {
            assertEquals("bg-1", client.backgrounds().images().get(0).id());
        }
    }

    @Test
    void unknownErrorCodesBecomeInternal() {
        start(new Reply(418, "application/xml", "<error xmlns=\"" + NS + "\"><code>TEAPOT</code><message>short and stout"
                + "</message><requestId>r-1</requestId><retryable>false</retryable></error>", 0));
        try (PostalClient client = client(fast(3))) {
            PostageException e = assertThrows(PostageException.class, client::accountStatement);
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertEquals("short and stout", e.getMessage());
            assertEquals("r-1", e.requestId());
        }
        assertEquals(1, seen.size());
    }

    @Test
    void verifyIsRetriedOnlyWhenTheServerSaysItDidNothing() {
        start(Reply.error(503, ErrorCode.SERVICE_UNAVAILABLE), Reply.error(504, ErrorCode.DEADLINE_EXCEEDED));
        try (PostalClient client = client(fast(4))) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.verify(new VerifyRequest(InMemoryPostalService.TINY_PNG)));
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
        }
        assertEquals(2, seen.size(), "retried after 503, not after 504 (the scan may have been recorded)");
    }

    @Test
    void tooLargeResponseIsRefused() {
        start(new Reply(200, "application/xml", "<backgroundCatalogue xmlns=\"" + NS + "\"><images/>"
                + "<!--" + "x".repeat(5000) + "--></backgroundCatalogue>", 0));
        try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(server.uri())
                .apiKey(TestAuthenticator.LIVE_KEY).tls(pki.clientTrust()).retryPolicy(fast(3))
                .option(XmlPostalClient.OPTION_MAX_RESPONSE_BYTES, "1000").build())) {
            PostageException e = assertThrows(PostageException.class, client::backgrounds);
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertTrue(e.getMessage().contains("larger than 1000 bytes"), e.getMessage());
        }
        assertEquals(1, seen.size());
    }

    @Test
    void connectionRefusedIsServiceUnavailableAfterRetries() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (PostalClient client = client(URI.create("https://127.0.0.1:" + port), fast(3))) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.purchase(Samples.purchase(Samples.card())));
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
            assertTrue(e.retryable());
        }
    }

    @Test
    void untrustedServerCertificateIsAConfigurationErrorNotRetried() {
        start();
        TestPki other = TestPki.create("Another CA");
        try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(server.uri())
                .apiKey(TestAuthenticator.LIVE_KEY).tls(other.clientTrust()).retryPolicy(fast(4)).build())) {
            ConfigurationException e = assertThrows(ConfigurationException.class, client::accountStatement);
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        }
        assertTrue(seen.isEmpty());
    }

    @Test
    void hostNameIsVerified() {
        script.add(Reply.real());
        server = TestServer.start(pki.serverContext(pki.server("postal.example",
                List.of(new GeneralName(GeneralName.dNSName, "postal.example")))), this::answer);
        try (PostalClient client = client(fast(3))) {
            ConfigurationException e = assertThrows(ConfigurationException.class, client::accountStatement);
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        }
        assertTrue(seen.isEmpty());
    }

    @Test
    void servesEndpointsWithABasePath() {
        XmlServerBinding prefixed = XmlServerBinding.builder(service, new TestAuthenticator()).basePath("/postage").build();
        server = TestServer.start(pki.serverContext(pki.server()), XmlHttpsConfigurator.ClientAuth.NONE, prefixed);
        try (PostalClient client = client(URI.create(server.uri() + "/postage/"), fast(1))) {
            assertEquals("partner-a", client.accountStatement().partnerId());
        }
    }

    @Test
    void closedClientRefusesCalls() {
        start();
        PostalClient client = client(fast(1));
        client.close();
        client.close();
        assertThrows(ConfigurationException.class, client::accountStatement);
    }

    @Test
    void providerClaimsHttpsOnlyAndChecksTheConfiguration() {
        XmlTransportProvider provider = new XmlTransportProvider();
        assertEquals("xml", provider.name());
        assertEquals(Set.of("https"), provider.schemes());
        assertThrows(ConfigurationException.class, () -> PostalClients.connect(
                ClientConfig.builder().endpoint("http://127.0.0.1:1").build(), provider));
        assertThrows(ConfigurationException.class, () -> new XmlPostalClient(
                ClientConfig.builder().endpoint("https://127.0.0.1:1/?q=1").build()));
        assertThrows(ConfigurationException.class, () -> new XmlPostalClient(
                ClientConfig.builder().endpoint("https://127.0.0.1:1").apiKey("two words").build()));
        assertThrows(ConfigurationException.class, () -> new XmlPostalClient(
                ClientConfig.builder().endpoint("https://127.0.0.1:1").option("xml.maxConnections", "many").build()));
        assertInstanceOf(XmlPostalClient.class, PostalClients.connect(
                ClientConfig.builder().endpoint("https://127.0.0.1:1").build()));
    }
}
