package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.server.config.ServerConfig;

/**
 * Health you can route on: {@code GET /health} and the gRPC health service answer within one
 * second whatever the database does, here a PostgreSQL that stops answering without closing its
 * connections (a frozen proxy in front of it), and they say NOT_SERVING within seconds, then
 * SERVING again once it answers. Before, {@code /health} asked the database on the request's thread
 * through the pool and took as long as the database let it (2 s and more).
 */
class HealthTimingTest {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final long ONE_SECOND = 1_000;

    @Test
    void healthAnswersWithinASecondWhateverTheDatabaseDoes(@TempDir Path dir) throws Exception {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(PG, "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            Assumptions.abort("PostgreSQL does not answer on 127.0.0.1:5432: " + e.getMessage());
        }
        try (FreezingProxy proxy = new FreezingProxy(new InetSocketAddress("127.0.0.1", 5432));
             PostalServerApp app = TestApps.start(dir, b -> b.server(ServerConfig.builder().dataDir(dir)
                     .jdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + schema)
                     .jdbcUser("postgres").backgroundTasks(false).build()))) {
            HttpClient http = HttpClient.newBuilder().sslContext(TestApps.clientTrusting(app.caCertificate()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create(app.xmlEndpoint() + "/health"))
                    .timeout(Duration.ofSeconds(10)).build();
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", app.grpcEndpoint().getPort(),
                    TlsChannelCredentials.newBuilder().trustManager(app.caCertificate().toFile()).build()).build();
            try {
                HealthGrpc.HealthBlockingStub grpc = HealthGrpc.newBlockingStub(channel);
                assertEquals(200, timed(http, health).statusCode());
                assertEquals(ServingStatus.SERVING, grpc.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus());

                proxy.freeze();
                boolean notServing = false;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
                while (System.nanoTime() < end) {
                    HttpResponse<String> r = timed(http, health);
                    notServing |= r.statusCode() == 503;
                    long start = System.nanoTime();
                    ServingStatus g = grpc.withDeadlineAfter(ONE_SECOND, TimeUnit.MILLISECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
                    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(ONE_SECOND), "gRPC health");
                    if (notServing && g == ServingStatus.NOT_SERVING) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertTrue(notServing, "/health says 503 NOT_SERVING within seconds of the database stopping");
                assertEquals(ServingStatus.NOT_SERVING, grpc.withDeadlineAfter(ONE_SECOND, TimeUnit.MILLISECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus());

                proxy.thaw();
                int status = 0;
                end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (status != 200 && System.nanoTime() < end) {
                    status = timed(http, health).statusCode();
                    Thread.sleep(200);
                }
                assertEquals(200, status, "SERVING again once the database answers");
            } finally {
                channel.shutdownNow();
            }
        } finally {
            try (Connection c = DriverManager.getConnection(PG, "postgres", null); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** GET /health, failing the test if it takes a second or more. */
    private static HttpResponse<String> timed(HttpClient http, HttpRequest health) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < ONE_SECOND, "/health answered " + r.statusCode() + " after " + millis + " ms");
        return r;
    }
}
