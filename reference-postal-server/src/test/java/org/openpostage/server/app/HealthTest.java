package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both endpoints' health follows the database: {@code GET /health} on the HTTPS port answers
 * SERVING while it answers and 503 once it does not, and the gRPC port's standard health service
 * turns NOT_SERVING.
 */
class HealthTest {
    @Test
    void healthFollowsTheDatabase(@TempDir Path dir) throws Exception {
        try (PostalServerApp app = TestApps.start(dir)) {
            HttpClient http = HttpClient.newBuilder().sslContext(TestApps.clientTrusting(app.caCertificate())).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create(app.xmlEndpoint() + "/health")).build();
            HttpResponse<String> up = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode());
            assertEquals("SERVING", up.body().strip());
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", app.grpcEndpoint().getPort(),
                    TlsChannelCredentials.newBuilder().trustManager(app.caCertificate().toFile()).build()).build();
            try {
                HealthGrpc.HealthBlockingStub grpcHealth = HealthGrpc.newBlockingStub(channel);
                HealthCheckRequest all = HealthCheckRequest.getDefaultInstance();
                app.refreshHealth();
                assertEquals(ServingStatus.SERVING, grpcHealth.check(all).getStatus());

                app.core().close(); // the connection pool is gone: this node can no longer serve
                HttpResponse<String> down = http.send(health, HttpResponse.BodyHandlers.ofString());
                assertEquals(503, down.statusCode());
                assertEquals("NOT_SERVING", down.body().strip());
                app.refreshHealth(); // what the app's timer does every few seconds
                assertEquals(ServingStatus.NOT_SERVING, grpcHealth.check(all).getStatus());
                assertEquals(ServingStatus.NOT_SERVING, grpcHealth.check(HealthCheckRequest.newBuilder()
                        .setService("openpostage.v1.PostalService").build()).getStatus());
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
