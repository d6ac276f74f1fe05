package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.PostalService;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.RateQuote;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;

/**
 * Admission control over HTTPS: with two quotes held inside the service, a third request is
 * answered at once with 503, {@code Retry-After} and SERVICE_UNAVAILABLE, without reaching the
 * service; once a permit is free, requests are served again.
 */
class AdmissionControlTest {
    private static final int LIMIT = 2;
    private static TestPki pki;
    private final InMemoryPostalService service = new InMemoryPostalService();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch bothInside = new CountDownLatch(LIMIT);
    private final AtomicInteger calls = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(LIMIT);
    private TestServer server;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("OpenPostage Test CA");
    }

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    /** The in-memory service whose quotes wait for {@link #release} while holding their permit. */
    private PostalService holdingQuotes() {
        return (PostalService) Proxy.newProxyInstance(PostalService.class.getClassLoader(),
                new Class<?>[] {PostalService.class}, (proxy, method, args) -> {
                    calls.incrementAndGet();
                    if (method.getName().equals("quote")) {
                        bothInside.countDown();
                        assertTrue(release.await(30, TimeUnit.SECONDS), "released");
                    }
                    try {
                        return method.invoke(service, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private PostalClient client(RetryPolicy retries) {
        return PostalClients.connect(ClientConfig.builder().endpoint(server.uri()).apiKey(TestAuthenticator.LIVE_KEY)
                .tls(pki.clientTrust()).retryPolicy(retries).build());
    }

    @Test
    void beyondTheLimitARequestIsRefusedAtOnceWith503AndRetryAfter() throws Exception {
        XmlServerBinding binding = XmlServerBinding.builder(holdingQuotes(), new TestAuthenticator())
                .maxConcurrentRequests(LIMIT).build();
        assertEquals(LIMIT, binding.maxConcurrentRequests());
        server = TestServer.start(pki.serverContext(pki.server()), XmlHttpsConfigurator.ClientAuth.NONE, binding);
        List<Future<RateQuote>> held = new ArrayList<>();
        try (PostalClient client = client(RetryPolicy.none())) {
            for (int i = 0; i < LIMIT; i++) {
                held.add(pool.submit(() -> client.quote(Samples.quote())));
            }
            assertTrue(bothInside.await(30, TimeUnit.SECONDS), "both quotes reached the service");
            int callsBefore = calls.get();

            // Raw HTTP: the status and headers as a stranger sees them.
            HttpResponse<String> refused = HttpClient.newBuilder().sslContext(pki.clientContext()).build().send(
                    HttpRequest.newBuilder(URI.create(server.uri() + "/v1/quote"))
                            .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Content-Type", "application/xml")
                            .POST(HttpRequest.BodyPublishers.ofString(Samples.quoteXml(), StandardCharsets.UTF_8))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertTrue(refused.body().contains("<code>SERVICE_UNAVAILABLE</code>"), refused.body());
            assertTrue(refused.body().contains("limit of 2 concurrent requests"), refused.body());

            // The Java client reports it as retryable, with the server's pause.
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class, client::accountStatement);
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
            assertEquals(Duration.ofSeconds(1), e.retryAfter());
            assertEquals(callsBefore, calls.get(), "refused requests never reached the service");

            release.countDown();
            for (Future<RateQuote> f : held) {
                assertEquals(Samples.quote().piece(), f.get(30, TimeUnit.SECONDS).piece());
            }
            assertTrue(!client.accountStatement().meters().isEmpty(), "served again once the permits are back");
        }
    }

    @Test
    void theLimitMustBePositive() {
        assertThrows(org.openpostage.api.error.ConfigurationException.class,
                () -> XmlServerBinding.builder(service, new TestAuthenticator()).maxConcurrentRequests(0));
        assertEquals(XmlServerBinding.DEFAULT_MAX_CONCURRENT_REQUESTS,
                XmlServerBinding.builder(service, new TestAuthenticator()).build().maxConcurrentRequests());
    }
}
