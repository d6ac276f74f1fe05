package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.openpostage.transport.grpc.internal.Headers;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.proto.V1;

/** The protocol's rules hold for any gRPC client, as over XML (issue 11's black-box findings). */
class GrpcProtocolRulesTest {

    private static PostalServiceGrpc.PostalServiceBlockingStub stub(ManagedChannel channel, Metadata headers) {
        return PostalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Metadata apiKey() {
        Metadata m = new Metadata();
        m.put(Headers.API_KEY, TestAuthenticator.TEST_KEY);
        return m;
    }

    @Test
    void purchasesBatchesAndRefundsWithoutAnIdempotencyKeyAreRefusedAndChargeNothing() {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            ManagedChannel channel = server.rawChannel();
            try {
                var stub = stub(channel, apiKey());
                List<Runnable> calls = List.of(
                        () -> stub.purchase(ProtoRequests.purchase(Fixtures.oneLetter())),
                        () -> stub.purchaseBatch(ProtoRequests.batch(new BatchPurchaseRequest(
                                List.of(new BatchEntry("order-1", Fixtures.oneLetter()))))),
                        () -> stub.refund(ProtoRequests.refund(new RefundRequest("ind-1"))));
                for (Runnable call : calls) {
                    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
                    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                    V1.ErrorInfo info = GrpcErrors.errorInfo(e.getStatus(), e.getTrailers());
                    assertNotNull(info);
                    assertEquals("INVALID_REQUEST", info.getCode());
                    assertTrue(info.getMessage().contains("idempotency-key"), info.getMessage());
                }
            } finally {
                channel.shutdownNow();
            }
            assertEquals(0, server.service.mutatingCalls(), "nothing reached the service");
            assertEquals(0, server.service.ledger().debits());
        }
    }

    @Test
    void anInvalidRequestIdIsReplacedByAGeneratedOneAndTheCallProceeds() {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            ManagedChannel channel = server.rawChannel();
            try {
                Metadata headers = apiKey();
                headers.put(Headers.REQUEST_ID, "x".repeat(300));
                AtomicReference<Metadata> answered = new AtomicReference<>();
                var stub = stub(channel, headers).withInterceptors(
                        MetadataUtils.newCaptureMetadataInterceptor(answered, new AtomicReference<>()));
                stub.listBackgrounds(V1.ListBackgroundsRequest.getDefaultInstance());
                String id = answered.get().get(Headers.REQUEST_ID);
                assertNotNull(id);
                assertNotEquals("x".repeat(300), id);
                assertEquals(id, server.service.lastContext().requestId());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void reflectionIsAlsoOfferedAsV1alphaForOlderTools() {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            List<String> names = server.binding.services().stream()
                    .map(s -> s.getServiceDescriptor().getName()).toList();
            assertTrue(names.containsAll(List.of("grpc.reflection.v1.ServerReflection",
                    "grpc.reflection.v1alpha.ServerReflection")), names.toString());
        }
    }

    @Test
    void oversizeMetadataIsAnInvalidRequestNotUnknown() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.maxInboundMetadataSize(2048));
             PostalClient client = PostalClients.connect(server.config().apiKey("k".repeat(4096))
                     .retryPolicy(RetryPolicy.none()).build())) {
            PostageException e = assertThrows(PostageException.class, client::backgrounds);
            assertEquals(ErrorCode.INVALID_REQUEST, e.code(), e.toString());
            assertTrue(e.getMessage().contains("metadata"), e.getMessage());
        }
    }

    @Test
    void abuseOfTheConnectionIsLoggedInOneLineWithoutAStackTrace() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLoggerName() != null && record.getLoggerName().startsWith("io.grpc")) {
                    synchronized (records) {
                        records.add(record);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger grpc = Logger.getLogger("io.grpc");
        Level level = grpc.getLevel();
        grpc.setLevel(Level.ALL);
        grpc.addHandler(capture);
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.maxInboundMetadataSize(2048))) {
            // an HTTP/1.1 client on the TLS port, then oversize metadata from a gRPC client
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, server.pki.trustOnly().trustManagers(), null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", server.binding.port())) {
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                socket.setSoTimeout(3000);
                try {
                    while (in.read() != -1) {
                        // drain until the server closes
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            }
            try (PostalClient client = PostalClients.connect(server.config().apiKey("k".repeat(4096))
                    .retryPolicy(RetryPolicy.none()).build())) {
                assertThrows(PostageException.class, client::backgrounds);
            }
            CompletableFuture.runAsync(() -> { }).get();
            Thread.sleep(300);
        } finally {
            grpc.removeHandler(capture);
            grpc.setLevel(level);
        }
        synchronized (records) {
            for (LogRecord r : records) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                    assertEquals(null, r.getThrown(), "no stack trace: " + r.getLoggerName() + " " + r.getMessage());
                    assertFalse(String.valueOf(r.getMessage()).contains("\n"), "one line: " + r.getMessage());
                }
            }
        }
    }
}
