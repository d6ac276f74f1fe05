package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PriceChangedException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Pretty;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.TestPki;
import org.openpostage.transport.xml.testing.TestServer;
import org.openpostage.transport.xml.testing.Xsd;

/**
 * Every operation over real HTTPS on loopback: the client found by URI scheme, the binding on the
 * JDK's HTTPS server, the in-memory service behind it. Every message exchanged is validated against
 * the schema, and the first message of each kind is kept under target/xml-examples for the docs.
 */
class EndToEndHttpsTest {
    private static final Path EXAMPLES = Path.of("target", "xml-examples");

    private static TestPki pki;
    private InMemoryPostalService service;
    private TestServer server;
    private PostalClient client;

    @BeforeAll
    static void pki() throws IOException {
        pki = TestPki.create("OpenPostage Test CA");
        Files.createDirectories(EXAMPLES);
    }

    @BeforeEach
    void start() {
        service = new InMemoryPostalService();
        XmlServerBinding binding = XmlServerBinding.builder(service, new TestAuthenticator()).build();
        server = TestServer.start(pki.serverContext(pki.server()), XmlHttpsConfigurator.ClientAuth.NONE, binding);
        client = PostalClients.connect(ClientConfig.builder()
                .endpoint(server.uri())
                .apiKey(TestAuthenticator.LIVE_KEY)
                .tls(pki.clientTrust())
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)))
                .build());
    }

    /** Every request the server accepted and every response it sent validates against the schema. */
    @AfterEach
    void stop() {
        client.close();
        server.close();
        for (TestServer.Exchange x : server.exchanges()) {
            String name = x.method() + " " + x.path() + " " + x.status();
            if (x.requestBody().length > 0 && x.status() < 300) {
                Xsd.assertValid(x.requestBody(), "request of " + name);
            }
            Xsd.assertValid(x.responseBody(), "response of " + name);
        }
    }

    /**
     * One call per operation with readable data, plus typical errors; each exchange is written,
     * indented, to target/xml-examples (numbered in call order) for docs/protocol/xml.md.
     */
    @Test
    void writesDocumentationExamples() throws Exception {
        client.quote(Samples.quote(), CallContext.empty().withRequestId("req-quote-1"));
        Purchase byCard = client.purchase(Samples.twoPieces(), new CallContext("order-7781", null, "req-purchase-1", null));
        client.purchase(Samples.purchase(PaymentMethod.account()), new CallContext("order-7782", null, "req-purchase-2", null));
        client.purchaseBatch(Samples.batch(), new CallContext("batch-2026-07-01-a", null, "req-batch-1", null));
        client.refund(new RefundRequest(byCard.indicia().get(1).indiciumId()),
                new CallContext("refund-order-7781-2", null, "req-refund-1", null));
        client.accountStatement(CallContext.empty().withRequestId("req-account-1"));
        client.backgrounds(CallContext.empty().withRequestId("req-backgrounds-1"));
        client.verificationKeys(CallContext.empty().withRequestId("req-keys-1"));
        client.printComponent(CallContext.empty().withRequestId("req-print-1"));
        client.verify(new VerifyRequest(byCard.indicia().get(0).data()), CallContext.empty().withRequestId("req-verify-1"));
        assertThrows(PaymentDeclinedException.class, () -> client.purchase(Samples.purchase(Samples.card(
                InMemoryPostalService.DECLINED_CARD)), new CallContext("order-7783", null, "req-purchase-3", null)));
        assertThrows(IdempotencyConflictException.class, () -> client.purchase(Samples.purchase(Samples.card()),
                new CallContext("order-7781", null, "req-purchase-4", null)));
        var http = java.net.http.HttpClient.newBuilder().sslContext(pki.clientContext())
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var bad = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.uri() + "/v1/quote"))
                .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Content-Type", "application/xml")
                .header("X-Request-Id", "req-quote-2")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Samples.quoteXml().replace("LETTER", "TELEGRAM")))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
        var unauthenticated = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.uri()
                + "/v1/account")).header("X-Api-Key", "op_live_unknown").header("X-Request-Id", "req-account-2").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unauthenticated.statusCode());

        int n = 0;
        for (TestServer.Exchange x : server.exchanges()) {
            String name = String.format("%02d-%s-%d", ++n, x.path().substring(4).replace('/', '-'), x.status());
            if (x.requestBody().length > 0) {
                Files.writeString(EXAMPLES.resolve(name + "-request.xml"), Pretty.print(x.requestBody()));
            }
            Files.writeString(EXAMPLES.resolve(name + "-response.xml"), Pretty.print(x.responseBody()));
        }
        assertEquals(14, n);
    }

    @Test
    void clientIsFoundByHttpsScheme() {
        assertInstanceOf(XmlPostalClient.class, client);
        assertTrue(PostalClients.providers().stream().anyMatch(p -> p.name().equals("xml")
                && p.schemes().equals(java.util.Set.of("https"))));
    }

    @Test
    void quotesAPiece() {
        RateQuote quote = client.quote(Samples.quote());
        assertEquals(Money.of(73, "USD"), quote.price());
        assertEquals(Samples.letter(), quote.piece());
        assertEquals(Samples.MAILING, quote.dateOfMailing());
        assertEquals(InMemoryPostalService.RATE_TABLE, quote.rateTableVersion());
        assertEquals("partner-a", service.lastContext().caller().partnerId());
        assertNull(service.lastContext().idempotencyKey(), "quotes carry no idempotency key");
        assertNotNull(service.lastContext().deadline(), "the client sends its timeout as a deadline");
    }

    @Test
    void purchasesByCardWithImagesAndVerifiesTheSignature() {
        Purchase p = client.purchase(Samples.twoPieces(), CallContext.withKey("order-7781"));
        assertEquals("order-7781", service.lastContext().idempotencyKey());
        assertEquals(2, p.indicia().size());
        assertEquals(PaymentKind.CARD, p.payment().kind());
        assertEquals("1111", p.payment().cardLast4());
        assertEquals(Money.of(73 + 690 + 20 * 11, "USD"), p.total());
        assertEquals(Mode.LIVE, p.mode());
        assertEquals(OutputFormat.PNG, p.indicia().get(0).image().format());
        assertEquals(InMemoryPostalService.TINY_PNG, p.indicia().get(0).image().content());
        assertEquals(SignatureCheck.VALID, p.indicia().get(0).decode().verify(client.verificationKeys()));
        assertEquals(1, service.debits());
    }

    @Test
    void purchasesFromTheAccountAndDebitsTheMeter() {
        AccountStatement before = client.accountStatement();
        Purchase p = client.purchase(Samples.purchase(PaymentMethod.account()));
        assertNotNull(service.lastContext().idempotencyKey(), "the client fills in a key");
        AccountStatement after = client.accountStatement();
        assertEquals(PaymentKind.ACCOUNT, p.payment().kind());
        MeterStatement b = before.meters().get(0);
        MeterStatement a = after.meters().get(0);
        assertEquals(b.descending().minus(p.total()), a.descending());
        assertEquals(b.ascending().plus(p.total()), a.ascending());
        assertEquals(b.controlTotal(), a.controlTotal());
        assertEquals(b.piecesIssued() + 1, a.piecesIssued());
    }

    @Test
    void runsABatchWhoseEntriesSucceedOrFailOnTheirOwn() {
        BatchPurchaseResult result = client.purchaseBatch(Samples.batch());
        assertEquals(3, result.results().size());
        assertEquals(2, result.succeeded());
        assertTrue(result.result("order-1001").orElseThrow().succeeded());
        var declined = result.result("order-1002").orElseThrow();
        assertEquals(ErrorCode.PAYMENT_DECLINED, declined.error().code());
        assertFalse(declined.error().retryable());
        assertEquals(PaymentKind.ACCOUNT, result.result("order-1003").orElseThrow().purchase().payment().kind());
        assertEquals(2, service.debits());
    }

    @Test
    void refundsOnceAndTheIndiciumThenVerifiesAsRefunded() {
        Purchase p = client.purchase(Samples.purchase(Samples.card()));
        String id = p.indicia().get(0).indiciumId();
        Refund r = client.refund(new RefundRequest(id), CallContext.withKey("refund-" + id));
        assertEquals(id, r.indiciumId());
        assertEquals(p.total(), r.amount());
        assertEquals(PaymentKind.CARD, r.creditedTo());
        assertEquals(r, client.refund(new RefundRequest(id), CallContext.withKey("refund-" + id)),
                "a retry with the same key replays the refund");
        assertThrows(RefundNotAllowedException.class, () -> client.refund(new RefundRequest(id)));
        assertThrows(NotFoundException.class, () -> client.refund(new RefundRequest("ind-404")));
        VerificationResult v = client.verify(new VerifyRequest(p.indicia().get(0).data()));
        assertEquals(Verdict.REFUNDED, v.verdict());
        assertTrue(v.refunded());
    }

    @Test
    void verifiesValidThenDuplicate() {
        Purchase p = client.purchase(Samples.purchase(Samples.card()));
        Bytes data = p.indicia().get(0).data();
        VerificationResult first = client.verify(new VerifyRequest(data));
        assertEquals(Verdict.VALID, first.verdict());
        assertTrue(first.signatureValid());
        assertEquals(0, first.previousScans());
        assertEquals(p.indicia().get(0).decode().data(), first.indicium());
        VerificationResult second = client.verify(new VerifyRequest(data));
        assertEquals(Verdict.DUPLICATE, second.verdict());
        assertEquals(1, second.previousScans());
    }

    @Test
    void verifyReportsMalformedIndiciumData() {
        byte[] junk = new byte[127];
        junk[0] = 9;
        IndiciumFormatException e = assertThrows(IndiciumFormatException.class,
                () -> client.verify(new VerifyRequest(Bytes.of(junk))));
        assertEquals(ErrorCode.MALFORMED_INDICIUM, e.code());
        assertTrue(e.getMessage().contains("byte 0"), e.getMessage());
        assertNotNull(e.requestId());
    }

    @Test
    void readsCatalogueKeysAndPrintComponent() {
        assertEquals("bg-harbour", client.backgrounds().images().get(0).id());
        assertEquals(service.keys(), client.verificationKeys());
        PrintComponent pc = client.printComponent();
        assertEquals("1.0.0", pc.version());
        assertEquals(pc.script().sha256Hex(), pc.sha256());
    }

    @Test
    void mapsServiceErrorsToTheirExceptions() {
        assertThrows(PaymentDeclinedException.class,
                () -> client.purchase(Samples.purchase(Samples.card(InMemoryPostalService.DECLINED_CARD))));
        InsufficientFundsException broke = assertThrows(InsufficientFundsException.class,
                () -> client.purchase(Samples.purchase(Samples.card(InMemoryPostalService.BROKE_CARD))));
        assertEquals(ErrorCode.INSUFFICIENT_FUNDS, broke.code());
        assertNotNull(broke.requestId());
        PurchaseRequest stale = PurchaseRequest.of(List.of(new PurchaseItem(Samples.letter(), Money.of(70, "USD"),
                Samples.MAILING)), Samples.card());
        assertThrows(PriceChangedException.class, () -> client.purchase(stale));
        InvalidRequestException heavy = assertThrows(InvalidRequestException.class, () -> client.quote(
                new org.openpostage.api.model.QuoteRequest(org.openpostage.api.model.MailPiece.of(
                        org.openpostage.api.value.MailClass.LETTER, org.openpostage.api.value.Weight.ofGrams(900),
                        org.openpostage.api.value.PostalCode.of("94107")), null)));
        assertTrue(heavy.getMessage().contains("500 g"), heavy.getMessage());
        assertEquals(0, service.debits(), "no failed call debited anything");
    }

    @Test
    void sameKeyWithADifferentRequestIsAConflict() {
        client.purchase(Samples.purchase(Samples.card()), CallContext.withKey("k-1"));
        IdempotencyConflictException e = assertThrows(IdempotencyConflictException.class,
                () -> client.purchase(Samples.twoPieces(), CallContext.withKey("k-1")));
        assertEquals(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.code());
        assertEquals(1, service.debits());
    }

    @Test
    void unknownApiKeyIsRefused() {
        try (PostalClient stranger = PostalClients.connect(client.config().toBuilder().apiKey("op_live_nobody").build())) {
            var e = assertThrows(org.openpostage.api.error.AuthenticationException.class, stranger::accountStatement);
            assertEquals("API key not recognized", e.getMessage());
        }
        assertEquals(0, service.calls());
    }

}
