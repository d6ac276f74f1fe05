package org.openpostage.server.app;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.openpostage.api.TlsSettings;
import org.openpostage.transport.xml.XmlRequest;
import org.openpostage.transport.xml.XmlResponse;
import org.openpostage.transport.xml.XmlServerBinding;

/**
 * The XML protocol on HTTPS: Javalin on one Jetty TLS connector (TLS 1.3 and 1.2 only, client
 * certificates as configured) handing every request but {@code GET /health} to the
 * {@link XmlServerBinding}, which answers 404 and 405 itself.
 */
final class XmlHttpsEndpoint implements AutoCloseable {
    private static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

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
            config.routes.get("/health", ctx -> health(ctx, health));
            for (HandlerType method : METHODS) {
                config.routes.addHttpHandler(method, "/<path>", ctx -> serve(ctx, binding));
            }
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

    private static void serve(Context ctx, XmlServerBinding binding) throws IOException {
        HttpServletRequest req = ctx.req();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(req.getHeaders(name))));
        }
        X509Certificate[] chain = (X509Certificate[]) req.getAttribute(CERTIFICATES_ATTRIBUTE);
        XmlResponse response = binding.handle(new XmlRequest(req.getMethod(), req.getRequestURI(), headers,
                req.getInputStream(), req.getContentLengthLong(), chain == null ? List.of() : List.of(chain)));
        ctx.status(response.status());
        response.headers().forEach((name, value) -> {
            if (name.equalsIgnoreCase("Content-Type")) {
                ctx.contentType(value);
            } else {
                ctx.header(name, value);
            }
        });
        ctx.result(response.body());
    }
}
