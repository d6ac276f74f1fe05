package org.openpostage.portal;

import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.portal.config.PortalConfig;
import org.openpostage.portal.internal.shop.Checkout;
import org.openpostage.portal.internal.shop.Passwords;
import org.openpostage.portal.internal.shop.PendingOrderResolver;
import org.openpostage.portal.internal.shop.Postage;
import org.openpostage.portal.internal.shop.SignInThrottle;
import org.openpostage.portal.internal.shop.TopUps;
import org.openpostage.portal.internal.shop.UserError;
import org.openpostage.portal.internal.store.PortalDatabase;
import org.openpostage.portal.internal.telemetry.PortalTelemetry;
import org.openpostage.portal.internal.web.Layout;
import org.openpostage.portal.internal.web.OrderRoutes;
import org.openpostage.portal.internal.web.Security;
import org.openpostage.portal.internal.web.Services;
import org.openpostage.portal.internal.web.Sessions;
import org.openpostage.portal.internal.web.ShopRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference portal: a small web shop selling postage through the OpenPostage SDK. It talks to
 * the postal server only through {@link PostalClients#connect}, so {@code https://} and
 * {@code grpcs://} endpoints work alike. Start it with {@link #start(PortalConfig)} or from the
 * command line: {@code java -jar reference-portal.jar --config portal.properties} (environment
 * variables {@code PORTAL_*} override the file; see {@link PortalConfig}).
 */
public final class PortalApp implements AutoCloseable {
    /** The demo users created when {@code portal.demo-users} is on: user name, display name, password. */
    private static final String[][] DEMO_USERS = {
            {"alice", "Alice", "alice-postage"},
            {"bob", "Bob", "bob-postage"}};

    private static final Logger log = LoggerFactory.getLogger(PortalApp.class);

    private final PortalConfig config;
    private final PostalClient postal;
    private final PortalDatabase db;
    private final Javalin web;
    private final PendingOrderResolver resolver;
    private final PortalTelemetry telemetry;

    private PortalApp(PortalConfig config, PostalClient postal, PortalDatabase db, Javalin web,
                      PendingOrderResolver resolver, PortalTelemetry telemetry) {
        this.config = config;
        this.postal = postal;
        this.db = db;
        this.web = web;
        this.resolver = resolver;
        this.telemetry = telemetry;
    }

    /**
     * Connects to the postal server, opens the database (creating the demo users if configured),
     * starts the web server and the background resolver of pending orders (unless
     * {@code portal.resolve-interval} is 0).
     *
     * @throws ConfigurationException if the configuration cannot be used
     */
    public static PortalApp start(PortalConfig config) {
        return start(config, null);
    }

    /**
     * Like {@link #start(PortalConfig)}, with the portal's spans going to {@code openTelemetry}
     * instead of the configured {@code portal.tracing-exporter}; {@code null} keeps the configuration's.
     */
    public static PortalApp start(PortalConfig config, io.opentelemetry.api.OpenTelemetry openTelemetry) {
        PortalTelemetry telemetry = PortalTelemetry.of(config, openTelemetry);
        PostalClient postal;
        try {
            postal = PostalClients.connect(telemetry.instrument(config.clientConfig()));
        } catch (RuntimeException e) {
            telemetry.close();
            throw e;
        }
        PortalDatabase db = null;
        try {
            Files.createDirectories(config.dataDir());
            db = PortalDatabase.open(config.dataDir());
            Postage postage = new Postage(postal, config.operatorMark());
            String currency = postal.accountStatement().meters().stream().findFirst()
                    .map(m -> m.descending().currency().getCurrencyCode()).orElse("USD");
            if (config.demoUsers()) {
                for (String[] u : DEMO_USERS) {
                    db.users().createUserIfAbsent(u[0], u[1], Passwords.hash(u[2]), config.demoCreditMinor(), currency);
                }
            }
            Checkout checkout = new Checkout(postage, db, config.meterId());
            Layout layout = new Layout(config);
            Sessions sessions = new Sessions(cookieName(config), config.secureCookies());
            Security security = new Security(sessions, db.users(), layout, new SignInThrottle(db.users(), config.signInLimit(),
                    config.signInAddressLimit(), config.signInLock()));
            Services services = new Services(security, layout, postage, db, checkout, config,
                    new TopUps(db.credit(), TopUps.SIMULATED));
            ShopRoutes shop = new ShopRoutes(services);
            OrderRoutes orders = new OrderRoutes(services);
            Javalin web = Javalin.create(c -> {
                c.startup.showJavalinBanner = false;
                c.jetty.multipartConfig.maxFileSize(11, SizeUnit.MB);
                c.jetty.multipartConfig.maxTotalRequestSize(12, SizeUnit.MB);
                c.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
                c.http.maxRequestSize = 12_000_000;
                telemetry.register(c.routes);
                security.register(c.routes);
                shop.register(c.routes);
                orders.register(c.routes);
                c.routes.get("/brand.css", ctx -> ctx.contentType("text/css").result(layout.brandCss()));
                c.routes.get("/static/{file}", ctx -> staticFile(ctx.pathParam("file"), ctx));
            });
            web.start(config.bind(), config.port());
            telemetry.serve(config.metricsBind(), config.metricsPort());
            PendingOrderResolver resolver = new PendingOrderResolver(checkout, db.orders());
            resolver.start(config.resolveInterval());
            PortalApp app = new PortalApp(config, postal, db, web, resolver, telemetry);
            log.info("portal '{}' listening on {} and selling through {}", config.name(), app.url(),
                    config.clientConfig().endpoint());
            return app;
        } catch (IOException | RuntimeException e) {
            if (db != null) {
                db.close();
            }
            postal.close();
            telemetry.close();
            if (e instanceof IOException io) {
                throw new ConfigurationException("cannot create the data directory " + config.dataDir() + ": "
                        + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Cookies do not separate ports, so each portal on a host needs its own cookie name. */
    private static String cookieName(PortalConfig config) {
        return "portal_session_" + (config.port() != 0 ? String.valueOf(config.port())
                : java.util.UUID.randomUUID().toString().substring(0, 8));
    }

    private static void staticFile(String name, io.javalin.http.Context ctx) throws IOException {
        if (!name.matches("[a-z-]+\\.(css|js)")) {
            throw new UserError(404, "There is no file " + name + ".");
        }
        try (InputStream in = PortalApp.class.getResourceAsStream("/org/openpostage/portal/static/" + name)) {
            if (in == null) {
                throw new UserError(404, "There is no file " + name + ".");
            }
            ctx.header("Cache-Control", "public, max-age=300")
                    .contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8")
                    .result(in.readAllBytes());
        }
    }

    /** The port the portal listens on. */
    public int port() {
        return web.port();
    }

    /** The portal's address, such as {@code http://localhost:7001}. */
    public URI url() {
        String host = config.bind().equals("0.0.0.0") || config.bind().equals("127.0.0.1") ? "localhost" : config.bind();
        return URI.create("http://" + host + ":" + port());
    }

    /** The configuration. */
    public PortalConfig config() {
        return config;
    }

    /**
     * Runs one pass of the background resolver now: re-sends every pending store-credit order
     * within {@link Checkout#CONFIRM_WINDOW} that no node has claimed, under its own idempotency
     * key. Returns how many orders it sent again. The schedule runs the same pass.
     */
    public int resolvePendingOrders() {
        return resolver.runOnce();
    }

    /** Stops the background resolver and the web server, closes the database and the postal client. */
    @Override
    public void close() {
        resolver.close();
        web.stop();
        db.close();
        postal.close();
        telemetry.close();
    }

    /** The Prometheus endpoint, such as {@code http://127.0.0.1:9465/metrics}, or {@code null} when metrics are off. */
    public URI metricsEndpoint() {
        return telemetry.port() < 0 ? null : URI.create("http://" + config.metricsBind() + ":" + telemetry.port()
                + "/metrics");
    }

    /**
     * Runs a portal until the process is stopped: {@code --config FILE} (optional); environment
     * variables {@code PORTAL_*} override the file.
     */
    public static void main(String[] args) {
        // One log, one format: what Jetty, gRPC and OpenTelemetry's logging exporter write to java.util.logging too.
        if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
            org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
            org.slf4j.bridge.SLF4JBridgeHandler.install();
        }
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("usage: java -jar reference-portal.jar [--config portal.properties]");
                System.exit(2);
            }
        }
        try {
            PortalApp app = start(PortalConfig.load(file, Map.copyOf(System.getenv())));
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "portal-shutdown"));
            System.out.println("Portal '" + app.config().name() + "' ready at " + app.url());
        } catch (ConfigurationException e) {
            System.err.println("portal: " + e.getMessage());
            System.exit(1);
        }
    }
}
