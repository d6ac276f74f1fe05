package org.openpostage.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.openpostage.api.Settings;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.transport.grpc.GrpcServerOptions;
import org.openpostage.transport.xml.XmlServerBinding;

/**
 * The configuration of a {@link org.openpostage.server.app.PostalServerApp}: the core's {@link ServerConfig} (same keys, same
 * file) plus where and how the two endpoints listen.
 *
 * <table>
 *   <caption>Settings beyond {@link ServerConfig}: property key, environment variable, default</caption>
 *   <tr><th>key</th><th>environment</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code bind}</td><td>{@code OPENPOSTAGE_BIND}</td><td>{@code 127.0.0.1}</td>
 *       <td>the address both endpoints listen on ({@code 0.0.0.0} for all)</td></tr>
 *   <tr><td>{@code xml.port}</td><td>{@code OPENPOSTAGE_XML_PORT}</td><td>8443</td>
 *       <td>XML over HTTPS (and {@code GET /health}); 0 for any free port</td></tr>
 *   <tr><td>{@code grpc.port}</td><td>{@code OPENPOSTAGE_GRPC_PORT}</td><td>9443</td>
 *       <td>gRPC over TLS; 0 for any free port</td></tr>
 *   <tr><td>{@code xml.max-concurrent-requests}</td><td>{@code OPENPOSTAGE_XML_MAX_CONCURRENT_REQUESTS}</td>
 *       <td>200</td><td>XML requests handled at once; beyond it 503 with {@code Retry-After}</td></tr>
 *   <tr><td>{@code grpc.max-concurrent-calls}</td><td>{@code OPENPOSTAGE_GRPC_MAX_CONCURRENT_CALLS}</td>
 *       <td>256</td><td>gRPC calls handled at once; beyond it RESOURCE_EXHAUSTED</td></tr>
 *   <tr><td>{@code tls.keystore}</td><td>{@code OPENPOSTAGE_TLS_KEYSTORE}</td><td>none: a development CA</td>
 *       <td>PKCS#12 file with the server's key and certificate chain</td></tr>
 *   <tr><td>{@code tls.keystore-password}</td><td>{@code OPENPOSTAGE_TLS_KEYSTORE_PASSWORD}</td><td>none</td>
 *       <td>its password</td></tr>
 *   <tr><td>{@code tls.ca-certificate}</td><td>{@code OPENPOSTAGE_TLS_CA_CERTIFICATE}</td>
 *       <td>the top of the keystore's chain</td><td>the PEM file portals are told to trust</td></tr>
 *   <tr><td>{@code tls.client-auth}</td><td>{@code OPENPOSTAGE_TLS_CLIENT_AUTH}</td><td>{@code none}</td>
 *       <td>{@code none}, {@code optional} or {@code require}: client certificates (mutual TLS)</td></tr>
 *   <tr><td>{@code tls.client-ca}</td><td>{@code OPENPOSTAGE_TLS_CLIENT_CA}</td><td>none</td>
 *       <td>PEM file of the CAs whose client certificates are accepted</td></tr>
 *   <tr><td>{@code admin.port}</td><td>{@code OPENPOSTAGE_ADMIN_PORT}</td><td>none: off</td>
 *       <td>the admin console (HTTPS, operator accounts); 0 for any free port</td></tr>
 *   <tr><td>{@code admin.bind}</td><td>{@code OPENPOSTAGE_ADMIN_BIND}</td><td>{@code 127.0.0.1}</td>
 *       <td>the address the admin console listens on</td></tr>
 *   <tr><td>{@code admin.client-auth}</td><td>{@code OPENPOSTAGE_ADMIN_CLIENT_AUTH}</td><td>{@code none}</td>
 *       <td>{@code none} or {@code require}: the console's browsers present a client certificate (mutual TLS)</td></tr>
 *   <tr><td>{@code admin.client-ca}</td><td>{@code OPENPOSTAGE_ADMIN_CLIENT_CA}</td><td>none</td>
 *       <td>PEM file of the CAs of the operators' client certificates</td></tr>
 *   <tr><td>{@code metrics.port}</td><td>{@code OPENPOSTAGE_METRICS_PORT}</td><td>none: off</td>
 *       <td>Prometheus metrics over plain HTTP ({@code GET /metrics}); 0 for any free port</td></tr>
 *   <tr><td>{@code metrics.bind}</td><td>{@code OPENPOSTAGE_METRICS_BIND}</td><td>{@code 127.0.0.1}</td>
 *       <td>the address the metrics port listens on</td></tr>
 *   <tr><td>{@code tracing.exporter}</td><td>{@code OPENPOSTAGE_TRACING_EXPORTER}</td><td>{@code none}</td>
 *       <td>{@code none}, {@code logging} (spans in the log, for development) or {@code otlp}</td></tr>
 *   <tr><td>{@code tracing.otlp-endpoint}</td><td>{@code OPENPOSTAGE_TRACING_OTLP_ENDPOINT}</td>
 *       <td>{@code http://localhost:4318/v1/traces}</td><td>where {@code otlp} sends spans (OTLP over HTTP)</td></tr>
 *   <tr><td>{@code tracing.sample-ratio}</td><td>{@code OPENPOSTAGE_TRACING_SAMPLE_RATIO}</td><td>1.0</td>
 *       <td>the share of new traces recorded (a caller's sampled trace is always followed)</td></tr>
 *   <tr><td>{@code warm-up}</td><td>{@code OPENPOSTAGE_WARM_UP}</td><td>{@code 0}: none</td>
 *       <td>a warm-up pass of about this long ({@code 30s}; at most 10 minutes) before the node opens its ledger and
 *       listens: a scratch node of the same code, on a throwaway ledger, sells itself test postage over
 *       both transports so that the first real requests find the purchase path compiled</td></tr>
 *   <tr><td>{@code demo}</td><td>{@code OPENPOSTAGE_DEMO}</td><td>{@code false}</td>
 *       <td>seed the demo partners and write {@code <data.dir>/demo-api-keys.properties}; unless the
 *       file sets them itself, also let live keys pay with the simulated gateway's test cards
 *       ({@code payments.simulated-live}) and sign live postage with the software keystore's keys
 *       ({@code psd.allow-software-keys-for-live-postage}), so the demo sells postage that verifies as
 *       valid while no money moves.
 *       Never set it on a server that sells real postage.</td></tr>
 * </table>
 *
 * <p>Without {@code tls.keystore} the server creates a development CA and a server certificate
 * for {@code localhost} in {@code <data.dir>/tls/} on first start and reuses them afterwards.
 * Immutable; {@link #toString()} hides passwords.
 */
