package org.openpostage.server.console;

import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.openpostage.api.TlsSettings;
import org.openpostage.server.PostalCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postal operator's admin console: a small server-rendered web application (Javalin, JTE
 * templates escaped by default, no scripts) on its own HTTPS port, for partners and their API keys,
 * meters, signing keys, refused card refunds, the audit, rate tables, the background catalogue and
 * operator accounts. Operators sign in with their accounts ({@code PostalAdmin.signIn}); every change
 * goes through {@link org.openpostage.server.PostalAdmin} acting as the signed-in operator, so it is
 * journaled with their name.
 *
 * <p>Sessions are Jetty's (the servlet container's {@code HttpSession}, through Javalin): the cookie
 * is {@code HttpOnly}, {@code Secure} and {@code SameSite=Strict}, its id changes at sign-in, and an
 * idle session ends after {@link #IDLE_MINUTES} minutes. Every POST carries the session's CSRF token
 * (a synchronizer token compared in constant time) and must come from the console's own origin.
 * With {@link ConsoleSettings#requireClientCertificate()}, the TLS handshake also asks for a client
 * certificate (mutual TLS) before any page is served. Sessions live in the node that made them: behind
 * a load balancer, send an operator to one node (or sign in again).
 */
public final class AdminConsole implements AutoCloseable {
    /** How long a session lasts without a request. */
    public static final int IDLE_MINUTES = 30;
    /** The session cookie's name. */
    public static final String COOKIE = "openpostage_console";

    private static final Logger log = LoggerFactory.getLogger(AdminConsole.class);

    private final Javalin javalin;
    private final ServerConnector[] connector = new ServerConnector[1];
    private final String host;

    private AdminConsole(PostalCore core, ConsoleSettings settings) {
        this.host = settings.bind();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(settings.keyStore());
        tls.setKeyStorePassword(new String(settings.keyStorePassword()));
        tls.setIncludeProtocols(TlsSettings.PROTOCOLS.toArray(String[]::new));
        tls.addExcludeCipherSuites(".*_CBC_.*");
        if (settings.clientCas() != null) {
            tls.setTrustStore(settings.clientCas());
        }
        tls.setNeedClientAuth(settings.requireClientCertificate());
        ConsoleRoutes routes = new ConsoleRoutes(core);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.addConnector((server, http) -> connector(server, http, tls, settings.bind(), settings.port()));
            config.jetty.modifyServletContextHandler(context -> context.setSessionHandler(sessions()));
            config.jetty.multipartConfig.maxFileSize(8, SizeUnit.MB);
            config.jetty.multipartConfig.maxTotalRequestSize(9, SizeUnit.MB);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.http.maxRequestSize = 9_500_000;
            routes.register(config.routes);
        });
    }

    /**
     * Starts a console for {@code core}.
     *
     * @throws IllegalStateException if the port cannot be listened on
     */
    public static AdminConsole start(PostalCore core, ConsoleSettings settings) {
        AdminConsole console = new AdminConsole(core, settings);
        console.javalin.start();
        log.info("admin console listening on {}{}", console.url(), settings.requireClientCertificate()
                ? " (client certificates required)" : "");
        return console;
    }

    /** Jetty's session manager: cookies only, never ids in URLs. */
    private static SessionHandler sessions() {
        SessionHandler sessions = new SessionHandler();
        sessions.setSessionCookie(COOKIE);
        sessions.setHttpOnly(true);
        sessions.setSecureCookies(true);
        sessions.setSameSite(HttpCookie.SameSite.STRICT);
        sessions.setMaxInactiveInterval(IDLE_MINUTES * 60);
        sessions.setUsingUriParameters(false);
        sessions.setSessionTrackingModes(java.util.EnumSet.of(jakarta.servlet.SessionTrackingMode.COOKIE));
        return sessions;
    }

    private ServerConnector connector(Server server, HttpConfiguration base, SslContextFactory.Server tls, String bind,
                                      int port) {
        HttpConfiguration https = new HttpConfiguration(base);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(https));
        c.setHost(bind);
        c.setPort(port);
        connector[0] = c;
        return c;
    }

    /** The port listened on. */
    public int port() {
        return connector[0].getLocalPort();
    }

    /** The console's address, such as {@code https://localhost:8444}. */
    public URI url() {
        String h = host.equals("0.0.0.0") || host.equals("127.0.0.1") || host.equals("::") ? "localhost" : host;
        return URI.create("https://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
