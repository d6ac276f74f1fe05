package org.openpostage.portal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS front for the postal server's XML endpoint that a test can break: it presents the
 * server's own development certificate, forwards every request, and, when told to, loses batch
 * purchases on the way there or their answers on the way back (the connection is closed without a
 * response, as a network failure would). Quotes and everything else always pass.
 */
final class FlakyFront implements AutoCloseable {
    /** What happens to a batch purchase. */
    enum Mode {
        /** Forwarded, answer returned. */
        PASS,
        /** Never reaches the postal server. */
        LOSE_REQUEST,
        /** Reaches the postal server, which carries it out; the answer is lost. */
        LOSE_ANSWER
    }

    private static final String BATCH_PATH = "/v1/purchase-batches";
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpsServer server;
    private final HttpClient upstream;
    private final URI target;
    private final AtomicInteger batchesForwarded = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;

    /** A front for {@code target} with the postal server's TLS files in {@code tlsDir}. */
    FlakyFront(URI target, Path tlsDir) throws Exception {
        this.target = target;
        char[] password = Files.readString(tlsDir.resolve("keystore.password"), StandardCharsets.US_ASCII).strip().toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tlsDir.resolve("server.p12"))) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(tlsDir.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
        upstream = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1).build();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint a portal is configured with. */
    URI endpoint() {
        return URI.create("https://localhost:" + server.getAddress().getPort());
    }

    /** From now on, batch purchases are treated so. */
    void mode(Mode mode) {
        this.mode = mode;
    }

    /** How many batch purchases reached the postal server through this front. */
    int batchesForwarded() {
        return batchesForwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        boolean batch = exchange.getRequestURI().getPath().equals(BATCH_PATH);
        Mode now = batch ? mode : Mode.PASS;
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (now == Mode.LOSE_REQUEST) {
            throw new IOException("batch lost on the way to the postal server"); // closes the connection, no answer
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (batch) {
            batchesForwarded.incrementAndGet();
        }
        if (now == Mode.LOSE_ANSWER) {
            throw new IOException("answer lost on the way back from the postal server");
        }
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
        exchange.getResponseBody().write(response.body());
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