public final class AppConfig {
    /** Whether and how TLS clients must present a certificate. */
    public enum ClientAuth {
        /** No certificate is asked for; partners authenticate by API key. */
        NONE,
        /** A certificate is asked for and checked when presented. */
        OPTIONAL,
        /** Mutual TLS: a client without a trusted certificate fails the handshake. */
        REQUIRE
    }

    /** What the server does with its spans (OpenTelemetry). */
    public enum TracingExporter {
        /** No tracing: spans are neither made nor kept (the default). */
        NONE,
        /** Spans written to the log (for development). */
        LOGGING,
        /** Spans sent to an OpenTelemetry collector over OTLP/HTTP. */
        OTLP
    }

    /** The default XML (HTTPS) port. */
    public static final int DEFAULT_XML_PORT = 8443;
    /** The default gRPC port. */
    public static final int DEFAULT_GRPC_PORT = 9443;

    private static final Set<String> APP_KEYS = Set.of("bind", "xml.port", "grpc.port", "tls.keystore",
            "tls.keystore-password", "tls.ca-certificate", "tls.client-auth", "tls.client-ca", "demo",
            "stamp.operator-mark", "xml.max-concurrent-requests", "grpc.max-concurrent-calls", "admin.port", "admin.bind",
            "admin.client-auth", "admin.client-ca", "metrics.port", "metrics.bind", "tracing.exporter",
            "tracing.otlp-endpoint", "tracing.sample-ratio", "warm-up");

