package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.transport.grpc.internal.GrpcErrors;
import org.openpostage.transport.grpc.internal.ProtoRequests;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * Every {@link ErrorCode} a service raises reaches the client as the same exception class, code,
 * message and request id, over the documented gRPC status with an ErrorInfo detail; unexpected
 * server failures become INTERNAL without leaking their details.
 */
class GrpcErrorMappingTest {
    /** The documented table (docs/protocol/grpc.md), written out independently of the code. */
    private static final Map<ErrorCode, Status.Code> DOCUMENTED = new EnumMap<>(Map.ofEntries(
            Map.entry(ErrorCode.INVALID_REQUEST, Status.Code.INVALID_ARGUMENT),
            Map.entry(ErrorCode.MALFORMED_INDICIUM, Status.Code.INVALID_ARGUMENT),
            Map.entry(ErrorCode.PRICE_CHANGED, Status.Code.FAILED_PRECONDITION),
            Map.entry(ErrorCode.UNAUTHENTICATED, Status.Code.UNAUTHENTICATED),
            Map.entry(ErrorCode.PERMISSION_DENIED, Status.Code.PERMISSION_DENIED),
            Map.entry(ErrorCode.PAYMENT_DECLINED, Status.Code.FAILED_PRECONDITION),
            Map.entry(ErrorCode.INSUFFICIENT_FUNDS, Status.Code.FAILED_PRECONDITION),
            Map.entry(ErrorCode.PAYMENT_PENDING, Status.Code.ABORTED),
            Map.entry(ErrorCode.IDEMPOTENCY_KEY_REUSED, Status.Code.ALREADY_EXISTS),
            Map.entry(ErrorCode.REQUEST_IN_PROGRESS, Status.Code.ABORTED),
            Map.entry(ErrorCode.NOT_FOUND, Status.Code.NOT_FOUND),
            Map.entry(ErrorCode.REFUND_NOT_ALLOWED, Status.Code.FAILED_PRECONDITION),
            Map.entry(ErrorCode.RATE_LIMITED, Status.Code.RESOURCE_EXHAUSTED),
            Map.entry(ErrorCode.SERVICE_UNAVAILABLE, Status.Code.UNAVAILABLE),
            Map.entry(ErrorCode.DEADLINE_EXCEEDED, Status.Code.DEADLINE_EXCEEDED),
            Map.entry(ErrorCode.INVALID_CONFIGURATION, Status.Code.INTERNAL),
            Map.entry(ErrorCode.INTERNAL, Status.Code.INTERNAL)));

