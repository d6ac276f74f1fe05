package org.openpostage.transport.xml;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Mounts an {@link XmlServerBinding} on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}),
 * for operators without a web framework and for tests. Register it for the context {@code "/"}: the
 * binding answers unknown paths itself. With an {@link HttpsServer} the client certificate chain
 * the TLS layer verified is passed on for authentication.
 *
 * <pre>{@code
 * HttpsServer server = XmlHttpHandler.startHttps(new InetSocketAddress(8443), sslContext,
 *         XmlHttpsConfigurator.ClientAuth.OPTIONAL, binding, Executors.newFixedThreadPool(16));
 * }</pre>
 *
 * <p>Start the JVM with {@code -Dsun.net.httpserver.nodelay=true}: the JDK's server otherwise leaves
 * Nagle's algorithm on, which delays every response by the client's delayed ACK (about 40 ms).
 */
public final class XmlHttpHandler implements HttpHandler {
    private final XmlServerBinding binding;

    /** A handler that passes every exchange to {@code binding}. */
    public XmlHttpHandler(XmlServerBinding binding) {
        this.binding = Objects.requireNonNull(binding, "binding");
    }

    /**
     * Creates and starts an HTTPS server on {@code address} that serves {@code binding} with TLS
     * 1.3 and 1.2 only; stop it with {@link HttpsServer#stop(int)}.
     *
     * @param executor runs the exchanges; the JDK's default runs them all on one thread
     */
    public static HttpsServer startHttps(InetSocketAddress address, SSLContext tls,
                                         XmlHttpsConfigurator.ClientAuth clientAuth, XmlServerBinding binding,
                                         Executor executor) throws IOException {
        HttpsServer server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new XmlHttpsConfigurator(tls, clientAuth));
        server.createContext("/", new XmlHttpHandler(binding));
        server.setExecutor(executor);
        server.start();
        return server;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            XmlRequest request = new XmlRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders(), exchange.getRequestBody(),
                    contentLength(exchange.getRequestHeaders().getFirst("Content-Length")), peerCertificates(exchange));
            XmlResponse response = binding.handle(request);
            response.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(response.status(), response.bodyLength() == 0 ? -1 : response.bodyLength());
            try (OutputStream out = exchange.getResponseBody()) {
                response.writeBodyTo(out);
            }
        } finally {
            exchange.close();
        }
    }

    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<X509Certificate> peerCertificates(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : https.getSSLSession().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client presented no certificate
        }
    }
}
