package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /health} on the HTTPS port answers SERVING while the database answers, 503 once it does not. */
class HealthTest {
    @Test
    void healthFollowsTheDatabase(@TempDir Path dir) throws Exception {
        try (PostalServerApp app = TestApps.start(dir)) {
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(app.caCertificate())).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create(app.xmlEndpoint() + "/health")).build();
            HttpResponse<String> up = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode());
            assertEquals("SERVING", up.body().strip());

            app.core().close(); // the connection pool is gone: this node can no longer serve
            HttpResponse<String> down = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, down.statusCode());
            assertEquals("NOT_SERVING", down.body().strip());
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }
}
