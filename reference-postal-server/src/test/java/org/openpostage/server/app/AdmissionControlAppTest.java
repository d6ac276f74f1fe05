package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.PostalClient;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.server.config.AppConfig;

/**
 * {@code xml.max-concurrent-requests} reaches the XML port: with its one permit held by a request
 * whose body is still arriving, the next request is answered 503 with {@code Retry-After}, and
 * once the first one is done requests are served again.
 */
class AdmissionControlAppTest {
    @TempDir
    Path dir;

    @Test
    void theXmlPortRefusesWhatIsBeyondItsLimit() throws Exception {
        try (PostalServerApp app = TestApps.start(dir, b -> b.xmlMaxConcurrentRequests(1))) {
            TestApps.Partner partner = TestApps.partner(app.core(), "acme", 10_000);
            SSLContext tls = TestApps.clientTrusting(app.caCertificate());
            HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
            HttpRequest account = HttpRequest.newBuilder(app.xmlEndpoint().resolve("/v1/account"))
                    .header("X-Api-Key", partner.testKey()).build();
            try (SSLSocket slow = (SSLSocket) tls.getSocketFactory().createSocket("localhost",
                    app.xmlEndpoint().getPort())) {
                OutputStream out = slow.getOutputStream();
                out.write(("POST /v1/quote HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: " + partner.testKey()
                        + "\r\nContent-Type: application/xml\r\nContent-Length: 500\r\n\r\n<?xml version=\"1.0\"?>")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();

                HttpResponse<String> refused = null;
                for (int attempt = 0; attempt < 100; attempt++) { // until the slow request holds the permit
                    refused = http.send(account, HttpResponse.BodyHandlers.ofString());
                    if (refused.statusCode() == 503) {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
                assertTrue(refused.body().contains("<code>SERVICE_UNAVAILABLE</code>")
                        && refused.body().contains("limit of 1 concurrent requests"), refused.body());
            }
            HttpResponse<String> served = null;
            for (int attempt = 0; attempt < 100; attempt++) { // the closed connection gives its permit back
                served = http.send(account, HttpResponse.BodyHandlers.ofString());
                if (served.statusCode() == 200) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals(200, served.statusCode(), served.body());
            try (PostalClient client = TestApps.client(app, app.grpcEndpoint(), partner.testKey())) {
                assertTrue(!client.accountStatement().meters().isEmpty(), "the gRPC port has its own limit");
            }
        }
    }

    @Test
    void theLimitsAreSettings() {
        AppConfig config = AppConfig.fromProperties(Map.of("xml.max-concurrent-requests", "64",
                "grpc.max-concurrent-calls", "32"));
        assertEquals(64, config.xmlMaxConcurrentRequests());
        assertEquals(32, config.grpcMaxConcurrentCalls());
        assertEquals(200, AppConfig.fromProperties(Map.of()).xmlMaxConcurrentRequests());
        assertEquals(256, AppConfig.fromProperties(Map.of()).grpcMaxConcurrentCalls());
        assertEquals("xml.max-concurrent-requests must be at least 1, was 0", assertThrows(ConfigurationException.class,
                () -> AppConfig.fromProperties(Map.of("xml.max-concurrent-requests", "0"))).getMessage());
        assertEquals("grpc.max-concurrent-calls = 'many' cannot be used: expected a whole number, at least 1",
                assertThrows(ConfigurationException.class,
                        () -> AppConfig.fromProperties(Map.of("grpc.max-concurrent-calls", "many"))).getMessage());
    }
}
