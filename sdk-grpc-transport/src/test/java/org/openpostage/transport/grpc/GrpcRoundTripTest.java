package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * Every operation through the SDK client and the server binding over real TLS on loopback: what
 * the client returns must equal what the service returned, and what the service received must
 * equal what the client sent, context included.
 */
class GrpcRoundTripTest {
    private static GrpcTestServer server;
    private static PostalClient client;
    private static PostalClient liveClient;

    @BeforeAll
    static void start() {
        server = GrpcTestServer.start();
        client = server.client();
        liveClient = PostalClients.connect(server.config().apiKey(TestAuthenticator.LIVE_KEY).build());
    }

    @AfterAll
    static void stop() {
        client.close();
        liveClient.close();
        server.close();
    }

    @Test
    void theEndpointSchemeSelectsTheGrpcTransport() {
        assertTrue(server.endpoint().startsWith("grpcs://"));
        assertEquals("PipelinedPostalClient", client.getClass().getSimpleName());
        assertEquals(server.endpoint(), client.config().endpoint().toString());
    }

    @Test
    void quoteRoundTripsWithAndWithoutOptionalFields() {
        RateQuote letter = client.quote(Fixtures.quote(Fixtures.letter()));
        assertEquals(server.service.lastResult(), letter);
        assertNotNull(letter.piece().dimensions());
        RateQuote parcel = client.quote(Fixtures.quote(Fixtures.parcel()));
        assertEquals(server.service.lastResult(), parcel);
        assertNull(parcel.piece().destination());
        assertEquals(Money.of(620, "USD"), parcel.price());
        // a quote without a date gets the server's today
        RateQuote today = client.quote(QuoteRequest.of(Fixtures.parcel()));
        assertNotNull(today.dateOfMailing());
    }

    @Test
    void purchaseByCardWithImagesRoundTripsAndReplaysWithoutASecondDebit() {
        PurchaseRequest request = Fixtures.purchase(3, Fixtures.card(),
                PrintOptions.png(600).withBackground(InMemoryPostalService.BACKGROUND_ID)).withMeter(
                InMemoryPostalService.TEST_METER);
        CallContext context = CallContext.withKey("order-" + UUID.randomUUID());
        int debitsBefore = server.service.ledger().debits();

        Purchase purchase = client.purchase(request, context);

        assertEquals(server.service.lastResult(), purchase);
        assertEquals(3, purchase.indicia().size());
        assertEquals(request.total(), purchase.total());
        assertEquals(PaymentKind.CARD, purchase.payment().kind());
        assertEquals("1111", purchase.payment().cardLast4());
        assertEquals(Mode.TEST, purchase.mode());
        for (Indicium indicium : purchase.indicia()) {
            assertEquals(OutputFormat.PNG, indicium.image().format());
            assertEquals(600, indicium.image().dpi());
            assertTrue(indicium.decode().data().testMode());
        }
        assertEquals(debitsBefore + 3, server.service.ledger().debits());

        Purchase replay = client.purchase(request, context);
        assertEquals(purchase, replay);
        assertEquals(debitsBefore + 3, server.service.ledger().debits());
    }

    @Test
    void theServiceReceivesTheClientsContext() {
        Instant deadline = Instant.now().plusSeconds(20);
        CallContext context = new CallContext("order-42-" + UUID.randomUUID(), deadline, "req-" + UUID.randomUUID(),
                null);
        client.purchase(Fixtures.oneLetter(), context);

        CallContext seen = server.service.lastContext();
        assertEquals(context.idempotencyKey(), seen.idempotencyKey());
        assertEquals(context.requestId(), seen.requestId());
        assertTrue(Duration.between(seen.deadline(), deadline).abs().toMillis() < 2_000,
                "deadline " + seen.deadline() + " vs " + deadline);
        assertEquals(InMemoryPostalService.PARTNER, seen.caller().partnerId());
        assertEquals(Mode.TEST, seen.caller().mode());
        assertEquals("key-test-1", seen.caller().credentialId());
        assertEquals(TestAuthenticator.TEST_KEY, server.authenticator.seen().get(
                server.authenticator.seen().size() - 1).apiKey());
    }

    @Test
    void mutatingCallsWithoutAKeyGetAFreshOneAndReadsGetNone() {
        client.purchase(Fixtures.oneLetter());
        String first = server.service.lastContext().idempotencyKey();
        client.purchase(Fixtures.oneLetter());
        String second = server.service.lastContext().idempotencyKey();
        assertNotNull(first);
        assertNotEquals(first, second);
        client.backgrounds();
        assertNull(server.service.lastContext().idempotencyKey());
        assertNotNull(server.service.lastContext().requestId(), "the server assigns a request id");
        assertNotNull(server.service.lastContext().deadline(), "the client's request timeout travels as deadline");
    }

    @Test
    void batchReportsEachEntryInOrder() {
        PurchaseItem letter = Fixtures.item(Fixtures.letter());
        PurchaseItem stalePrice = new PurchaseItem(Fixtures.letter(), Money.of(1, "USD"), Fixtures.mailingDay());
        BatchPurchaseRequest batch = new BatchPurchaseRequest(List.of(
                new BatchEntry("order-1", PurchaseRequest.of(List.of(letter, letter), PaymentMethod.account())),
                new BatchEntry("order-2", PurchaseRequest.of(List.of(letter), Fixtures.declinedCard())),
                new BatchEntry("order-3", PurchaseRequest.of(List.of(stalePrice), PaymentMethod.account()))));

        BatchPurchaseResult result = client.purchaseBatch(batch);

        assertEquals(server.service.lastResult(), result);
        assertEquals(List.of("order-1", "order-2", "order-3"),
                result.results().stream().map(r -> r.reference()).toList());
        assertEquals(2, result.results().get(0).purchase().indicia().size());
        assertEquals(ErrorCode.PAYMENT_DECLINED, result.results().get(1).error().code());
        assertEquals(ErrorCode.PRICE_CHANGED, result.results().get(2).error().code());
    }

