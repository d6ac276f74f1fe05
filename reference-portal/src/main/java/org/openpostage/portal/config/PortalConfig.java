package org.openpostage.portal.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.Settings;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of a {@link org.openpostage.portal.PortalApp}: which postal server it sells for and how it looks.
 * Read it from a properties file and the environment with {@link #load(Path, Map)}; every
 * {@link Setting} has a property key and an environment variable ({@code PORTAL_} + the key in
 * upper case, dots and dashes as underscores), and the environment wins.
 *
 * <p>The postal server is reached only through {@link #clientConfig()}: the endpoint URI's scheme
 * ({@code https://} or {@code grpcs://}) picks the transport. Immutable; {@link #toString()}
 * hides the API key.
 */
public final class PortalConfig {
    /** The prefix of the environment variables. */
    public static final String ENV_PREFIX = "PORTAL_";

    /**
     * One setting: its property key, default and meaning (the documentation table is made from these).
     *
     * @param key          the property key
     * @param defaultValue the default, or {@code null} when required or empty
     * @param meaning      what it sets
     */
    public record Setting(String key, String defaultValue, String meaning) {
        /** The environment variable that overrides the property. */
        public String environmentName() {
            return Settings.environmentName(ENV_PREFIX, key);
        }
    }

    /** Every setting, in the order the documentation lists them. */
    public static final List<Setting> SETTINGS = List.of(
            new Setting("postal.endpoint", null, "the postal server: https://host:8443 (XML) or grpcs://host:9443 (gRPC); required"),
            new Setting("postal.api-key", null, "the partner's API key at the postal server; required"),
            new Setting("postal.trust-certificates", null, "PEM file of the CA(s) to trust for the postal server (default: the JDK's CAs)"),
            new Setting("postal.trust-store", null, "PKCS#12 trust store instead of a PEM file"),
            new Setting("postal.trust-store-password", null, "its password"),
            new Setting("postal.meter-id", null, "the meter to debit for store-credit orders (default: the partner's default meter)"),
            new Setting("portal.name", "OpenPostage Portal", "the shop's name, shown in every page header"),
            new Setting("portal.colour", "#1f5f8b", "the brand colour (#rrggbb)"),
            new Setting("portal.partner", "", "the partner account name shown in the footer"),
            new Setting("portal.bind", "127.0.0.1", "the address to listen on"),
            new Setting("portal.port", "7001", "the HTTP port (0 picks a free one)"),
            new Setting("portal.data-dir", "./portal-data", "where the portal's H2 database lives"),
            new Setting("portal.demo-users", "true", "create the demo users alice and bob on start"),
            new Setting("portal.demo-credit", "50.00", "the store credit each demo user starts with"),
            new Setting("portal.secure-cookies", "true", "mark the session cookie Secure (browsers accept it on http://localhost)"),
            new Setting("portal.resolve-interval", "PT1M", "how often pending store-credit orders are sent again in the background (ISO-8601 duration; 0 turns it off)"),
            new Setting("portal.sign-in-limit", "5", "failed sign-ins for one user name within portal.sign-in-lock before that name is locked"),
            new Setting("portal.sign-in-address-limit", "20", "failed sign-ins from one client address within portal.sign-in-lock before that address is locked (0 turns it off)"),
            new Setting("portal.sign-in-lock", "PT15M", "the window failed sign-ins are counted in, and how long a lock lasts (ISO-8601 duration)"),
            new Setting("portal.country", "US", "the shop's country (ISO 3166-1 code): where pieces are mailed from by default, and the default paper"),
            new Setting("portal.paper", "", "label sheets offered first: letter or a4 (default: letter in the US and Canada, a4 elsewhere)"),
            new Setting("portal.max-days-ahead", "30", "how many days ahead a date of mailing may be: the postal server's mailing.max-days-ahead"),
            new Setting("portal.operator-mark", "", "the postal operator's mark on stamps the portal composes, such as US POSTAGE (empty: none)"),
            new Setting("portal.metrics-port", "", "Prometheus metrics over plain HTTP at /metrics on this port (empty: off; 0 picks a free one)"),
            new Setting("portal.metrics-bind", "127.0.0.1", "the address the metrics port listens on"),
            new Setting("portal.tracing-exporter", "none", "OpenTelemetry spans: none, logging (in the log, for development) or otlp"),
            new Setting("portal.tracing-otlp-endpoint", "http://localhost:4318/v1/traces", "where otlp sends spans (OTLP over HTTP)"),
            new Setting("portal.tracing-sample-ratio", "1.0", "the share of new traces recorded, 0 to 1"));

    private static final Logger log = LoggerFactory.getLogger(PortalConfig.class);
    private static final Map<String, Setting> BY_KEY = SETTINGS.stream()
            .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));

    private final Map<String, String> values;
    private final ClientConfig clientConfig;

    private PortalConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
        this.clientConfig = buildClientConfig();
        colour();
        port();
        demoCreditMinor();
        meterId();
        resolveInterval();
        signInLimit();
        signInAddressLimit();
        signInLock();
        country();
        paper();
        maxDaysAhead();
        operatorMark();
        metricsPort();
        tracingExporter();
        otlpEndpoint();
        tracingSampleRatio();
    }

    /** The Prometheus metrics port, or {@code null} when metrics are off. */
    public Integer metricsPort() {
        String v = values.get("portal.metrics-port");
        return v == null || v.isBlank() ? null : intValue("portal.metrics-port", 0, 65535);
    }

    /** The address the metrics port listens on. */
    public String metricsBind() {
        return values.get("portal.metrics-bind");
    }

    /** What the portal does with its spans: {@code none}, {@code logging} or {@code otlp}. */
    public String tracingExporter() {
        String v = values.get("portal.tracing-exporter").strip().toLowerCase(Locale.ROOT);
        if (!v.equals("none") && !v.equals("logging") && !v.equals("otlp")) {
            throw new ConfigurationException("portal.tracing-exporter '" + v + "' must be none, logging or otlp");
        }
        return v;
    }

    /** Where {@code otlp} sends spans. */
    public URI otlpEndpoint() {
        String v = values.get("portal.tracing-otlp-endpoint");
        try {
            URI uri = URI.create(v.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("portal.tracing-otlp-endpoint '" + v + "' must be an http(s) URL");
        }
    }

    /** The share of new traces recorded. */
    public double tracingSampleRatio() {
        String v = values.get("portal.tracing-sample-ratio");
        try {
            double d = Double.parseDouble(v.strip());
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ConfigurationException("portal.tracing-sample-ratio '" + v + "' must be a number from 0 to 1");
    }

    /** The shop's country, an ISO 3166-1 alpha-2 code. */
    public String country() {
        String v = values.get("portal.country");
        try {
            return org.openpostage.api.model.AddressFormat.of(v).country();
        } catch (org.openpostage.api.error.InvalidRequestException e) {
            throw new ConfigurationException("portal.country '" + v + "' must be an ISO 3166-1 country code such as US, CA, GB or DE");
        }
    }

    /** The label sheets offered first: {@code letter} or {@code a4}. */
    public String paper() {
        String v = values.getOrDefault("portal.paper", "").toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return country().equals("US") || country().equals("CA") ? "letter" : "a4";
        }
        if (!v.equals("letter") && !v.equals("a4")) {
            throw new ConfigurationException("portal.paper '" + v + "' must be letter or a4");
        }
        return v;
    }

    /** How many days ahead a date of mailing may be. */
    public int maxDaysAhead() {
        return intValue("portal.max-days-ahead", 0, 366);
    }

    /** The operator's mark on stamps the portal composes, or {@code null}. */
    public String operatorMark() {
        String v = values.get("portal.operator-mark");
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return org.openpostage.render.OperatorMarks.DEFAULT.withOperatorMark(v).operatorMark();
        } catch (org.openpostage.api.error.InvalidRequestException e) {
            throw new ConfigurationException("portal.operator-mark '" + v + "' must be 1 to 20 printable ASCII characters");
        }
    }

    /**
     * The configuration given by {@code properties} (keys as in {@link #SETTINGS}); missing keys
     * take their defaults.
     *
     * @throws ConfigurationException naming an unknown key, a missing required one or an unusable value
     */
    public static PortalConfig fromProperties(Map<String, String> properties) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            if (s.defaultValue() != null) {
                v.put(s.key(), s.defaultValue());
            }
        }
        properties.forEach((key, value) -> {
            if (!BY_KEY.containsKey(key)) {
                throw new ConfigurationException("unknown setting '" + key + "'; known settings: " + BY_KEY.keySet());
            }
            if (value != null && !value.isBlank()) {
                v.put(key, value.strip());
            }
        });
        return new PortalConfig(v);
    }

    /**
     * Reads {@code file} (may be {@code null}; named but missing is an error) and then
     * {@code environment}, whose {@code PORTAL_*} variables override it:
     * {@code PORTAL_POSTAL_ENDPOINT} sets {@code postal.endpoint}. A variable set but blank is
     * ignored with a warning, as on the server ({@link Settings#fromEnvironment}).
     */
    public static PortalConfig load(Path file, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            merged.putAll(Settings.readFile(file));
        }
        merged.putAll(Settings.fromEnvironment(BY_KEY.keySet(), ENV_PREFIX, environment, log::warn));
        return fromProperties(merged);
    }

    /** How the portal reaches the postal server; the endpoint's scheme picks the transport. */
    public ClientConfig clientConfig() {
        return clientConfig;
    }

    /** The shop's name. */
    public String name() {
        return values.get("portal.name");
    }

    /** The brand colour, {@code #rrggbb}. */
    public String colour() {
        String c = values.get("portal.colour");
        if (!c.matches("#[0-9a-fA-F]{6}")) {
            throw new ConfigurationException("portal.colour '" + c + "' must look like #1f5f8b");
        }
        return c.toLowerCase(Locale.ROOT);
    }

    /** The partner account name shown to users. */
    public String partner() {
        return values.getOrDefault("portal.partner", "");
    }

    /** The address to listen on. */
    public String bind() {
        return values.get("portal.bind");
    }

    /** The HTTP port; 0 picks a free one. */
    public int port() {
        return intValue("portal.port", 0, 65535);
    }

    /** The portal's data directory. */
    public Path dataDir() {
        return Path.of(values.get("portal.data-dir"));
    }

    /** Whether to create the demo users. */
    public boolean demoUsers() {
        return bool("portal.demo-users");
    }

    /** Whether the session cookie is marked Secure. */
    public boolean secureCookies() {
        return bool("portal.secure-cookies");
    }

    /** The demo users' starting store credit, in minor units of the postal server's currency (two decimals). */
    public long demoCreditMinor() {
        String v = values.get("portal.demo-credit");
        try {
            return new java.math.BigDecimal(v).movePointRight(2).longValueExact();
        } catch (RuntimeException e) {
            throw new ConfigurationException("portal.demo-credit '" + v + "' must be an amount such as 50.00");
        }
    }

    /** The meter for store-credit orders, or {@code null} for the partner's default. */
    public Long meterId() {
        String v = values.get("postal.meter-id");
        return v == null ? null : (long) intValue("postal.meter-id", 1, Integer.MAX_VALUE);
    }

    /** How often pending store-credit orders are sent again in the background; zero when that is off. */
    public Duration resolveInterval() {
        return duration("portal.resolve-interval", true);
    }

    /** Failed sign-ins for one user name within {@link #signInLock()} before the name is locked. */
    public int signInLimit() {
        return intValue("portal.sign-in-limit", 1, 1000);
    }

    /** Failed sign-ins from one client address within {@link #signInLock()} before it is locked; 0 when off. */
    public int signInAddressLimit() {
        return intValue("portal.sign-in-address-limit", 0, 100_000);
    }

    /** The window failed sign-ins are counted in, and how long a lock lasts. */
    public Duration signInLock() {
        return duration("portal.sign-in-lock", false);
    }

    /** A copy with {@code key} set to {@code value}. */
    public PortalConfig with(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return fromProperties(v);
    }

    private ClientConfig buildClientConfig() {
        String endpoint = values.get("postal.endpoint");
        if (endpoint == null) {
            throw new ConfigurationException("postal.endpoint is required, for example https://localhost:8443 "
                    + "or grpcs://localhost:9443 (environment " + BY_KEY.get("postal.endpoint").environmentName() + ")");
        }
        String apiKey = values.get("postal.api-key");
        if (apiKey == null) {
            throw new ConfigurationException("postal.api-key is required (environment "
                    + BY_KEY.get("postal.api-key").environmentName() + ")");
        }
        ClientConfig.Builder b = ClientConfig.builder().apiKey(apiKey);
        try {
            b.endpoint(URI.create(endpoint));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("postal.endpoint '" + endpoint + "' is not a URI: " + e.getMessage());
        }
        TlsSettings.Builder tls = TlsSettings.builder();
        if (values.get("postal.trust-certificates") != null) {
            b.tls(tls.trustCertificates(Path.of(values.get("postal.trust-certificates"))).build());
        } else if (values.get("postal.trust-store") != null) {
            String pw = values.getOrDefault("postal.trust-store-password", "");
            b.tls(tls.trustStore(Path.of(values.get("postal.trust-store")), pw.toCharArray()).build());
        }
        return b.build();
    }

    private int intValue(String key, int min, int max) {
        return Settings.integer(key, values.get(key), min, max);
    }

    /** A duration ({@link Settings#duration}) up to 7 days; zero only when {@code zeroAllowed}. */
    private Duration duration(String key, boolean zeroAllowed) {
        Duration d = Settings.duration(key, values.get(key));
        if (d.isNegative() || (d.isZero() && !zeroAllowed) || d.compareTo(Duration.ofDays(7)) > 0) {
            throw new ConfigurationException(key + " '" + values.get(key) + "' must be a duration such as 1m or 15m, "
                    + "up to 7 days" + (zeroAllowed ? ", or 0 for off" : ""));
        }
        return d;
    }

    private boolean bool(String key) {
        return Settings.bool(key, values.get(key));
    }

    @Override
    public String toString() {
        return "PortalConfig[" + name() + ", endpoint=" + clientConfig.endpoint() + ", port=" + port()
                + ", dataDir=" + dataDir() + ", apiKey=****]";
    }
}
