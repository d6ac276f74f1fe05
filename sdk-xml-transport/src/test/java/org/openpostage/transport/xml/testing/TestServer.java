package org.openpostage.transport.xml.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.openpostage.transport.xml.XmlHttpHandler;
import org.openpostage.transport.xml.XmlHttpsConfigurator;
import org.openpostage.transport.xml.XmlServerBinding;

/**
 * An HTTPS server on 127.0.0.1 with an ephemeral port that serves an {@link XmlServerBinding}
 * through {@link XmlHttpHandler} and records every exchange (bodies included) for assertions.
 */
public final class TestServer implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    /**
     * One recorded exchange.
     *
     * @param method       the request method
     * @param path         the request path
     * @param requestBody  the request body as received
     * @param status       the response status
     * @param responseBody the response body as sent
     */
    public record Exchange(String method, String path, byte[] requestBody, int status, byte[] responseBody) {
    }

    private TestServer(SSLContext tls, XmlHttpsConfigurator.ClientAuth clientAuth, HttpHandler handler) {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new XmlHttpsConfigurator(tls, clientAuth));
            server.createContext("/", handler);
            server.setExecutor(executor);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code binding}, recording each exchange. */
    public static TestServer start(SSLContext tls, XmlHttpsConfigurator.ClientAuth clientAuth, XmlServerBinding binding) {
        TestServer[] self = new TestServer[1];
        XmlHttpHandler real = new XmlHttpHandler(binding);
        self[0] = new TestServer(tls, clientAuth, exchange -> self[0].record(exchange, real));
        return self[0];
    }

    /** Serves any handler (for scripted responses in client tests). */
    public static TestServer start(SSLContext tls, HttpHandler handler) {
        return new TestServer(tls, XmlHttpsConfigurator.ClientAuth.NONE, handler);
    }

    /** The port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code https://127.0.0.1:port}. */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + port());
    }

    /** The exchanges so far. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Records the exchange before its last byte reaches the client: the response is held back
     * until the handler closes the body, so a client that has read a response always finds its
     * exchange recorded. (A response without a body would be complete once its headers are sent,
     * before it is recorded; the binding sends none: every answer, errors included, has an XML body.)
     */
    private void record(HttpExchange exchange, XmlHttpHandler real) throws IOException {
        byte[] request = exchange.getRequestBody().readAllBytes();
        var capture = new java.io.ByteArrayOutputStream();
        var original = exchange.getResponseBody();
        boolean[] recorded = {false};
        Runnable recordOnce = () -> {
            if (!recorded[0]) {
                recorded[0] = true;
                exchanges.add(new Exchange(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), request,
                        exchange.getResponseCode(), capture.toByteArray()));
            }
        };
        exchange.setStreams(new ByteArrayInputStream(request), new java.io.OutputStream() {
            @Override
            public void write(int b) {
                capture.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                capture.write(b, off, len);
            }

            private boolean closed;

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                recordOnce.run();
                original.write(capture.toByteArray());
                original.close();
            }
        });
        real.handle(exchange);
        recordOnce.run();
    }
}
