package org.openpostage.server.app;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.openpostage.api.TlsSettings;
import org.openpostage.server.config.AppConfig;
import org.openpostage.transport.xml.XmlRequest;
import org.openpostage.transport.xml.XmlResponse;
import org.openpostage.transport.xml.XmlServerBinding;

/**
 * The XML protocol on HTTPS: Javalin on one Jetty TLS connector (TLS 1.3 and 1.2 only, AEAD cipher
 * suites only, client certificates as configured).
 *
 * <p>Every response of the port follows the protocol (an {@code <error>} body, {@code X-Request-Id}
 * and the security headers), whatever refuses the request: a servlet filter hands every request
 * but {@code GET /health}, of any method (HEAD, OPTIONS, TRACE and unknown ones included), to the
 * {@link XmlServerBinding}, which answers 404 and 405 itself; and Jetty's error handler, which
 * answers what never reaches a servlet (a request target or headers over Jetty's limits, a
 * malformed request line or header), asks the binding for its error document too.
 */
final class XmlHttpsEndpoint implements AutoCloseable {
    private static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final Javalin javalin;
    private final ServerConnector[] connector = new ServerConnector[1];

    /**
     * @param binding    the protocol binding
     * @param health     answers {@code GET /health}: a short status text, {@code null} when not serving
     * @param keyStore   the server's key and chain
     * @param password   its password
     * @param clientAuth the client certificate policy
     * @param clientCas  the CAs trusted for client certificates, or {@code null}
     */
    XmlHttpsEndpoint(XmlServerBinding binding, Supplier<String> health, String host, int port, KeyStore keyStore,
                     char[] password, AppConfig.ClientAuth clientAuth, KeyStore clientCas) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(new String(password));
        tls.setIncludeProtocols(TlsSettings.PROTOCOLS.toArray(String[]::new));
        tls.addExcludeCipherSuites(".*_CBC_.*"); // TLS 1.2 with AEAD suites only, as on the gRPC port
        if (clientCas != null) {
            tls.setTrustStore(clientCas);
        }
        tls.setNeedClientAuth(clientAuth == AppConfig.ClientAuth.REQUIRE);
        tls.setWantClientAuth(clientAuth == AppConfig.ClientAuth.OPTIONAL);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jetty.addConnector((server, http) -> connector(server, http, tls, host, port));
            ProtocolErrors errors = new ProtocolErrors(binding);
            config.jetty.modifyServer(server -> server.setErrorHandler(errors));
            config.jetty.modifyServletContextHandler(context -> {
                context.setErrorHandler(errors);
                context.addFilter(new FilterHolder(new ProtocolFilter(binding)), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
            });
            config.routes.get("/health", ctx -> health(ctx, health));
        });
    }

    private ServerConnector connector(Server server, HttpConfiguration base, SslContextFactory.Server tls, String host,
                                      int port) {
        HttpConfiguration https = new HttpConfiguration(base);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // the binding, not the host name, decides who is calling
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(https));
        c.setHost(host);
        c.setPort(port);
        connector[0] = c;
        return c;
    }

    /** Starts listening. */
    XmlHttpsEndpoint start() {
        javalin.start();
        return this;
    }

    /** The port listened on. */
    int port() {
        return connector[0].getLocalPort();
    }

    @Override
    public void close() {
        javalin.stop();
    }

    private static void health(Context ctx, Supplier<String> health) {
        String status = health.get();
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/plain; charset=utf-8");
        ctx.status(status == null ? 503 : 200).result(status == null ? "NOT_SERVING\n" : status + "\n");
    }

    /** Serves every request but {@code GET /health} with the binding, never passing it on to Javalin. */
    private record ProtocolFilter(XmlServerBinding binding) implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest req = (HttpServletRequest) request;
            if (req.getRequestURI().equals("/health") && req.getMethod().equals("GET")) {
                chain.doFilter(request, response);
                return;
            }
            serve(req, (HttpServletResponse) response, binding);
        }
    }

    private static void serve(HttpServletRequest req, HttpServletResponse res, XmlServerBinding binding)
            throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(req.getHeaders(name))));
        }
        X509Certificate[] chain = (X509Certificate[]) req.getAttribute(CERTIFICATES_ATTRIBUTE);
        XmlResponse response = binding.handle(new XmlRequest(req.getMethod(), req.getRequestURI(), headers,
                req.getInputStream(), req.getContentLengthLong(), chain == null ? List.of() : List.of(chain)));
        res.setStatus(response.status());
        response.headers().forEach(res::setHeader);
        res.setContentLengthLong(response.bodyLength());
        if (!req.getMethod().equals("HEAD")) {
            try (OutputStream out = res.getOutputStream()) {
                response.writeBodyTo(out);
            }
        }
    }

    /**
     * Jetty's answers to requests no servlet sees (and to errors inside the servlet context), as
     * the protocol's {@code <error>} documents instead of HTML pages.
     */
    private static final class ProtocolErrors extends ErrorHandler {
        private final XmlServerBinding binding;

        ProtocolErrors(XmlServerBinding binding) {
            this.binding = binding;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            XmlResponse response = binding.refused(status, reason);
            response.headers().forEach((name, value) -> fields.put(name, value));
            return ByteBuffer.wrap(response.body());
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                                        Throwable cause, Callback callback) {
            XmlResponse refused = binding.refused(code, message);
            response.setStatus(refused.status());
            refused.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, refused.bodyLength());
            response.write(true, request.getMethod().equals("HEAD") ? ByteBuffer.allocate(0)
                    : ByteBuffer.wrap(refused.body()), callback);
        }
    }
}