    /** The longest warm-up pass {@code warm-up} allows. */
    public static final Duration MAX_WARM_UP = Duration.ofMinutes(10);

    private final ServerConfig server;
    private final String bind;
    private final int xmlPort;
    private final int grpcPort;
    private final Path keystore;
    private final String keystorePassword;
    private final Path caCertificate;
    private final ClientAuth clientAuth;
    private final Path clientCa;
    private final boolean demo;
    private final String operatorMark;
    private final int xmlMaxConcurrentRequests;
    private final int grpcMaxConcurrentCalls;
    private final Integer adminPort;
    private final String adminBind;
    private final ClientAuth adminClientAuth;
    private final Path adminClientCa;
    private final Integer metricsPort;
    private final String metricsBind;
    private final TracingExporter tracingExporter;
    private final java.net.URI otlpEndpoint;
    private final double tracingSampleRatio;
    private final Duration warmUp;

    private AppConfig(Builder b) {
        this.server = Objects.requireNonNull(b.server, "server");
        this.bind = requireText("bind", b.bind);
        this.xmlPort = port("xml.port", b.xmlPort);
        this.grpcPort = port("grpc.port", b.grpcPort);
        this.keystore = b.keystore;
        this.keystorePassword = b.keystorePassword;
        this.caCertificate = b.caCertificate;
        this.clientAuth = Objects.requireNonNull(b.clientAuth, "clientAuth");
        this.clientCa = b.clientCa;
        this.demo = b.demo;
        this.operatorMark = b.operatorMark;
        this.xmlMaxConcurrentRequests = atLeastOne("xml.max-concurrent-requests", b.xmlMaxConcurrentRequests);
        this.grpcMaxConcurrentCalls = atLeastOne("grpc.max-concurrent-calls", b.grpcMaxConcurrentCalls);
        this.adminPort = b.adminPort == null ? null : port("admin.port", b.adminPort);
        this.adminBind = requireText("admin.bind", b.adminBind);
        this.adminClientAuth = Objects.requireNonNull(b.adminClientAuth, "adminClientAuth");
        this.adminClientCa = b.adminClientCa;
        this.metricsPort = b.metricsPort == null ? null : port("metrics.port", b.metricsPort);
        this.metricsBind = requireText("metrics.bind", b.metricsBind);
        this.tracingExporter = Objects.requireNonNull(b.tracingExporter, "tracingExporter");
        this.otlpEndpoint = Objects.requireNonNull(b.otlpEndpoint, "otlpEndpoint");
        this.tracingSampleRatio = b.tracingSampleRatio;
        this.warmUp = Objects.requireNonNull(b.warmUp, "warmUp");
        if (warmUp.isNegative() || warmUp.compareTo(MAX_WARM_UP) > 0) {
            throw new ConfigurationException("warm-up must be between 0 and " + MAX_WARM_UP + ", was " + warmUp);
        }
        if (!(tracingSampleRatio >= 0 && tracingSampleRatio <= 1)) {
            throw new ConfigurationException("tracing.sample-ratio must be between 0 and 1, was " + tracingSampleRatio);
        }
        if (adminClientAuth == ClientAuth.OPTIONAL) {
            throw new ConfigurationException("admin.client-auth is none or require");
        }
        if (adminClientAuth == ClientAuth.REQUIRE && adminClientCa == null) {
            throw new ConfigurationException("admin.client-auth require needs admin.client-ca: the PEM file of the CAs "
                    + "that issue the operators' client certificates");
        }
        if (keystore != null && keystorePassword == null) {
            throw new ConfigurationException("tls.keystore is set but tls.keystore-password is not");
        }
        if (keystore == null && caCertificate != null) {
            throw new ConfigurationException("tls.ca-certificate needs tls.keystore: the development CA is written "
                    + "to <data.dir>/tls/ca.pem");
        }
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new ConfigurationException("tls.client-auth " + clientAuth.name().toLowerCase(Locale.ROOT)
                    + " needs tls.client-ca: the PEM file of the CAs that issue client certificates");
        }
        if (xmlPort != 0 && xmlPort == grpcPort) {
            throw new ConfigurationException("xml.port and grpc.port are both " + xmlPort);
        }
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings: the {@link ServerConfig} keys and the keys of this class.
     *
     * @throws ConfigurationException naming an unknown key or a value that cannot be used
     */
    public static AppConfig fromProperties(Map<String, String> properties) {
        Map<String, String> serverKeys = new LinkedHashMap<>();
        Builder b = builder();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (!APP_KEYS.contains(key)) {
                if (!ServerConfig.keys().contains(key)) {
                    throw new ConfigurationException("unknown setting '" + key + "'; known settings: " + knownKeys());
                }
                serverKeys.put(key, value);
            } else if (!value.isEmpty()) {
                apply(b, key, value);
            }
        }
        if (b.demo) {
            serverKeys.putIfAbsent("payments.simulated-live", "true");
            serverKeys.putIfAbsent("psd.allow-software-keys-for-live-postage", "true");
        }
        return b.server(ServerConfig.fromProperties(serverKeys)).build();
    }

    /**
     * Reads the settings from a properties file (may be {@code null}; named but missing is an
     * error) and then from {@code environment}, whose {@code OPENPOSTAGE_*} variables override the
     * file: {@code OPENPOSTAGE_XML_PORT} sets {@code xml.port}.
     */
    public static AppConfig load(Path file, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            Map<String, String> settings = Settings.readFile(file);
            ServerConfig.refuseSecretsInFile(file, settings.keySet());
            merged.putAll(settings);
        }
        merged.putAll(ServerConfig.environmentSettings(knownKeys(), environment));
        return fromProperties(merged);
    }

    /** Every key {@link #fromProperties} accepts, sorted. */
    public static Set<String> knownKeys() {
        Set<String> all = new TreeSet<>(ServerConfig.keys());
        all.addAll(APP_KEYS);
        return all;
    }

    private static void apply(Builder b, String key, String v) {
        try {
            switch (key) {
                case "bind" -> b.bind(v);
                case "xml.port" -> b.xmlPort(Integer.parseInt(v));
                case "grpc.port" -> b.grpcPort(Integer.parseInt(v));
                case "tls.keystore" -> b.keystore(Path.of(v), b.keystorePassword);
                case "tls.keystore-password" -> b.keystorePassword = v;
                case "tls.ca-certificate" -> b.caCertificate(Path.of(v));
                case "tls.client-auth" -> b.clientAuth(ClientAuth.valueOf(v.toUpperCase(Locale.ROOT)), b.clientCa);
                case "tls.client-ca" -> b.clientCa = Path.of(v);
                case "demo" -> b.demo(Settings.bool(key, v));
                case "stamp.operator-mark" -> b.operatorMark(operatorMark(v));
                case "xml.max-concurrent-requests" -> b.xmlMaxConcurrentRequests(Integer.parseInt(v));
                case "grpc.max-concurrent-calls" -> b.grpcMaxConcurrentCalls(Integer.parseInt(v));
                case "admin.port" -> b.adminPort(Integer.parseInt(v));
                case "admin.bind" -> b.adminBind(v);
                case "admin.client-auth" -> b.adminClientAuth(ClientAuth.valueOf(v.toUpperCase(Locale.ROOT)), b.adminClientCa);
                case "admin.client-ca" -> b.adminClientCa = Path.of(v);
                case "metrics.port" -> b.metricsPort(Integer.parseInt(v));
                case "metrics.bind" -> b.metricsBind(v);
                case "tracing.exporter" -> b.tracingExporter(TracingExporter.valueOf(v.toUpperCase(Locale.ROOT)));
                case "tracing.otlp-endpoint" -> b.otlpEndpoint(otlpEndpoint(v));
                case "tracing.sample-ratio" -> b.tracingSampleRatio(Double.parseDouble(v));
                case "warm-up" -> b.warmUp(Settings.duration(key, v));
                default -> throw new IllegalStateException("unhandled key " + key);
            }
        } catch (IllegalArgumentException ex) {
            throw new ConfigurationException(key + " = '" + (key.endsWith("password") ? "****" : v)
                    + "' cannot be used: " + hint(key, ex));
        }
    }

    private static String hint(String key, IllegalArgumentException ex) {
        return switch (key) {
            case "xml.port", "grpc.port", "admin.port", "metrics.port" -> "expected a port number from 0 to 65535";
            case "admin.client-auth" -> "expected none or require";
            case "tracing.exporter" -> "expected none, logging or otlp";
            case "tracing.otlp-endpoint" -> "expected an http:// or https:// URL, such as http://collector:4318/v1/traces";
            case "tracing.sample-ratio" -> "expected a number from 0 to 1";
            case "tls.client-auth" -> "expected none, optional or require";
            case "demo" -> "expected true or false";
            case "stamp.operator-mark" -> "1 to 20 printable ASCII characters, such as US POSTAGE";
            case "xml.max-concurrent-requests", "grpc.max-concurrent-calls" -> "expected a whole number, at least 1";
            default -> ex.getMessage();
        };
    }

    private static String operatorMark(String v) {
        try {
            return org.openpostage.render.OperatorMarks.DEFAULT.withOperatorMark(v).operatorMark();
        } catch (org.openpostage.api.error.InvalidRequestException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static java.net.URI otlpEndpoint(String v) {
        java.net.URI uri = java.net.URI.create(v);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL");
        }
        return uri;
    }

    private static int port(String key, int port) {
        if (port < 0 || port > 65_535) {
            throw new ConfigurationException(key + " must be between 0 and 65535, was " + port);
        }
        return port;
    }

    private static int atLeastOne(String key, int v) {
        if (v < 1) {
            throw new ConfigurationException(key + " must be at least 1, was " + v);
        }
        return v;
    }

    private static String requireText(String key, String v) {
        if (v == null || v.isBlank()) {
            throw new ConfigurationException(key + " must not be empty");
        }
        return v.strip();
    }

    /**
     * The most XML requests handled at once; beyond it the endpoint answers 503 with
     * {@code Retry-After} (default {@link XmlServerBinding#DEFAULT_MAX_CONCURRENT_REQUESTS}).
     */
    public int xmlMaxConcurrentRequests() {
        return xmlMaxConcurrentRequests;
    }

    /**
     * The most gRPC calls handled at once; beyond it the endpoint answers RESOURCE_EXHAUSTED
     * (default {@link GrpcServerOptions#DEFAULT_MAX_CONCURRENT_CALLS}).
     */
    public int grpcMaxConcurrentCalls() {
        return grpcMaxConcurrentCalls;
    }

    /** The core's configuration. */
    public ServerConfig server() {
        return server;
    }

    /** The address both endpoints listen on. */
    public String bind() {
        return bind;
    }

    /** The HTTPS port of the XML endpoint; 0 for any free port. */
    public int xmlPort() {
        return xmlPort;
    }

    /** The gRPC port; 0 for any free port. */
    public int grpcPort() {
        return grpcPort;
    }

    /** The server's PKCS#12 keystore, or {@code null} for the development CA. */
    public Path keystore() {
        return keystore;
    }

    /** The keystore's password, or {@code null}. */
    public String keystorePassword() {
        return keystorePassword;
    }

    /** The CA certificate (PEM) portals should trust, or {@code null} for the top of the keystore's chain. */
    public Path caCertificate() {
        return caCertificate;
    }

    /** Whether clients must present a certificate. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The PEM file of CAs trusted for client certificates, or {@code null}. */
    public Path clientCa() {
        return clientCa;
    }

    /** Whether the demo partners are seeded on start. */
    public boolean demo() {
        return demo;
    }

    /**
     * The operator's mark printed first in the human-readable block of every stamp the server
     * renders (such as {@code US POSTAGE}), or {@code null} for none: {@code stamp.operator-mark}.
     */
    public String operatorMark() {
        return operatorMark;
    }

    /** The admin console's port, or {@code null} when the console is off; 0 for any free port. */
    public Integer adminPort() {
        return adminPort;
    }

    /** The address the admin console listens on. */
    public String adminBind() {
        return adminBind;
    }

    /** Whether the admin console requires client certificates ({@link ClientAuth#REQUIRE}) or not. */
    public ClientAuth adminClientAuth() {
        return adminClientAuth;
    }

    /** The PEM file of the CAs of operators' client certificates, or {@code null}. */
    public Path adminClientCa() {
        return adminClientCa;
    }

    /** The Prometheus metrics port, or {@code null} when metrics are not served; 0 for any free port. */
    public Integer metricsPort() {
        return metricsPort;
    }

    /** The address the metrics port listens on. */
    public String metricsBind() {
        return metricsBind;
    }

    /** What the server does with its spans. */
    public TracingExporter tracingExporter() {
        return tracingExporter;
    }

    /** Where the {@code otlp} exporter sends spans. */
    public java.net.URI otlpEndpoint() {
        return otlpEndpoint;
    }

    /** The share of new traces recorded, 0 to 1. */
    public double tracingSampleRatio() {
        return tracingSampleRatio;
    }

    /** How long the warm-up pass before the node starts runs; zero for none ({@code warm-up}). */
    public Duration warmUp() {
        return warmUp;
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.server = server;
        b.bind = bind;
        b.xmlPort = xmlPort;
        b.grpcPort = grpcPort;
        b.keystore = keystore;
        b.keystorePassword = keystorePassword;
        b.caCertificate = caCertificate;
        b.clientAuth = clientAuth;
        b.clientCa = clientCa;
        b.demo = demo;
        b.operatorMark = operatorMark;
        b.adminPort = adminPort;
        b.adminBind = adminBind;
        b.adminClientAuth = adminClientAuth;
        b.adminClientCa = adminClientCa;
        b.metricsPort = metricsPort;
        b.metricsBind = metricsBind;
        b.tracingExporter = tracingExporter;
        b.otlpEndpoint = otlpEndpoint;
        b.tracingSampleRatio = tracingSampleRatio;
        b.warmUp = warmUp;
        return b;
    }

    @Override
    public String toString() {
        return "AppConfig[bind=" + bind + ", xml.port=" + xmlPort + ", grpc.port=" + grpcPort + ", tls.keystore="
                + (keystore == null ? "development CA" : keystore) + ", tls.client-auth=" + clientAuth
                + ", admin.port=" + (adminPort == null ? "off" : adminPort) + ", metrics.port="
                + (metricsPort == null ? "off" : metricsPort) + ", tracing.exporter=" + tracingExporter
                + ", warm-up=" + warmUp + ", demo=" + demo + ", " + server + "]";
    }

    /** Builds an {@link AppConfig}. Not thread-safe. */
    public static final class Builder {
        private ServerConfig server = ServerConfig.builder().build();
        private String bind = "127.0.0.1";
        private int xmlPort = DEFAULT_XML_PORT;
        private int grpcPort = DEFAULT_GRPC_PORT;
        private Path keystore;
        private String keystorePassword;
        private Path caCertificate;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Path clientCa;
        private boolean demo;
        private String operatorMark;
        private int xmlMaxConcurrentRequests = XmlServerBinding.DEFAULT_MAX_CONCURRENT_REQUESTS;
        private int grpcMaxConcurrentCalls = GrpcServerOptions.DEFAULT_MAX_CONCURRENT_CALLS;
        private Integer adminPort;
        private String adminBind = "127.0.0.1";
        private ClientAuth adminClientAuth = ClientAuth.NONE;
        private Path adminClientCa;
        private Integer metricsPort;
        private String metricsBind = "127.0.0.1";
        private TracingExporter tracingExporter = TracingExporter.NONE;
        private java.net.URI otlpEndpoint = java.net.URI.create("http://localhost:4318/v1/traces");
        private double tracingSampleRatio = 1.0;
        private Duration warmUp = Duration.ZERO;

        private Builder() {
        }

        /** The admin console's port ({@code null}: off; 0: any free port). */
        public Builder adminPort(Integer v) { adminPort = v; return this; }
        /** Sets {@link AppConfig#adminBind()}. */
        public Builder adminBind(String v) { adminBind = v; return this; }

        /** The console's client certificates: {@code mode}, issued by a CA in PEM file {@code trustedCas}. */
        public Builder adminClientAuth(ClientAuth mode, Path trustedCas) {
            adminClientAuth = Objects.requireNonNull(mode, "mode");
            adminClientCa = trustedCas;
            return this;
        }

        /** The metrics port ({@code null}: off; 0: any free port). */
        public Builder metricsPort(Integer v) { metricsPort = v; return this; }
        /** Sets {@link AppConfig#metricsBind()}. */
        public Builder metricsBind(String v) { metricsBind = v; return this; }
        /** Sets {@link AppConfig#tracingExporter()}. */
        public Builder tracingExporter(TracingExporter v) { tracingExporter = v; return this; }
        /** Sets {@link AppConfig#otlpEndpoint()}. */
        public Builder otlpEndpoint(java.net.URI v) { otlpEndpoint = v; return this; }
        /** Sets {@link AppConfig#tracingSampleRatio()}. */
        public Builder tracingSampleRatio(double v) { tracingSampleRatio = v; return this; }
        /** Sets {@link AppConfig#warmUp()}. */
        public Builder warmUp(Duration v) { warmUp = v; return this; }

        /** The core's configuration (default: {@link ServerConfig#builder()} with every default). */
        public Builder server(ServerConfig v) { server = Objects.requireNonNull(v, "server"); return this; }
        /** Sets {@link AppConfig#bind()}. */
        public Builder bind(String v) { bind = v; return this; }
        /** Sets {@link AppConfig#xmlPort()}. */
        public Builder xmlPort(int v) { xmlPort = v; return this; }
        /** Sets {@link AppConfig#grpcPort()}. */
        public Builder grpcPort(int v) { grpcPort = v; return this; }

        /** The server's PKCS#12 keystore and its password, instead of the development CA. */
        public Builder keystore(Path file, String password) {
            keystore = file;
            keystorePassword = password;
            return this;
        }

        /** Sets {@link AppConfig#caCertificate()}. */
        public Builder caCertificate(Path v) { caCertificate = v; return this; }

        /** Client certificates: {@code mode}, issued by a CA in PEM file {@code trustedCas}. */
        public Builder clientAuth(ClientAuth mode, Path trustedCas) {
            clientAuth = Objects.requireNonNull(mode, "mode");
            clientCa = trustedCas;
            return this;
        }

        /** Sets {@link AppConfig#demo()}. */
        public Builder demo(boolean v) { demo = v; return this; }
        /** Sets {@link AppConfig#operatorMark()}. */
        public Builder operatorMark(String v) { operatorMark = v; return this; }
        /** Sets {@link AppConfig#xmlMaxConcurrentRequests()}. */
        public Builder xmlMaxConcurrentRequests(int v) { xmlMaxConcurrentRequests = v; return this; }
        /** Sets {@link AppConfig#grpcMaxConcurrentCalls()}. */
        public Builder grpcMaxConcurrentCalls(int v) { grpcMaxConcurrentCalls = v; return this; }

        /**
         * The configuration.
         *
         * @throws ConfigurationException naming a setting that cannot be used
         */
        public AppConfig build() {
            return new AppConfig(this);
        }
    }
}
