package org.openpostage.conformance.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.RateLimitedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.Refund;

/**
 * One fault-injection suite for every client transport: the same faults (503 or UNAVAILABLE
 * answers, dropped and reset connections, delays, slow bodies, deadlines, a closed client, a
 * missing client certificate) must end the same way whichever transport carries the call, as the
 * README promises ("nothing else changes"). Extend it in a transport module's tests:
 *
 * <pre>{@code
 * class XmlTransportContractTest extends TransportContract {
 *     protected TransportHarness harness() { return new XmlHarness(); }
 * }
 * }</pre>
 *
 * <p>Servers run on loopback with real TLS; faults are injected by a {@link FaultProxy} between
 * client and server, and by a {@link ScriptedService} behind the server binding. The asynchronous
 * forms of the calls ({@link PostalClient#callAsync}) are held to the same rules: retries with one
 * key, interceptors, the deadline fixed when the call is made, failures as the synchronous
 * exception, every operation available.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TransportContract {
    /** Quick retries, so that tests of retries stay fast. */
    protected static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));

    private TransportHarness harness;
    private ScriptedService service;
    private TransportHarness.Server server;
    private FaultProxy proxy;

    /** The transport under test. */
    protected abstract TransportHarness harness();

    @BeforeAll
    final void startServer() {
        harness = harness();
        service = new ScriptedService();
        server = harness.start(service, false);
    }

    @AfterAll
    final void stopServer() {
        server.close();
    }

    @BeforeEach
    final void startProxy() {
        service.reset();
        proxy = new FaultProxy(server.port());
    }

    @AfterEach
    final void stopProxy() {
        proxy.close();
    }

    /** A client through the fault proxy with {@link #QUICK} retries, adjusted by {@code customizer}. */
    private PostalClient client(java.util.function.UnaryOperator<ClientConfig.Builder> customizer) {
        return PostalClients.connect(customizer.apply(harness.client(harness.endpoint(proxy.port()), false)
                .retryPolicy(QUICK)).build());
    }

    private PostalClient client() {
        return client(b -> b);
    }

    private Set<String> keys(String operation) {
        return service.calls(operation).stream().map(c -> String.valueOf(c.context().idempotencyKey()))
                .collect(Collectors.toSet());
    }

    private Set<String> requestIds(String operation) {
        return service.calls(operation).stream().map(c -> c.context().requestId()).collect(Collectors.toSet());
    }

    // --- Answers the server gives -----------------------------------------------------------------------------

    @Test
    void aReadOnlyCallAnswered503IsRetried() {
        service.failNext("quote", 2, () -> new ServiceUnavailableException("restarting"));
        try (PostalClient client = client()) {
            assertEquals(ScriptedService.PRICE, client.quote(ScriptedService.quoteRequest()).price());
        }
        assertEquals(3, service.calls("quote").size());
        assertEquals(1, requestIds("quote").size(), "every attempt carries the call's request id");
        assertNull(service.calls("quote").get(0).context().idempotencyKey(), "read-only calls carry no key");
    }

    @Test
    void aPurchaseAnswered503IsRetriedWithOneKey() {
        service.failNext("purchase", 2, () -> new ServiceUnavailableException("database failover"));
        try (PostalClient client = client()) {
            client.purchase(ScriptedService.purchaseRequest());
        }
        assertEquals(3, service.calls("purchase").size());
        assertEquals(1, keys("purchase").size(), "every attempt carries one idempotency key: " + keys("purchase"));
        assertNotNull(service.calls("purchase").get(0).context().idempotencyKey());
    }

    @Test
    void aVerifyAnswered503IsRetried() {
        service.failNext("verify", 1, () -> new ServiceUnavailableException("restarting"));
        try (PostalClient client = client()) {
            client.verify(ScriptedService.verifyRequest());
        }
        assertEquals(2, service.calls("verify").size(), "the server said it did nothing: a retry is safe");
    }

    @Test
    void aNonRetryableAnswerIsThrownAtOnceWithTheServersRequestId() {
        service.failNext("purchase", 1, () -> new org.openpostage.api.error.PaymentDeclinedException("declined"));
        try (PostalClient client = client()) {
            PostageException e = assertThrows(PostageException.class,
                    () -> client.purchase(ScriptedService.purchaseRequest(), CallContext.withKey("k-1")
                            .withRequestId("req-declined-1")));
            assertEquals(ErrorCode.PAYMENT_DECLINED, e.code());
            assertEquals("req-declined-1", e.requestId());
        }
        assertEquals(1, service.calls("purchase").size());
    }

    @Test
    void retryAfterFromTheServerIsHonoured() {
        service.failNext("quote", 1, () -> new RateLimitedException("slow down", null, Duration.ofMillis(1200)));
        try (PostalClient client = client()) {
            client.quote(ScriptedService.quoteRequest());
        }
        List<ScriptedService.Call> calls = service.calls("quote");
        assertEquals(2, calls.size());
        Duration between = Duration.between(calls.get(0).at(), calls.get(1).at());
        assertTrue(between.toMillis() >= 1000, "the retry waited for Retry-After (1 s on the wire), not the 10-40 ms "
                + "backoff: " + between.toMillis() + " ms");
    }

    @Test
    void aRetryAfterBeyondTheDeadlineEndsTheCallAtOnce() {
        service.failNext("quote", 1, () -> new RateLimitedException("come back later", null, Duration.ofSeconds(30)));
        try (PostalClient client = client(b -> b.requestTimeout(Duration.ofSeconds(5)))) {
            Instant start = Instant.now();
            RateLimitedException e = assertThrows(RateLimitedException.class,
                    () -> client.quote(ScriptedService.quoteRequest()));
            assertTrue(Duration.between(start, Instant.now()).toMillis() < 3000, "no pointless wait");
            assertEquals(Duration.ofSeconds(30), e.retryAfter(), "the caller learns when to come back");
            assertTrue(e.retryable());
        }
        assertEquals(1, service.calls("quote").size());
    }

    // --- The network ------------------------------------------------------------------------------------------

    @Test
    void aPurchaseWhoseResponseWasLostIsRetriedWithTheSameKey() {
        proxy.dropWhen(() -> !service.calls("purchase").isEmpty());
        try (PostalClient client = client()) {
            client.purchase(ScriptedService.purchaseRequest(), CallContext.withKey("order-lost-1"));
        }
        assertEquals(1, proxy.faults());
        assertEquals(2, service.calls("purchase").size());
        assertEquals(Set.of("order-lost-1"), keys("purchase"));
    }

    @Test
    void aPurchaseWhoseConnectionWasResetIsRetriedWithTheSameKey() {
        proxy.resetWhen(() -> !service.calls("purchase").isEmpty());
        try (PostalClient client = client()) {
            client.purchase(ScriptedService.purchaseRequest());
        }
        assertEquals(1, proxy.faults());
        assertEquals(2, service.calls("purchase").size());
        assertEquals(1, keys("purchase").size());
    }

    @Test
    void aVerifyWhoseResponseWasLostIsNotRetried() {
        proxy.dropWhen(() -> !service.calls("verify").isEmpty());
        try (PostalClient client = client()) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.verify(ScriptedService.verifyRequest()));
            assertTrue(e.retryable(), "the caller may decide to retry; the client does not: a scan may be recorded");
        }
        assertEquals(1, service.calls("verify").size());
    }

    @Test
    void aVerifyThatRanPastItsDeadlineIsNotRetried() {
        service.delayNext("verify", 1, Duration.ofMillis(1500));
        try (PostalClient client = client(b -> b.requestTimeout(Duration.ofSeconds(4)))) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.verify(ScriptedService.verifyRequest(),
                            CallContext.empty().withTimeout(Duration.ofMillis(500))));
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
        }
        assertEquals(1, service.calls("verify").size(), "the first verify may have recorded a scan");
    }

    @Test
    void aDelayedResponseWithinTheDeadlineArrives() {
        proxy.delayWhen(() -> !service.calls("quote").isEmpty(), Duration.ofMillis(400));
        try (PostalClient client = client()) {
            client.quote(ScriptedService.quoteRequest());
        }
        assertEquals(1, proxy.faults());
        assertEquals(1, service.calls("quote").size());
    }

    @Test
    void aSlowResponseBodyEndsAtTheDeadline() {
        proxy.trickleWhen(() -> !service.calls("purchase").isEmpty(), Duration.ofMillis(200));
        try (PostalClient client = client(b -> b.requestTimeout(Duration.ofMillis(1500)))) {
            Instant start = Instant.now();
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.purchase(ScriptedService.purchaseRequest()));
            long took = Duration.between(start, Instant.now()).toMillis();
            assertTrue(took < 4000, "gave up by the deadline (1.5 s), took " + took + " ms");
            assertTrue(e.retryable());
        }
    }

    @Test
    void theRequestTimeoutBoundsTheWholeCallNotEachAttempt() {
        service.delayNext("quote", 10, Duration.ofMillis(900));
        try (PostalClient client = client(b -> b.requestTimeout(Duration.ofMillis(600))
                .retryPolicy(new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(20))))) {
            Instant start = Instant.now();
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.quote(ScriptedService.quoteRequest()));
            long took = Duration.between(start, Instant.now()).toMillis();
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
            assertTrue(took < 1500, "one budget of 600 ms for all attempts, not 600 ms each: took " + took + " ms");
        }
    }

    @Test
    void aDeadlineOfOneMillisecondEndsAsDeadlineExceeded() {
        int failed = 0;
        try (PostalClient client = client()) {
            for (int i = 0; i < 40; i++) {
                try {
                    client.quote(ScriptedService.quoteRequest(), CallContext.empty().withTimeout(Duration.ofMillis(1)));
                } catch (PostageException e) { // a fast loopback answer within 1 ms is fine; any failure must say why
                    assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code(), "call " + i + ": " + e);
                    failed++;
                }
            }
        }
        assertTrue(failed > 0, "some calls of 1 ms must run out of time");
    }

    @Test
    void nothingListeningIsARetryableServiceUnavailable() {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (PostalClient client = PostalClients.connect(harness.client(harness.endpoint(port), false)
                .retryPolicy(QUICK).requestTimeout(Duration.ofSeconds(3)).build())) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.verify(ScriptedService.verifyRequest()));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
            assertTrue(e.retryable());
            assertNull(e.requestId(), "raised by the client, not answered by a server");
        }
    }

    // --- The client itself ------------------------------------------------------------------------------------

    @Test
    void aClosedClientRefusesCallsAsAConfigurationError() {
        PostalClient client = client();
        client.close();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> client.quote(ScriptedService.quoteRequest()));
        assertFalse(e.retryable());
        assertTrue(service.calls().isEmpty());
        assertEquals(0, proxy.connections());
    }

    @Test
    void aMissingRequestIsAnArgumentErrorRaisedBeforeSending() {
        try (PostalClient client = client()) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> client.quote(null));
            assertTrue(e instanceof InvalidArgumentException, "raised locally: " + e.getClass());
            assertNull(e.requestId());
        }
        assertTrue(service.calls().isEmpty());
    }

    @Test
    void aMissingClientCertificateIsAConfigurationErrorAndNotRetried() {
        try (TransportHarness.Server mtls = harness.start(service, true);
             FaultProxy counting = new FaultProxy(mtls.port());
             PostalClient client = PostalClients.connect(harness.client(harness.endpoint(counting.port()), false)
                     .retryPolicy(QUICK).build())) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> client.quote(ScriptedService.quoteRequest()));
            assertFalse(e.retryable());
            assertEquals(1, counting.connections(), "no retry can cure a missing certificate");
            assertTrue(service.calls().isEmpty());
            // With the certificate, the same server answers.
            try (PostalClient withCertificate = PostalClients.connect(harness.client(harness.endpoint(mtls.port()),
                    true).build())) {
                withCertificate.quote(ScriptedService.quoteRequest());
            }
        }
    }

    @Test
    void interceptorsSeeTheCallOnceAndEachAttempt() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ClientInterceptor recorder = new ClientInterceptor() {
            @Override
            public <R> R interceptCall(Invocation<R> call) {
                seen.add("call " + call.operation() + " " + (call.context().requestId() != null));
                return call.proceed();
            }

            @Override
            public <R> R interceptAttempt(Invocation<R> attempt) {
                try {
                    R r = attempt.proceed();
                    seen.add("attempt " + attempt.attempt() + " ok");
                    return r;
                } catch (PostageException e) {
                    seen.add("attempt " + attempt.attempt() + " " + e.code());
                    throw e;
                }
            }
        };
        service.failNext("purchase", 1, () -> new ServiceUnavailableException("busy"));
        try (PostalClient client = client(b -> b.interceptor(recorder))) {
            Purchase p = client.purchase(ScriptedService.purchaseRequest());
            assertEquals(1, p.indicia().size());
        }
        assertEquals(List.of("call purchase true", "attempt 1 SERVICE_UNAVAILABLE", "attempt 2 ok"), seen);
    }

    // --- Asynchronous calls: the same pipeline on the client's threads ----------------------------------------

    @Test
    void anAsyncPurchaseIsRetriedWithOneKeyAndSeenByInterceptors() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        ClientInterceptor recorder = new ClientInterceptor() {
            @Override
            public <R> R interceptAttempt(Invocation<R> attempt) {
                seen.add(attempt.operation() + " " + attempt.attempt() + " on " + Thread.currentThread().getName());
                return attempt.proceed();
            }
        };
        service.failNext("purchase", 2, () -> new ServiceUnavailableException("database failover"));
        try (PostalClient client = client(b -> b.interceptor(recorder))) {
            Purchase p = client.purchaseAsync(ScriptedService.purchaseRequest()).get(10, TimeUnit.SECONDS);
            assertEquals(1, p.indicia().size());
        }
        assertEquals(3, service.calls("purchase").size());
        assertEquals(1, keys("purchase").size(), "every attempt carries one idempotency key: " + keys("purchase"));
        assertEquals(3, seen.size(), seen.toString());
        String caller = Thread.currentThread().getName();
        assertTrue(seen.stream().noneMatch(s -> s.endsWith(" on " + caller)), "ran on the client's threads: " + seen);
    }

    @Test
    void anAsyncFailureCompletesTheFutureWithTheSynchronousException() {
        service.failNext("purchase", 1, () -> new org.openpostage.api.error.PaymentDeclinedException("declined"));
        try (PostalClient client = client()) {
            CompletableFuture<Purchase> f = client.purchaseAsync(ScriptedService.purchaseRequest(),
                    CallContext.withKey("k-async-1").withRequestId("req-async-declined"));
            CompletionException e = assertThrows(CompletionException.class, f::join);
            PostageException cause = assertInstanceOf(PostageException.class, e.getCause());
            assertEquals(ErrorCode.PAYMENT_DECLINED, cause.code());
            assertEquals("req-async-declined", cause.requestId());
        }
        assertEquals(Set.of("k-async-1"), keys("purchase"));
    }

    @Test
    void anAsyncCallsDeadlineIsFixedWhenItIsMadeNotWhenAThreadIsFree() {
        // An executor with a 700 ms queue: the call's 500 ms budget runs out while it waits.
        Executor slowQueue = task -> new Thread(() -> {
            sleepQuietly(Duration.ofMillis(700));
            task.run();
        }).start();
        try (PostalClient client = client(b -> b.requestTimeout(Duration.ofMillis(500)).asyncExecutor(slowQueue))) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> client.quoteAsync(ScriptedService.quoteRequest()).join());
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, assertInstanceOf(PostageException.class, e.getCause()).code());
        }
        assertTrue(service.calls().isEmpty(), "nothing is sent once the deadline has passed");
    }

    @Test
    void asyncCallsDoNotHoldTheCallersThreadAndRunTogether() {
        int calls = 12;
        // Each call takes 1.5 s at the service: long enough that a loaded machine still hands the
        // futures over well before any could be done.
        int millis = 1500;
        service.delayNext("quote", calls, Duration.ofMillis(millis));
        try (PostalClient client = client()) {
            long start = System.nanoTime();
            List<CompletableFuture<org.openpostage.api.model.RateQuote>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(client.quoteAsync(ScriptedService.quoteRequest()));
            }
            long handedOver = Duration.ofNanos(System.nanoTime() - start).toMillis();
            boolean noneDone = futures.stream().noneMatch(CompletableFuture::isDone);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(handedOver < millis * 2 / 3, "the caller got its futures at once, not after " + millis
                    + " ms: " + handedOver + " ms");
            assertTrue(noneDone, "the calls were running, not done");
            assertTrue(took < calls * millis / 2, calls + " calls of " + millis + " ms ran together, not one after "
                    + "another: " + took + " ms");
            futures.forEach(f -> assertEquals(ScriptedService.PRICE, f.join().price()));
        }
        assertEquals(calls, service.calls("quote").size());
    }

    @Test
    void aCallCancelledBeforeItStartsIsNeverSent() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService held = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (PostalClient client = client(b -> b.asyncExecutor(held))) {
            held.execute(() -> awaitQuietly(release)); // the only thread is busy
            CompletableFuture<Purchase> f = client.purchaseAsync(ScriptedService.purchaseRequest());
            assertTrue(f.cancel(true));
            release.countDown();
            held.shutdown();
            assertTrue(held.awaitTermination(5, TimeUnit.SECONDS));
            assertTrue(f.isCancelled());
        }
        assertTrue(service.calls().isEmpty(), "a cancelled call that had not started is not sent: " + service.calls());
    }

    @Test
    void aClosedClientOrAMissingRequestFailsTheFutureInsteadOfThrowing() {
        PostalClient client = client();
        CompletableFuture<org.openpostage.api.model.RateQuote> missing = client.quoteAsync(null);
        assertInstanceOf(InvalidArgumentException.class,
                assertThrows(CompletionException.class, missing::join).getCause());
        client.close();
        CompletableFuture<org.openpostage.api.model.RateQuote> closed = client.quoteAsync(ScriptedService.quoteRequest());
        assertInstanceOf(ConfigurationException.class, assertThrows(CompletionException.class, closed::join).getCause());
        assertTrue(service.calls().isEmpty());
        assertEquals(0, proxy.connections());
    }

    @Test
    void everyOperationHasAnAsynchronousForm() {
        try (PostalClient client = client()) {
            for (PostalOperation<?, ?> operation : PostalOperation.all()) {
                callAsyncAndWait(client, operation);
                assertEquals(1, service.calls(operation.name()).size(), operation + " reached the server once");
            }
        }
    }

    /** Calls {@code operation} asynchronously and waits; the scripted service's NOT_FOUND answers count as answers. */
    private static <Q, R> void callAsyncAndWait(PostalClient client, PostalOperation<Q, R> operation) {
        Q request = operation.requestType().cast(sampleRequest(operation));
        try {
            client.callAsync(operation, request, null).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            PostageException answer = assertInstanceOf(PostageException.class, e.getCause(), operation.name());
            assertEquals(ErrorCode.NOT_FOUND, answer.code(), operation + ": " + answer);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(operation + " did not complete", e);
        }
    }

    /** A request for {@code operation}, or {@code null} for operations without one. */
    private static Object sampleRequest(PostalOperation<?, ?> operation) {
        if (!operation.hasRequest()) {
            return null;
        }
        return switch (operation.name()) {
            case "quote" -> ScriptedService.quoteRequest();
            case "purchase" -> ScriptedService.purchaseRequest();
            case "purchaseBatch" -> new org.openpostage.api.model.BatchPurchaseRequest(
                    List.of(new org.openpostage.api.model.BatchEntry("b-1", ScriptedService.purchaseRequest())));
            case "refund" -> new org.openpostage.api.model.RefundRequest("ind-1");
            case "verify" -> ScriptedService.verifyRequest();
            case "lookupPurchase" -> PurchaseLookupRequest.of("pu-7");
            case "listPurchases" -> PurchaseListRequest.of(Instant.parse("2026-02-01T00:00:00Z"),
                    Instant.parse("2026-02-02T00:00:00Z"));
            case "exportJournal" -> JournalExportRequest.of(Instant.parse("2026-02-01T00:00:00Z"),
                    Instant.parse("2026-02-01T00:01:00Z"), ExportFormat.CSV);
            default -> throw new AssertionError("add a sample request for the new operation " + operation.name());
        };
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- Lookup and history -------------------------------------------------------------------------------------

    @Test
    void theHistoryOperationsTravelBothWays() {
        try (PostalClient client = client()) {
            PurchaseRecord record = client.lookupPurchase(PurchaseLookupRequest.of("pu-7")
                    .withPrint(PrintOptions.png(203)));
            assertEquals("pu-7", record.purchase().purchaseId());
            assertEquals(ScriptedService.HISTORY, record.purchase().issuedAt());
            assertEquals(42, record.meterId());
            assertEquals(List.of(new Refund("re-1", "ind-1", ScriptedService.PRICE, PaymentKind.ACCOUNT,
                    ScriptedService.HISTORY.plusSeconds(60))), record.refunds());
            assertEquals(OutputFormat.PNG, record.purchase().indicia().get(0).image().format());
            assertEquals(203, record.purchase().indicia().get(0).image().dpi());
            assertEquals(PrintOptions.png(203), lookupRequest().print(), "the print options reached the server");
            var missing = assertThrows(NotFoundException.class, () -> client.lookupPurchase(
                    PurchaseLookupRequest.of("nope")));
            assertNotNull(missing.requestId());

            Instant from = Instant.parse("2026-02-01T00:00:00Z");
            PurchaseListRequest first = PurchaseListRequest.of(from, from.plusSeconds(86_400)).withPageSize(7);
            PurchasePage page1 = client.listPurchases(first);
            assertEquals("page-2", page1.nextPageToken());
            assertEquals(from, page1.purchases().get(0).issuedAt());
            assertEquals("4242", page1.purchases().get(0).payment().cardLast4());
            PurchasePage page2 = client.listPurchases(first.nextPage(page1.nextPageToken()));
            assertNull(page2.nextPageToken());
            assertEquals(2, page2.purchases().get(0).indiciumCount());
            assertEquals(1, page2.purchases().get(0).refundedCount());
            assertEquals(7, ((PurchaseListRequest) lastRequest("listPurchases")).pageSize());
            assertThrows(InvalidRequestException.class, () -> client.listPurchases(first.nextPage("forged")));

            JournalExport csv = client.exportJournal(JournalExportRequest.of(from, from.plusSeconds(60), ExportFormat.CSV)
                    .forMeter(42));
            assertEquals(ExportFormat.CSV, csv.format());
            assertEquals(from, csv.from());
            assertEquals("entry_id,kind\n1,FUNDING\n", new String(csv.content().toArray(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(Long.valueOf(42), ((JournalExportRequest) lastRequest("exportJournal")).meterId());
            JournalExport xml = client.exportJournal(JournalExportRequest.of(from, from.plusSeconds(60), ExportFormat.XML));
            assertEquals(ExportFormat.XML, xml.format());
            assertEquals(null, ((JournalExportRequest) lastRequest("exportJournal")).meterId());
        }
    }

    @Test
    void aHistoryCallAnswered503IsRetried() {
        service.failNext("listPurchases", 2, () -> new ServiceUnavailableException("busy"));
        try (PostalClient client = client()) {
            Instant from = Instant.parse("2026-02-01T00:00:00Z");
            assertEquals("page-2", client.listPurchases(PurchaseListRequest.of(from, from.plusSeconds(1)))
                    .nextPageToken());
        }
        assertEquals(3, service.calls("listPurchases").size(), "a read-only call is retried");
    }

    @Test
    void aTraceContextTravelsWithEachAttempt() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        List<TraceContext> sent = new CopyOnWriteArrayList<>();
        ClientInterceptor tracing = new ClientInterceptor() {
            @Override
            public <R> R interceptAttempt(Invocation<R> attempt) {
                TraceContext trace = new TraceContext("00-" + traceId + "-" + String.format("%016x", attempt.attempt())
                        + "-01", "vendor=value" + attempt.attempt());
                sent.add(trace);
                return attempt.proceed(trace);
            }
        };
        service.failNext("purchase", 1, () -> new ServiceUnavailableException("busy"));
        try (PostalClient client = client(b -> b.interceptor(tracing))) {
            client.purchase(ScriptedService.purchaseRequest());
            client.quote(ScriptedService.quoteRequest());
        }
        List<TraceContext> received = service.calls().stream().map(c -> c.context().trace()).toList();
        assertEquals(sent, received, "each attempt's traceparent and tracestate reached the server");
        assertEquals(3, received.size());
        try (PostalClient client = client()) {
            client.quote(ScriptedService.quoteRequest());
        }
        assertNull(service.calls("quote").get(1).context().trace(), "no trace context unless one is set");
    }

    private PurchaseLookupRequest lookupRequest() {
        return (PurchaseLookupRequest) lastRequest("lookupPurchase");
    }

    private Object lastRequest(String operation) {
        List<ScriptedService.Call> calls = service.calls(operation);
        return calls.get(calls.size() - 1).request();
    }
}