    @Test
    void refundRoundTripsOnceAndThenIsRefused() {
        Purchase purchase = client.purchase(Fixtures.oneLetter());
        String indiciumId = purchase.indicia().get(0).indiciumId();

        Refund refund = client.refund(new RefundRequest(indiciumId));

        assertEquals(server.service.lastResult(), refund);
        assertEquals(indiciumId, refund.indiciumId());
        assertEquals(PaymentKind.ACCOUNT, refund.creditedTo());
        RefundNotAllowedException again = assertThrows(RefundNotAllowedException.class,
                () -> client.refund(new RefundRequest(indiciumId)));
        assertEquals(ErrorCode.REFUND_NOT_ALLOWED, again.code());
        assertNotNull(again.requestId());
        assertThrows(NotFoundException.class, () -> client.refund(new RefundRequest("ind-no-such")));
    }

    @Test
    void readOnlyOperationsRoundTrip() {
        AccountStatement statement = client.accountStatement();
        assertEquals(server.service.lastResult(), statement);
        assertEquals(Mode.TEST, statement.mode());
        assertEquals(List.of(InMemoryPostalService.TEST_METER),
                statement.meters().stream().map(m -> m.meterId()).toList());

        assertEquals(server.service.catalogue(), client.backgrounds());
        VerificationKeySet keys = client.verificationKeys();
        assertEquals(server.service.lastResult(), keys);
        assertEquals(server.service.lastResult(), keys);
        var component = client.printComponent();
        assertEquals(server.service.lastResult(), component);
    }

    @Test
    void verifyReportsValidThenDuplicateAndMalformedBytesAsMalformedIndicium() {
        Purchase live = liveClient.purchase(Fixtures.oneLetter());
        Bytes data = live.indicia().get(0).data();
        assertEquals(SignatureCheck.VALID, live.indicia().get(0).decode().verify(liveClient.verificationKeys()));

        VerificationResult first = liveClient.verify(new VerifyRequest(data));
        assertEquals(server.service.lastResult(), first);
        assertEquals(Verdict.VALID, first.verdict());
        assertEquals(live.indicia().get(0).decode().data(), first.indicium());
        VerificationResult second = liveClient.verify(new VerifyRequest(data));
        assertEquals(Verdict.DUPLICATE, second.verdict());
        assertEquals(1, second.previousScans());

        byte[] broken = data.toArray();
        broken[36] = 13; // month 13
        IndiciumFormatException e = assertThrows(IndiciumFormatException.class,
                () -> liveClient.verify(new VerifyRequest(Bytes.of(broken))));
        assertEquals(ErrorCode.MALFORMED_INDICIUM, e.code());
        assertTrue(e.getMessage().contains("byte 36"), e.getMessage());
    }

    @Test
    void fiveHundredIndiciaWithImagesFitInOneResponse() {
        server.service.imageBytes(20_000);
        try {
            Purchase purchase = client.purchase(Fixtures.purchase(500, Fixtures.card(), PrintOptions.png(300)));
            assertEquals(500, purchase.indicia().size());
            assertEquals(20_000, purchase.indicia().get(499).image().content().size());
            assertEquals(server.service.lastResult(), purchase);
        } finally {
            server.service.imageBytes(64);
        }
    }

    @Test
    void theRequestIdIsEchoedInResponseHeadersAndGeneratedWhenAbsent() {
        ManagedChannel channel = server.rawChannel();
        try {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            Metadata sent = new Metadata();
            sent.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), TestAuthenticator.TEST_KEY);
            sent.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-echo-1");
            var stub = PostalServiceGrpc.newBlockingStub(channel).withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(sent),
                    MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
            stub.listBackgrounds(V1.ListBackgroundsRequest.getDefaultInstance());
            assertEquals("req-echo-1", headers.get().get(Metadata.Key.of("x-request-id",
                    Metadata.ASCII_STRING_MARSHALLER)));
            assertEquals("req-echo-1", server.service.lastContext().requestId());

            Metadata keyOnly = new Metadata();
            keyOnly.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), TestAuthenticator.TEST_KEY);
            PostalServiceGrpc.newBlockingStub(channel).withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(keyOnly),
                    MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                    .listBackgrounds(V1.ListBackgroundsRequest.getDefaultInstance());
            String generated = headers.get().get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER));
            assertEquals(UUID.fromString(generated).toString(), generated);
            assertEquals(generated, server.service.lastContext().requestId());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aCallWithoutDeadlineReachesTheServiceWithTheServerDefault() {
        ManagedChannel channel = server.rawChannel();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), TestAuthenticator.TEST_KEY);
            headers.put(Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER), "raw-" + UUID.randomUUID());
            Instant start = Instant.now();
            V1.Purchase purchase = PostalServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .purchase(ProtoRequests.purchase(Fixtures.oneLetter()));
            assertEquals(1, purchase.getIndiciaCount());
            Duration given = Duration.between(start, server.service.lastContext().deadline());
            Duration expected = GrpcServerOptions.DEFAULT_DEADLINE;
            assertTrue(given.compareTo(expected) >= 0 && given.compareTo(expected.plusSeconds(2)) < 0,
                    "deadline " + given + " after the start");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void errorsCarryTheRequestIdTheServiceSaw() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> client.refund(new RefundRequest("ind-missing")));
        assertEquals(server.service.lastContext().requestId(), e.requestId());
        assertInstanceOf(String.class, e.requestId());
    }
}