    private static GrpcTestServer server;
    private static PostalClient client;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        server = GrpcTestServer.start();
        client = PostalClients.connect(server.config().retryPolicy(RetryPolicy.none()).build());
        channel = server.rawChannel();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        client.close();
        server.close();
    }

    @AfterEach
    void noMoneyMoved() {
        assertEquals(0, server.service.ledger().debits());
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = "INVALID_CONFIGURATION", mode = EnumSource.Mode.EXCLUDE)
    void everyCodeReachesTheClientAsItsException(ErrorCode code) {
        server.service.failNext("quote", 1, () -> code.toException("simulated " + code, null));

        PostageException e = assertThrows(PostageException.class, () -> client.quote(Fixtures.quote(Fixtures.letter())));

        assertSame(code.toException("x", null).getClass(), e.getClass());
        assertEquals(code, e.code());
        assertEquals("simulated " + code, e.getMessage());
        assertEquals(code.retryable(), e.retryable());
        assertEquals(server.service.lastContext().requestId(), e.requestId());
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = "INVALID_CONFIGURATION", mode = EnumSource.Mode.EXCLUDE)
    void everyCodeTravelsAsTheDocumentedStatusWithAnErrorInfo(ErrorCode code) {
        server.service.failNext("quote", 1, () -> code.toException("simulated " + code, null));

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub()
                .quote(ProtoRequests.quote(Fixtures.quote(Fixtures.letter()))));

        assertEquals(DOCUMENTED.get(code), e.getStatus().getCode());
        assertEquals("simulated " + code, e.getStatus().getDescription());
        V1.ErrorInfo info = GrpcErrors.errorInfo(e.getStatus(), e.getTrailers());
        assertNotNull(info, "ErrorInfo detail");
        assertEquals(code.name(), info.getCode());
        assertEquals("simulated " + code, info.getMessage());
        assertEquals(code.retryable(), info.getRetryable());
        assertEquals(server.service.lastContext().requestId(), info.getRequestId());
    }

    @Test
    void theCodeTableMatchesTheDocumentation() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(DOCUMENTED.get(code), GrpcErrors.statusCode(code), code.name());
        }
    }

    @Test
    void unexpectedFailuresBecomeInternalWithoutTheirDetails() {
        server.service.failNext("quote", 1, () -> new IllegalStateException("db password=hunter2 at Pool.java:42"));

        PostageException e = assertThrows(PostageException.class, () -> client.quote(Fixtures.quote(Fixtures.letter())));

        assertEquals(ErrorCode.INTERNAL, e.code());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("Pool.java"), e.getMessage());
        assertTrue(e.getMessage().contains(e.requestId()), "names the request id to look up in the log");
    }

    @Test
    void aClientSideCodeRaisedByAServiceIsTreatedAsAnInternalError() {
        server.service.failNext("quote", 1, () -> ErrorCode.INVALID_CONFIGURATION.toException("bad trust store", null));

        PostageException e = assertThrows(PostageException.class, () -> client.quote(Fixtures.quote(Fixtures.letter())));

        assertEquals(ErrorCode.INTERNAL, e.code());
        assertFalse(e.getMessage().contains("trust store"));
    }

    @Test
    void missingOrUnknownCredentialsAreRefusedBeforeTheService() {
        int before = server.service.calls("quote");
        try (PostalClient anonymous = PostalClients.connect(server.config().apiKey(null).build());
             PostalClient wrongKey = PostalClients.connect(server.config().apiKey("opk_test_guess").build())) {
            AuthenticationException none = assertThrows(AuthenticationException.class,
                    () -> anonymous.quote(Fixtures.quote(Fixtures.letter())));
            assertTrue(none.getMessage().contains("no credentials"), none.getMessage());
            assertNotNull(none.requestId());
            AuthenticationException wrong = assertThrows(AuthenticationException.class,
                    () -> wrongKey.purchase(Fixtures.oneLetter()));
            assertEquals("API key not recognized", wrong.getMessage());
        }
        assertEquals(before, server.service.calls("quote"));
        assertEquals(0, server.service.mutatingCalls());
    }

    @Test
    void anUnusableIdempotencyKeyIsAnInvalidArgument() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER), "k".repeat(300));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .purchase(ProtoRequests.purchase(Fixtures.oneLetter())));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("idempotency-key"), e.getStatus().getDescription());
        assertEquals(0, server.service.mutatingCalls());
    }

    @Test
    void statusesWithoutErrorInfoMapToTheClosestCode() {
        Map<Status.Code, ErrorCode> expected = Map.of(
                Status.Code.UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE,
                Status.Code.DEADLINE_EXCEEDED, ErrorCode.DEADLINE_EXCEEDED,
                Status.Code.RESOURCE_EXHAUSTED, ErrorCode.INVALID_REQUEST,
                Status.Code.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED,
                Status.Code.UNIMPLEMENTED, ErrorCode.INTERNAL,
                Status.Code.ALREADY_EXISTS, ErrorCode.IDEMPOTENCY_KEY_REUSED,
                Status.Code.ABORTED, ErrorCode.REQUEST_IN_PROGRESS);
        expected.forEach((status, code) -> {
            Metadata trailers = new Metadata();
            trailers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-7");
            PostageException e = GrpcErrors.toPostageException(status.toStatus().withDescription("from a proxy"),
                    trailers);
            assertEquals(code, e.code(), status.name());
            assertEquals("req-7", e.requestId());
            assertTrue(e.getMessage().contains(status.name()) && e.getMessage().contains("from a proxy"));
        });
    }

    @Test
    void aCodeFromANewerServerBecomesInternal() {
        var e = GrpcErrors.toStatusException(ErrorCode.NOT_FOUND, "gone", "req-1");
        var status = com.google.rpc.Status.newBuilder().setCode(Status.Code.FAILED_PRECONDITION.value())
                .setMessage("new rule").addDetails(Any.pack(V1.ErrorInfo.newBuilder()
                        .setCode("SOMETHING_NEW").setMessage("new rule").setRequestId("req-2").build())).build();
        var sre = StatusProto.toStatusRuntimeException(status);
        PostageException mapped = GrpcErrors.toPostageException(sre.getStatus(), sre.getTrailers());
        assertEquals(ErrorCode.INTERNAL, mapped.code());
        assertEquals("new rule", mapped.getMessage());
        assertEquals("req-2", mapped.requestId());
        assertEquals(ErrorCode.NOT_FOUND, GrpcErrors.toPostageException(e.getStatus(), e.getTrailers()).code());
    }

    private static PostalServiceGrpc.PostalServiceBlockingStub stub() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), TestAuthenticator.TEST_KEY);
        return PostalServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
