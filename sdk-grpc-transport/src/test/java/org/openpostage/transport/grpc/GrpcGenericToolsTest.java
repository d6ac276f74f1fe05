package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;

/** Generic gRPC tools can talk to the binding: the standard health service and server reflection. */
class GrpcGenericToolsTest {

    @Test
    void healthReportsServingWithoutCredentials() {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            ManagedChannel channel = server.rawChannel();
            try {
                var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
                assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
                assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                        .setService("openpostage.v1.PostalService").build()).getStatus());

                server.binding.health().setStatus(PostalServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
                assertEquals(ServingStatus.NOT_SERVING, health.check(HealthCheckRequest.newBuilder()
                        .setService("openpostage.v1.PostalService").build()).getStatus());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void reflectionListsTheServiceAndServesItsSchema() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start()) {
            ManagedChannel channel = server.rawChannel();
            try {
                ServerReflectionResponse list = reflect(channel, ServerReflectionRequest.newBuilder()
                        .setListServices("*").build());
                List<String> services = list.getListServicesResponse().getServiceList().stream()
                        .map(ServiceResponse::getName).toList();
                assertTrue(services.containsAll(List.of("openpostage.v1.PostalService", "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection")), services.toString());

                ServerReflectionResponse file = reflect(channel, ServerReflectionRequest.newBuilder()
                        .setFileContainingSymbol("openpostage.v1.PostalService").build());
                FileDescriptorProto schema = schema(file);
                assertEquals("openpostage/v1/postage.proto", schema.getName());
                assertEquals("openpostage.v1", schema.getPackage());
                assertEquals(List.of("Quote", "Purchase", "PurchaseBatch", "Refund", "GetAccountStatement",
                                "ListBackgrounds", "GetVerificationKeys", "GetPrintComponent", "Verify", "LookupPurchase", "ListPurchases", "ExportJournal"),
                        schema.getService(0).getMethodList().stream().map(m -> m.getName()).toList());
                assertTrue(schema.getMessageTypeList().stream().anyMatch(m -> m.getName().equals("ErrorInfo")));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void reflectionCanBeTurnedOff() {
        try (GrpcTestServer server = GrpcTestServer.start(o -> o.reflection(false))) {
            ManagedChannel channel = server.rawChannel();
            try {
                Exception e = assertThrows(Exception.class, () -> reflect(channel, ServerReflectionRequest.newBuilder()
                        .setListServices("*").build()));
                assertEquals(Status.Code.UNIMPLEMENTED, Status.fromThrowable(e).getCode());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static ServerReflectionResponse reflect(ManagedChannel channel, ServerReflectionRequest request)
            throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new StatusRuntimeException(Status.INTERNAL));
                    }
                });
        requests.onNext(request);
        try {
            return answer.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            requests.onCompleted();
        }
    }

    private static FileDescriptorProto schema(ServerReflectionResponse response) throws InvalidProtocolBufferException {
        for (var bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
            if (file.getPackage().equals("openpostage.v1")) {
                return file;
            }
        }
        throw new AssertionError("no openpostage.v1 file in the response");
    }
}
