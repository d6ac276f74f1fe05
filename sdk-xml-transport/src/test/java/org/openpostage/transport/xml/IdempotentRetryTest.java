package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.transport.xml.testing.DroppingProxy;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;

/**
 * The response to a purchase is lost after the server committed it (a proxy cuts the connection
 * as the response starts to flow). The client retries with the same idempotency key and receives
 * the same indicium; the meter was debited once.
 */
class IdempotentRetryTest {
    private static TestPki pki;
    private InMemoryPostalService service;
    private TestServer server;
    private DroppingProxy proxy;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("OpenPostage Test CA");
    }

    @BeforeEach
    void start() {
        service = new InMemoryPostalService();
        server = TestServer.start(pki.serverContext(pki.server()), XmlHttpsConfigurator.ClientAuth.NONE,
                XmlServerBinding.builder(service, new TestAuthenticator()).build());
        proxy = new DroppingProxy(server.port());
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.close();
    }

    private PostalClient client(RetryPolicy retries) {
        return PostalClients.connect(ClientConfig.builder().endpoint(proxy.uri()).apiKey(TestAuthenticator.LIVE_KEY)
                .tls(pki.clientTrust()).retryPolicy(retries).build());
    }

    @Test
    void retryAfterADroppedResponseReturnsTheSameIndiciumWithOneDebit() {
        try (PostalClient client = client(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)))) {
            MeterStatement before = client.accountStatement().meters().get(0);
            int committedBefore = service.purchasesCommitted();
            proxy.dropResponseOnce(() -> service.purchasesCommitted() > committedBefore);

            Purchase purchase = client.purchase(Samples.purchase(PaymentMethod.account()));

            assertEquals(1, proxy.dropped(), "the first response was dropped");
            assertEquals(1, service.debits(), "one debit for the purchase and its retry");
            assertEquals(1, service.purchasesCommitted());
            MeterStatement after = client.accountStatement().meters().get(0);
            assertEquals(before.descending().minus(purchase.total()), after.descending());
            assertEquals(before.piecesIssued() + 1, after.piecesIssued());
            // The indicium the client got is the one the first, committed attempt signed.
            assertEquals(after.piecesIssued(), purchase.indicia().get(0).decode().data().pieceSerial());
            assertEquals(after.ascending().minorUnits(),
                    purchase.indicia().get(0).decode().data().ascendingRegister());
            // And it is valid postage, issued once.
            assertEquals(Verdict.VALID, client.verify(new VerifyRequest(purchase.indicia().get(0).data())).verdict());
        }
    }

    @Test
    void replayWithTheCallersOwnKeyReturnsAnEqualPurchase() {
        try (PostalClient client = client(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)))) {
            int committedBefore = service.purchasesCommitted();
            proxy.dropResponseOnce(() -> service.purchasesCommitted() > committedBefore);
            Purchase first = client.purchase(Samples.twoPieces(), CallContext.withKey("order-42"));
            Purchase again = client.purchase(Samples.twoPieces(), CallContext.withKey("order-42"));
            assertEquals(first, again, "same key, same request: the stored purchase, byte for byte");
            assertEquals(1, service.debits());
        }
    }

    @Test
    void batchRetryAfterADroppedResponseChargesEachEntryOnce() {
        try (PostalClient client = client(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)))) {
            int committedBefore = service.purchasesCommitted();
            proxy.dropResponseOnce(() -> service.purchasesCommitted() > committedBefore + 1);
            BatchPurchaseResult result = client.purchaseBatch(Samples.batch());
            assertEquals(1, proxy.dropped());
            assertEquals(2, result.succeeded());
            assertEquals(2, service.debits(), "two paying entries, each debited once despite the retry");
        }
    }

    @Test
    void withoutRetriesTheLostResponseIsReportedAsRetryable() {
        try (PostalClient client = client(RetryPolicy.none())) {
            int committedBefore = service.purchasesCommitted();
            proxy.dropResponseOnce(() -> service.purchasesCommitted() > committedBefore);
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.purchase(Samples.purchase(Samples.card()), CallContext.withKey("order-9")));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
            assertTrue(e.retryable());
            // The caller retries by hand with its own key: the first outcome, no second charge.
            Purchase p = client.purchase(Samples.purchase(Samples.card()), CallContext.withKey("order-9"));
            assertEquals(1, service.debits());
            assertEquals(1, p.indicia().get(0).decode().data().pieceSerial());
        }
    }

    @Test
    void verifyIsNotRetriedAfterTheRequestWasSent() {
        try (PostalClient client = client(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)))) {
            Purchase p = client.purchase(Samples.purchase(Samples.card()));
            int callsBefore = service.calls();
            proxy.dropResponseOnce(() -> service.calls() > callsBefore);
            assertThrows(ServiceUnavailableException.class,
                    () -> client.verify(new VerifyRequest(p.indicia().get(0).data())));
            assertEquals(callsBefore + 1, service.calls(), "a scan is recorded per call: no blind retry");
            assertEquals(Verdict.DUPLICATE, client.verify(new VerifyRequest(p.indicia().get(0).data())).verdict());
        }
    }

    @Test
    void keyedRetriesUseOneKeyForAllAttempts() {
        try (PostalClient client = client(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)))) {
            int committedBefore = service.purchasesCommitted();
            proxy.dropResponseOnce(() -> service.purchasesCommitted() > committedBefore);
            client.purchase(Samples.purchase(Samples.card()));
            var purchases = server.exchanges().stream().filter(x -> x.path().equals("/v1/purchases")).toList();
            assertEquals(2, purchases.size(), "the dropped attempt and the retry reached the server");
        }
        assertTrue(InMemoryPostalService.INITIAL_FUNDS > 0);
    }
}
