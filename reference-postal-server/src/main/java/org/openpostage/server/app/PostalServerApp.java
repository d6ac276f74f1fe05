package org.openpostage.server.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.PostageException;
import org.openpostage.server.DemoSeed;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.PostalCore;
import org.openpostage.server.cli.AdminCommand;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.console.AdminConsole;
import org.openpostage.server.console.ConsoleSettings;
import org.openpostage.server.internal.imaging.RenderImaging;
import org.openpostage.server.internal.tls.DevCertificates;
import org.openpostage.server.internal.tls.TlsFiles;
import org.openpostage.transport.grpc.GrpcServerBinding;
import org.openpostage.transport.grpc.GrpcServerOptions;
import org.openpostage.transport.xml.XmlServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference postal server as a program: the {@link PostalCore} (with stamp rendering by
 * {@code sdk-render}) served as XML over HTTPS (Javalin) and gRPC over TLS, both from the same
 * core and authenticated by its API keys.
 *
 * <pre>{@code
 * try (PostalServerApp app = PostalServerApp.start(AppConfig.builder().xmlPort(0).grpcPort(0).build())) {
 *     PostalClient client = PostalClients.connect(ClientConfig.builder()
 *             .endpoint(app.xmlEndpoint())                    // or app.grpcEndpoint()
 *             .apiKey(key)
 *             .tls(TlsSettings.builder().trustCertificates(app.caCertificate()).build())
 *             .build());
 * }
 * }</pre>
 *
 * <p>From the command line: {@code java -jar reference-postal-server.jar [--config FILE]} (and
 * {@code ... admin ...} for the operator's commands, {@link AdminCommand}, chosen by {@link Main}); the
 * environment's {@code OPENPOSTAGE_*} variables override the file (docs/operations.md). It prints
 * both endpoints and the CA certificate to trust, and stops cleanly on SIGTERM or Ctrl-C.
 */
public final class PostalServerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostalServerApp.class);

    /** How often the gRPC health status is refreshed from the core's health probe (which never blocks). */
    static final Duration HEALTH_INTERVAL = Duration.ofMillis(500);

    private final AppConfig config;
    private final PostalCore core;
    private final XmlHttpsEndpoint xml;
    private final GrpcServerBinding grpc;
    private final AdminConsole console;
    private final Observability observability;
    private final Path caCertificate;
    private final URI xmlEndpoint;
    private final URI grpcEndpoint;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** What the warm-up pass before the start did; {@code null} if there was none or it failed. */
    WarmUp.Result warmUp;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Checks the database every few seconds and tells the gRPC health service. */
    private final ScheduledExecutorService healthTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "openpostage-health");
        t.setDaemon(true);
        return t;
    });

    private PostalServerApp(AppConfig config, PostalCore core, XmlHttpsEndpoint xml, GrpcServerBinding grpc,
                            AdminConsole console, Observability observability, Path caCertificate) {
        this.config = config;
        this.core = core;
        this.xml = xml;
        this.grpc = grpc;
        this.console = console;
        this.observability = observability;
        this.caCertificate = caCertificate;
        String host = advertisedHost(config.bind());
        this.xmlEndpoint = URI.create("https://" + host + ":" + xml.port());
        this.grpcEndpoint = URI.create("grpcs://" + host + ":" + grpc.port());
        healthTimer.scheduleWithFixedDelay(this::refreshHealth, HEALTH_INTERVAL.toMillis(), HEALTH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Sets the gRPC health status from the core's: SERVING while its database answers, NOT_SERVING
     * otherwise. Runs every {@link #HEALTH_INTERVAL}; {@code GET /health} on the HTTPS port reads
     * the same status on each call. Neither waits for the database ({@link PostalCore#healthy()}).
     */
    void refreshHealth() {
        grpc.setServing(core.healthy());
    }

    /**
     * Runs the warm-up pass if {@code warm-up} asks for one ({@link WarmUp}), opens the core,
     * seeds the demo partners if configured, and starts both endpoints.
     *
     * @throws ConfigurationException if the configuration, the TLS files, the database or a port cannot be used
     */
    public static PostalServerApp start(AppConfig config) {
        return start(config, null);
    }

    /**
     * Like {@link #start(AppConfig)}, with the server's spans going to {@code openTelemetry} (an
     * embedding application's own SDK, say) instead of the configured {@code tracing.exporter};
     * {@code null} keeps the configuration's.
     */
    public static PostalServerApp start(AppConfig config, io.opentelemetry.api.OpenTelemetry openTelemetry) {
        WarmUp.Result warmUp = config.warmUp().isZero() ? null : WarmUp.run(config, config.warmUp());
        Observability observability = Observability.of(config, openTelemetry);
        PostalCore core;
        try {
            core = PostalCore.builder(config.server()).imaging(new RenderImaging(config.operatorMark()))
                    .telemetry(observability.registry(), observability.openTelemetry()).open();
        } catch (RuntimeException e) {
            observability.close();
            throw e;
        }
        XmlHttpsEndpoint xml = null;
        GrpcServerBinding grpc = null;
        AdminConsole console = null;
        try {
            if (config.demo()) {
                DemoSeed.seed(core);
            }
            ServerTls tls = serverTls(config);
            KeyStore clientCas = config.clientCa() == null ? null : TlsFiles.trustStore(config.clientCa());
            XmlServerBinding binding = XmlServerBinding.builder(core.observed("xml"), core.authenticator())
                    .maxConcurrentRequests(config.xmlMaxConcurrentRequests()).build();
            xml = new XmlHttpsEndpoint(binding, () -> core.healthy() ? "SERVING" : null, config.bind(), config.xmlPort(), tls.keys.keyStore(),
                    tls.keys.password(), config.clientAuth(), clientCas).start();
            GrpcServerOptions.Builder grpcOptions = GrpcServerOptions.builder().bindAddress(config.bind())
                    .port(config.grpcPort()).tls(tls.keys.keyStore(), tls.keys.password())
                    .maxConcurrentCalls(config.grpcMaxConcurrentCalls());
            if (config.clientAuth() != AppConfig.ClientAuth.NONE) {
                grpcOptions.clientAuth(GrpcServerOptions.ClientAuth.valueOf(config.clientAuth().name()), config.clientCa());
            }
            grpc = new GrpcServerBinding(core.observed("grpc"), core.authenticator(), grpcOptions.build()).start();
            observability.serve(config.metricsBind(), config.metricsPort());
            if (config.adminPort() != null) {
                console = AdminConsole.start(core, new ConsoleSettings(config.adminBind(), config.adminPort(),
                        tls.keys.keyStore(), tls.keys.password(), config.adminClientAuth() == AppConfig.ClientAuth.REQUIRE,
                        config.adminClientCa() == null ? null : TlsFiles.trustStore(config.adminClientCa())));
            }
            PostalServerApp app = new PostalServerApp(config, core, xml, grpc, console, observability,
                    tls.keys.caCertificate());
            app.warmUp = warmUp;
            log.info("OpenPostage postal server started: XML {} , gRPC {} , CA certificate {} , client certificates {}",
                    app.xmlEndpoint, app.grpcEndpoint, app.caCertificate, config.clientAuth());
            return app;
        } catch (IOException e) {
            closeAll(console, grpc, xml, core);
            observability.close();
            throw new ConfigurationException("cannot listen on " + config.bind() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(console, grpc, xml, core);
            observability.close();
            if (e instanceof PostageException) {
                throw e;
            }
            throw new ConfigurationException("cannot start the postal server: " + e.getMessage(), e);
        }
    }

    /** The base URI of the XML endpoint, for example {@code https://localhost:8443}: what a {@code PostalClient} takes. */
    public URI xmlEndpoint() {
        return xmlEndpoint;
    }

    /** The gRPC endpoint, for example {@code grpcs://localhost:9443}. */
    public URI grpcEndpoint() {
        return grpcEndpoint;
    }

    /** The PEM file portals trust: the development CA, or the configured CA certificate. */
    public Path caCertificate() {
        return caCertificate;
    }

    /** The admin console's address, such as {@code https://localhost:8444}, or {@code null} when it is off. */
    public URI adminConsole() {
        return console == null ? null : console.url();
    }

    /** The Prometheus endpoint, such as {@code http://127.0.0.1:9464/metrics}, or {@code null} when metrics are off. */
    public URI metricsEndpoint() {
        return observability.port() < 0 ? null
                : URI.create("http://" + advertisedHost(config.metricsBind()) + ":" + observability.port() + "/metrics");
    }

    /** The core both endpoints serve. */
    public PostalCore core() {
        return core;
    }

    /** The operator's administration API of the core. */
    public PostalAdmin admin() {
        return core.admin();
    }

    /** The configuration the server runs with. */
    public AppConfig config() {
        return config;
    }

    /** Stops the gRPC and XML endpoints (running calls may finish within the grace period), then the core. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            healthTimer.shutdownNow();
            closeAll(console, grpc, xml, core);
            observability.close();
            log.info("OpenPostage postal server stopped");
            stopped.countDown();
        }
    }

    /** Exit status for a configuration problem (a setting, a file it names, the database it names). */
    static final int EXIT_CONFIGURATION = 2;
    /** Exit status for any other failure to start. */
    static final int EXIT_FAILURE = 1;

    /**
     * What {@link #main} gets from starting: the running server, or the exit status after the
     * one-line message was printed.
     */
    record Launch(PostalServerApp app, int exitStatus) {
    }

    /**
     * Starts the server as {@link #main} does, without exiting: reads {@code --config FILE} and
     * {@code environment}, starts, and on failure prints one line to {@code err} (plus the stack
     * trace only when the system property {@code openpostage.debug} is {@code true}) and returns
     * the exit status: {@value #EXIT_CONFIGURATION} for a configuration problem,
     * {@value #EXIT_FAILURE} for anything else.
     */
    static Launch launch(String[] args, Map<String, String> environment, PrintStream err) {
        Path file;
        try {
            file = configFile(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: java -jar reference-postal-server.jar [--config FILE]");
            err.println("       java -jar reference-postal-server.jar admin --help   (keys, journal audit)");
            return new Launch(null, EXIT_CONFIGURATION);
        }
        try {
            return new Launch(start(AppConfig.load(file, environment)), 0);
        } catch (RuntimeException e) {
            boolean configuration = e instanceof PostageException;
            err.println("cannot start the postal server: " + oneLine(configuration ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage()));
            if (Boolean.getBoolean("openpostage.debug")) {
                e.printStackTrace(err);
            }
            return new Launch(null, configuration ? EXIT_CONFIGURATION : EXIT_FAILURE);
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /**
     * Runs the server until SIGTERM or Ctrl-C. Arguments: {@code [--config FILE]}. A server that
     * cannot start prints one line (never a stack trace, unless {@code -Dopenpostage.debug=true})
     * and exits with status 2 for a configuration problem, 1 for anything else.
     */
    public static void main(String[] args) {
        routeJavaUtilLogging();
        String format = System.getProperty("OPENPOSTAGE_LOG_FORMAT", System.getenv("OPENPOSTAGE_LOG_FORMAT"));
        if (format != null && !format.equals("text") && !format.equals("json")) {
            System.err.println("cannot start the postal server: OPENPOSTAGE_LOG_FORMAT is '" + format
                    + "'; it is text (the default) or json");
            System.exit(EXIT_CONFIGURATION);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Launch launch = launch(args, System.getenv(), System.err);
        if (launch.app() == null) {
            System.exit(launch.exitStatus());
            return;
        }
        PostalServerApp app = launch.app();
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "openpostage-shutdown"));
        out.println("OpenPostage postal server");
        out.println("  XML over HTTPS: " + app.xmlEndpoint());
        out.println("  gRPC over TLS:  " + app.grpcEndpoint());
        out.println("  CA certificate: " + app.caCertificate());
        if (app.console != null) {
            out.println("  admin console:  " + app.adminConsole());
        }
        if (app.metricsEndpoint() != null) {
            out.println("  metrics:        " + app.metricsEndpoint());
        }
        if (app.config.demo()) {
            out.println("  demo API keys:  " + app.config.server().dataDir().resolve(DemoSeed.KEYS_FILE));
        }
        try {
            app.stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Routes {@code java.util.logging}, which gRPC and Jetty write to, through SLF4J, so that the
     * server has one log with one format (grpc-netty's connection failures arrive as one line each,
     * see the gRPC binding's {@code ConnectionLogs}).
     */
    static void routeJavaUtilLogging() {
        if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
            org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
            org.slf4j.bridge.SLF4JBridgeHandler.install();
        }
    }

    private static Path configFile(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length && file == null) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=") && file == null) {
                file = Path.of(args[i].substring("--config=".length()));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
        }
        return file;
    }

    /** The server's keys and the CA certificate to publish. */
    private record ServerTls(DevCertificates.ServerKeys keys) {
    }

    private static ServerTls serverTls(AppConfig config) {
        Path tlsDir = config.server().dataDir().resolve("tls");
        if (config.keystore() == null) {
            return new ServerTls(DevCertificates.ensure(tlsDir, hostNames(config.bind())));
        }
        char[] password = config.keystorePassword().toCharArray();
        KeyStore ks = TlsFiles.serverKeyStore(config.keystore(), password);
        Path ca = config.caCertificate();
        if (ca == null) {
            ca = tlsDir.resolve(DevCertificates.CA_PEM);
            try {
                Files.createDirectories(tlsDir);
                DevCertificates.writePem(TlsFiles.chainTop(ks), ca);
            } catch (IOException | GeneralSecurityException e) {
                throw new ConfigurationException("cannot write " + ca + ": " + e.getMessage(), e);
            }
        } else if (!Files.isReadable(ca)) {
            throw new ConfigurationException("tls.ca-certificate " + ca + " cannot be read");
        }
        return new ServerTls(new DevCertificates.ServerKeys(ks, password, ca));
    }

    private static List<String> hostNames(String bind) {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        if (!isWildcard(bind) && !names.contains(bind)) {
            names.add(bind);
        }
        return names;
    }

    private static String advertisedHost(String bind) {
        if (isWildcard(bind) || bind.equals("127.0.0.1") || bind.equals("localhost")) {
            return "localhost";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    private static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
    }

    private static void closeAll(AdminConsole console, GrpcServerBinding grpc, XmlHttpsEndpoint xml, PostalCore core) {
        for (AutoCloseable c : new AutoCloseable[] {console, grpc, xml, core}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.getMessage());
                }
            }
        }
    }
}
