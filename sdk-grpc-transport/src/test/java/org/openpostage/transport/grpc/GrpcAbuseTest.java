package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.RateLimitedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * What a hostile or broken client can do, and what it gets: none of it reaches the service's
 * mutating methods or changes the ledger.
 */
class GrpcAbuseTest {
    private final TestPki pki = TestPki.get();

    @Test
    void anOversizeMessageGetsResourceExhausted() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.maxInboundMessageSize(64 * 1024))) {
            InMemoryPostalService.Ledger before = server.service.ledger();
            // a valid batch of 1000 entries is well over 64 KiB
            List<BatchEntry> entries = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                entries.add(new BatchEntry("order-" + i, PurchaseRequest.of(List.of(Fixtures.item(Fixtures.letter())),
                        Fixtures.card())));
            }
            BatchPurchaseRequest batch = new BatchPurchaseRequest(entries);
            assertTrue(ProtoRequests.batch(batch).getSerializedSize() > 64 * 1024);

            try (PostalClient client = server.client()) {
                PostageException e = assertThrows(PostageException.class, () -> client.purchaseBatch(batch));
                assertEquals(ErrorCode.INVALID_REQUEST, e.code(), "not retryable: " + e);
                assertTrue(e.getMessage().contains("RESOURCE_EXHAUSTED"), e.getMessage());
            }
            ManagedChannel channel = server.rawChannel();
            try {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> raw(channel, "PurchaseBatch", ProtoRequests.batch(batch).toByteArray()));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            } finally {
                channel.shutdownNow();
            }
            assertEquals(0, server.service.mutatingCalls());
            assertEquals(before, server.service.ledger());
        }
    }

    @Test
    void aClientWithoutTheRequiredCertificateFailsTheHandshake() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.clientAuth(GrpcServerOptions.ClientAuth.REQUIRE,
                pki.caPem));
             PostalClient client = PostalClients.connect(server.config().retryPolicy(RetryPolicy.none()).build())) {
            InMemoryPostalService.Ledger before = server.service.ledger();

            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> client.purchase(Fixtures.oneLetter()));

            assertTrue(e.getMessage().toLowerCase().contains("certificate_required"), e.getMessage());
            assertEquals(0, server.authenticator.seen().size(), "no call got past the handshake");
            assertEquals(0, server.service.mutatingCalls());
            assertEquals(before, server.service.ledger());
        }
    }

    @Test
    void aCallWithoutDeadlineIsCutAtTheServerDefault() {
        Duration defaultDeadline = Duration.ofMillis(300);
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.defaultDeadline(defaultDeadline))) {
            InMemoryPostalService.Ledger before = server.service.ledger();
            server.service.hold("quote"); // the service would take 10 s
            ManagedChannel channel = server.rawChannel();
            try {
                Instant start = Instant.now();
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub(channel)
                        .quote(ProtoRequests.quote(Fixtures.quote(Fixtures.letter())))); // no deadline set
                Duration took = Duration.between(start, Instant.now());

                assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
                assertEquals(ErrorCode.DEADLINE_EXCEEDED.name(),
                        GrpcErrors.errorInfo(e.getStatus(), e.getTrailers()).getCode());
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "cut after " + took);
                Instant seen = server.service.lastContext().deadline();
                assertNotNull(seen, "the service received the default deadline");
                Duration given = Duration.between(start, seen);
                assertTrue(given.compareTo(Duration.ofMillis(200)) > 0 && given.compareTo(Duration.ofSeconds(2)) < 0,
                        "deadline " + given + " after the start");
            } finally {
                server.service.open("quote");
                channel.shutdownNow();
            }
            assertEquals(0, server.service.mutatingCalls());
            assertEquals(before, server.service.ledger());
        }
    }

    @Test
    void malformedProtobufBytesGetInvalidArgument() {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            InMemoryPostalService.Ledger before = server.service.ledger();
            ManagedChannel channel = server.rawChannel();
            try {
                byte[][] garbage = {
                        {0x0a, 0x05, 0x01},                 // field 1, length 5, one byte present
                        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                        {0x0a, (byte) 0x80},                // truncated varint length
                };
                for (byte[] bytes : garbage) {
                    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                            () -> raw(channel, "Purchase", bytes));
                    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                    V1.ErrorInfo info = GrpcErrors.errorInfo(e.getStatus(), e.getTrailers());
                    assertEquals(ErrorCode.INVALID_REQUEST.name(), info.getCode());
                    assertTrue(info.getMessage().startsWith("the request is not a valid Purchase request message"),
                            info.getMessage());
                }
                // well-formed protobuf, but not a valid purchase: the field is named
                StatusRuntimeException empty = assertThrows(StatusRuntimeException.class,
                        () -> raw(channel, "Purchase", V1.PurchaseRequest.newBuilder()
                                .setPayment(V1.PaymentMethod.newBuilder().setAccount(V1.AccountPayment.getDefaultInstance()))
                                .build().toByteArray()));
                assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
                assertTrue(empty.getStatus().getDescription().startsWith("items must have 1 to 500 entries"),
                        empty.getStatus().getDescription());
            } finally {
                channel.shutdownNow();
            }
            assertEquals(0, server.service.mutatingCalls());
            assertEquals(before, server.service.ledger());
        }
    }

    @Test
    void callsOverTheConcurrencyLimitGetResourceExhausted() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.maxConcurrentCalls(2));
             PostalClient client = PostalClients.connect(server.config().retryPolicy(RetryPolicy.none()).build())) {
            InMemoryPostalService.Ledger before = server.service.ledger();
            server.service.hold("quote");
            List<CompletableFuture<RateQuote>> running = List.of(
                    CompletableFuture.supplyAsync(() -> client.quote(Fixtures.quote(Fixtures.letter()))),
                    CompletableFuture.supplyAsync(() -> client.quote(Fixtures.quote(Fixtures.parcel()))));
            Waiting.forHeldCalls(server.service, 2);

            RateLimitedException e = assertThrows(RateLimitedException.class, () -> client.purchase(Fixtures.oneLetter()));
            assertEquals(ErrorCode.RATE_LIMITED, e.code());
            assertTrue(e.retryable());
            ManagedChannel channel = server.rawChannel();
            try {
                StatusRuntimeException raw = assertThrows(StatusRuntimeException.class, () -> stub(channel)
                        .quote(ProtoRequests.quote(Fixtures.quote(Fixtures.letter()))));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, raw.getStatus().getCode());
            } finally {
                channel.shutdownNow();
            }

            server.service.open("quote");
            for (CompletableFuture<RateQuote> call : running) {
                assertNotNull(call.get(5, TimeUnit.SECONDS));
            }
            // the permits came back (each just after its call's answer went out)
            Waiting.forAPermit(() -> client.quote(Fixtures.quote(Fixtures.letter())));
            Waiting.forAPermit(() -> client.quote(Fixtures.quote(Fixtures.letter())));
            assertEquals(0, server.service.mutatingCalls());
            assertEquals(before, server.service.ledger());
        }
    }

    // --- helpers ---

    private static PostalServiceGrpc.PostalServiceBlockingStub stub(ManagedChannel channel) {
        return PostalServiceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(apiKey()));
    }

    private static Metadata apiKey() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), TestAuthenticator.TEST_KEY);
        headers.put(Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER), UUID.randomUUID().toString());
        return headers;
    }

    /** Sends {@code body} as is to method {@code rpc}, with a hand-made descriptor and a bytes marshaller. */
    private static byte[] raw(ManagedChannel channel, String rpc, byte[] body) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(PostalServiceGrpc.SERVICE_NAME, rpc))
                .setRequestMarshaller(BytesMarshaller.INSTANCE)
                .setResponseMarshaller(BytesMarshaller.INSTANCE)
                .build();
        return ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(apiKey())), method,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body);
    }

    private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
