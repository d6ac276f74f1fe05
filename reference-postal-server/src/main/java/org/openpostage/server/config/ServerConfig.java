package org.openpostage.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openpostage.api.Settings;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.jdbc.H2Durability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of a {@link org.openpostage.server.PostalCore}: where the ledger and the keys live, and the rules
 * the server applies. Build one with {@link #builder()}, or read it from a properties file and
 * the environment with {@link #load(Path, Map)}.
 *
 * <table>
 *   <caption>Settings: property key, environment variable, default</caption>
 *   <tr><th>key</th><th>environment</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code data.dir}</td><td>{@code OPENPOSTAGE_DATA_DIR}</td><td>{@code ./data}</td>
 *       <td>the embedded database, the keystore export and generated files</td></tr>
 *   <tr><td>{@code jdbc.url}</td><td>{@code OPENPOSTAGE_JDBC_URL}</td><td>H2 file {@code <data.dir>/ledger}</td>
 *       <td>{@code jdbc:h2:...} or {@code jdbc:postgresql://...}</td></tr>
 *   <tr><td>{@code jdbc.user}, {@code jdbc.password}</td><td>{@code OPENPOSTAGE_JDBC_USER}, {@code _PASSWORD}</td>
 *       <td>none</td><td>database credentials</td></tr>
 *   <tr><td>{@code jdbc.pool-size}</td><td>{@code OPENPOSTAGE_JDBC_POOL_SIZE}</td><td>10</td><td>connections</td></tr>
 *   <tr><td>{@code keystore.password}</td><td>{@code OPENPOSTAGE_KEYSTORE_PASSWORD}</td>
 *       <td>generated into {@code <data.dir>/keystore.password}</td><td>protects the signing keys; the
 *       same on every node</td></tr>
 *   <tr><td>{@code signing.algorithm}</td><td>{@code OPENPOSTAGE_SIGNING_ALGORITHM}</td>
 *       <td>{@code ECDSA_P256_SHA256}</td><td>or {@code ED25519}: the algorithm of keys created</td></tr>
 *   <tr><td>{@code signing.provider}</td><td>{@code OPENPOSTAGE_SIGNING_PROVIDER}</td><td>{@code bc}</td>
 *       <td>{@code bc} (BouncyCastle) or {@code jdk}</td></tr>
 *   <tr><td>{@code refund.window}</td><td>{@code OPENPOSTAGE_REFUND_WINDOW}</td><td>{@code P30D}</td>
 *       <td>how long after issue an indicium can be refunded</td></tr>
 *   <tr><td>{@code refund.reject-scanned}</td><td>{@code OPENPOSTAGE_REFUND_REJECT_SCANNED}</td><td>true</td>
 *       <td>refuse refunds of indicia already scanned in the mail stream</td></tr>
 *   <tr><td>{@code vendor.id}, {@code software.id}</td><td>{@code OPENPOSTAGE_VENDOR_ID}, {@code _SOFTWARE_ID}</td>
 *       <td>1, 1</td><td>carried in every indicium (0 to 65535)</td></tr>
 *   <tr><td>{@code rates.file}</td><td>{@code OPENPOSTAGE_RATES_FILE}</td><td>the sample tables</td>
 *       <td>an operator's rate file (docs/rates.md)</td></tr>
 *   <tr><td>{@code zone}</td><td>{@code OPENPOSTAGE_ZONE}</td><td>{@code UTC}</td>
 *       <td>the time zone that decides "today" for dates of mailing</td></tr>
 *   <tr><td>{@code mailing.max-days-ahead}</td><td>{@code OPENPOSTAGE_MAILING_MAX_DAYS_AHEAD}</td><td>30</td>
 *       <td>how far ahead a date of mailing may be; also sets a retired signing key's last date of
 *       mailing (docs/operations.md, "Key rotation"), so keep it the same on every node</td></tr>
 *   <tr><td>{@code idempotency.retention}</td><td>{@code OPENPOSTAGE_IDEMPOTENCY_RETENTION}</td><td>{@code PT24H}</td>
 *       <td>how long idempotency keys are kept (at least 24 hours)</td></tr>
 *   <tr><td>{@code request.lease}</td><td>{@code OPENPOSTAGE_REQUEST_LEASE}</td><td>{@code PT60S}</td>
 *       <td>after this, a request left in progress by a node that still runs may be taken over</td></tr>
 *   <tr><td>{@code node.heartbeat-interval}</td><td>{@code OPENPOSTAGE_NODE_HEARTBEAT_INTERVAL}</td><td>{@code PT1S}</td>
 *       <td>how often a node writes its heartbeat into the database and frees claims it left (at most
 *       2 s with an H2 ledger: the heartbeat forces H2's own writes to disk)</td></tr>
 *   <tr><td>{@code node.dead-after}</td><td>{@code OPENPOSTAGE_NODE_DEAD_AFTER}</td><td>{@code PT3S}</td>
 *       <td>a node whose heartbeat is older than this is dead: its requests in progress are taken over
 *       by the others (at least twice the heartbeat interval)</td></tr>
 *   <tr><td>{@code reconcile.interval}</td><td>{@code OPENPOSTAGE_RECONCILE_INTERVAL}</td><td>{@code PT30S}</td>
 *       <td>how often each node settles unknown payments</td></tr>
 *   <tr><td>{@code background-tasks}</td><td>{@code OPENPOSTAGE_BACKGROUND_TASKS}</td><td>true</td>
 *       <td>run the reconciler and the key purge on a timer</td></tr>
 *   <tr><td>{@code backgrounds.max-bytes}</td><td>{@code OPENPOSTAGE_BACKGROUNDS_MAX_BYTES}</td><td>5242880</td>
 *       <td>the largest background image an operator may add</td></tr>
 *   <tr><td>{@code payments.simulated-live}</td><td>{@code OPENPOSTAGE_PAYMENTS_SIMULATED_LIVE}</td><td>false</td>
 *       <td>demo only: without a live card gateway, charge live-mode cards through the simulated gateway
 *       (its test cards then buy valid live postage for no money). When false, live card payments are
 *       refused unless a live gateway is configured</td></tr>
 *   <tr><td>{@code psd.device}</td><td>{@code OPENPOSTAGE_PSD_DEVICE}</td><td>{@code software}</td>
 *       <td>where the signing keys live and every signature is made: {@code pkcs11} (a PKCS#11 token: an HSM,
 *       or SoftHSM2) or {@code software} (a keystore in the ledger database, for the demo and tests)</td></tr>
 *   <tr><td>{@code psd.pkcs11.library}</td><td>{@code OPENPOSTAGE_PSD_PKCS11_LIBRARY}</td>
 *       <td>{@code /usr/lib/softhsm/libsofthsm2.so}</td><td>the token's PKCS#11 library</td></tr>
 *   <tr><td>{@code psd.pkcs11.token-label}</td><td>{@code OPENPOSTAGE_PSD_PKCS11_TOKEN_LABEL}</td><td>none</td>
 *       <td>the token, by its label (or give {@code psd.pkcs11.slot})</td></tr>
 *   <tr><td>{@code psd.pkcs11.slot}</td><td>{@code OPENPOSTAGE_PSD_PKCS11_SLOT}</td><td>none</td>
 *       <td>the token, by its slot id</td></tr>
 *   <tr><td>(environment only)</td><td>{@code OPENPOSTAGE_PSD_PKCS11_PIN}</td><td>none</td>
 *       <td>the token's user PIN; refused in a file</td></tr>
 *   <tr><td>{@code psd.allow-software-keys-for-live-postage}</td>
 *       <td>{@code OPENPOSTAGE_PSD_ALLOW_SOFTWARE_KEYS_FOR_LIVE_POSTAGE}</td><td>false</td>
 *       <td>lets a server whose keys are in the software keystore issue live postage. Whoever holds the
 *       database and the keystore password could then mint valid postage: for the demo only
 *       ({@code demo=true} turns it on unless the file says otherwise)</td></tr>
 *   <tr><td>{@code journal.checkpoint-interval}</td><td>{@code OPENPOSTAGE_JOURNAL_CHECKPOINT_INTERVAL}</td>
 *       <td>{@code PT5M}</td><td>how often a node signs a checkpoint of the journals (also at shutdown)</td></tr>
 * </table>
 *
 * <p>Durations are ISO-8601 ({@code PT30S}, {@code P30D}) or whole seconds. Immutable;
 * {@link #toString()} hides passwords.
 */
public final class ServerConfig {
    private static final Logger log = LoggerFactory.getLogger(ServerConfig.class);
    /** The prefix of the environment variables read by {@link #load(Path, Map)}. */
    public static final String ENV_PREFIX = "OPENPOSTAGE_";
    /** The shortest idempotency retention accepted. */
    public static final Duration MIN_RETENTION = Duration.ofHours(24);
    /** The longest heartbeat interval on an H2 ledger (see the RETENTION_TIME of its default URL). */
    private static final Duration MAX_H2_HEARTBEAT = Duration.ofSeconds(2);

    private static final Set<String> KEYS = Set.of("data.dir", "jdbc.url", "jdbc.user", "jdbc.password",
            "jdbc.pool-size", "keystore.password", "signing.algorithm", "signing.provider", "refund.window",
            "refund.reject-scanned", "vendor.id", "software.id", "rates.file", "zone", "mailing.max-days-ahead",
            "idempotency.retention", "request.lease", "reconcile.interval", "background-tasks",
            "backgrounds.max-bytes", "payments.simulated-live", "psd.device", "psd.pkcs11.library",
            "psd.pkcs11.token-label", "psd.pkcs11.slot", "psd.pkcs11.pin", "psd.allow-software-keys-for-live-postage",
            "journal.checkpoint-interval", "node.heartbeat-interval", "node.dead-after");

    /** The setting of the PKCS#11 user PIN, read from the environment ({@code OPENPOSTAGE_PSD_PKCS11_PIN}) only. */
    public static final String PIN_KEY = "psd.pkcs11.pin";
    /** The PKCS#11 library of SoftHSM2 on Debian: the default of {@code psd.pkcs11.library}. */
    public static final Path SOFTHSM2_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    /** Where the signing keys live and every signature is made. */
    public enum SigningDevice {
        /** A keystore in the ledger database, password-protected: for the demo and tests. */
        SOFTWARE,
        /** A PKCS#11 token (a hardware security module, or SoftHSM2 in development). */
        PKCS11
    }

    /** Which JCA provider signs indicia. */
    public enum SigningProvider {
        /** BouncyCastle: on Java 17 about 7 times faster than the JDK for ECDSA P-256. */
        BC,
        /** The JDK's default provider. */
        JDK
    }

    private final Path dataDir;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final int poolSize;
    private final String keystorePassword;
    private final SignatureAlgorithm signingAlgorithm;
    private final SigningProvider signingProvider;
    private final Duration refundWindow;
    private final boolean rejectScannedRefunds;
    private final int vendorId;
    private final int softwareId;
    private final Path ratesFile;
    private final ZoneId zone;
    private final int maxDaysAhead;
    private final Duration idempotencyRetention;
    private final Duration requestLease;
    private final Duration heartbeatInterval;
    private final Duration deadAfter;
    private final Duration reconcileInterval;
    private final boolean backgroundTasks;
    private final int maxBackgroundBytes;
    private final boolean simulatedLivePayments;
    private final SigningDevice signingDevice;
    private final Path pkcs11Library;
    private final String pkcs11TokenLabel;
    private final Long pkcs11Slot;
    private final char[] pkcs11Pin;
    private final boolean softwareKeysForLivePostage;
    private final Duration checkpointInterval;
    private final Clock clock;

    private ServerConfig(Builder b) {
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir").toAbsolutePath().normalize();
        // QUERY_CACHE_SIZE: H2 keeps 8 parsed statements per connection by default, fewer than a purchase
        // runs, so every statement was parsed again each time (7-8 % of a loaded server's CPU).
        // RETENTION_TIME: H2 reuses the space of old chunks only after 45 s by default, time it allows the
        // disk to flush its writes; here every write is forced to disk within a second (the commits'
        // checkpoints, H2Durability, and the node's heartbeat each second), and 5 s cut the file's growth
        // from 28.4 to 3.1 KB per purchase (docs/performance.md, "Durable commits on H2").
        this.jdbcUrl = b.jdbcUrl != null ? b.jdbcUrl
                : "jdbc:h2:file:" + dataDir.resolve("ledger") + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64"
                        + ";RETENTION_TIME=5000";
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigurationException("jdbc.url must start with jdbc:h2: or jdbc:postgresql:");
        }
        this.jdbcUser = b.jdbcUser;
        this.jdbcPassword = b.jdbcPassword;
        this.poolSize = range("jdbc.pool-size", b.poolSize, 2, 500);
        this.keystorePassword = b.keystorePassword;
        this.signingAlgorithm = Objects.requireNonNull(b.signingAlgorithm, "signingAlgorithm");
        this.signingProvider = Objects.requireNonNull(b.signingProvider, "signingProvider");
        this.refundWindow = positive("refund.window", b.refundWindow);
        this.rejectScannedRefunds = b.rejectScannedRefunds;
        this.vendorId = range("vendor.id", b.vendorId, 0, 0xFFFF);
        this.softwareId = range("software.id", b.softwareId, 0, 0xFFFF);
        this.ratesFile = b.ratesFile;
        this.zone = Objects.requireNonNull(b.zone, "zone");
        this.maxDaysAhead = range("mailing.max-days-ahead", b.maxDaysAhead, 0, 366);
        this.idempotencyRetention = positive("idempotency.retention", b.idempotencyRetention);
        if (idempotencyRetention.compareTo(MIN_RETENTION) < 0) {
            throw new ConfigurationException("idempotency.retention must be at least PT24H, was " + idempotencyRetention);
        }
        this.requestLease = positive("request.lease", b.requestLease);
        this.heartbeatInterval = positive("node.heartbeat-interval", b.heartbeatInterval);
        this.deadAfter = positive("node.dead-after", b.deadAfter);
        if (deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new ConfigurationException("node.dead-after (" + deadAfter + ") must be at least twice "
                    + "node.heartbeat-interval (" + heartbeatInterval + ")");
        }
        if (H2Durability.appliesTo(jdbcUrl) && heartbeatInterval.compareTo(MAX_H2_HEARTBEAT) > 0) {
            // The heartbeat is a durable write: on an H2 file it forces to disk, at least this often,
            // whatever H2 wrote by itself meanwhile, well within the RETENTION_TIME of 5 s above.
            throw new ConfigurationException("node.heartbeat-interval (" + heartbeatInterval + ") must be at most "
                    + MAX_H2_HEARTBEAT + " with an H2 ledger: its heartbeats are what force H2's own writes to disk");
        }
        this.reconcileInterval = positive("reconcile.interval", b.reconcileInterval);
        this.backgroundTasks = b.backgroundTasks;
        this.maxBackgroundBytes = range("backgrounds.max-bytes", b.maxBackgroundBytes, 1024, 50 * 1024 * 1024);
        this.simulatedLivePayments = b.simulatedLivePayments;
        this.signingDevice = Objects.requireNonNull(b.signingDevice, "signingDevice");
        this.pkcs11Library = Objects.requireNonNull(b.pkcs11Library, "pkcs11Library");
        this.pkcs11TokenLabel = b.pkcs11TokenLabel;
        this.pkcs11Slot = b.pkcs11Slot;
        this.pkcs11Pin = b.pkcs11Pin == null ? null : b.pkcs11Pin.clone();
        this.softwareKeysForLivePostage = b.softwareKeysForLivePostage;
        this.checkpointInterval = positive("journal.checkpoint-interval", b.checkpointInterval);
        if (signingDevice == SigningDevice.PKCS11) {
            if ((pkcs11TokenLabel == null) == (pkcs11Slot == null)) {
                throw new ConfigurationException("psd.device = pkcs11 needs the token: set psd.pkcs11.token-label or "
                        + "psd.pkcs11.slot (one of them)");
            }
            if (signingAlgorithm != SignatureAlgorithm.ECDSA_P256_SHA256) {
                throw new ConfigurationException("psd.device = pkcs11 signs with ECDSA P-256 only (the JDK's SunPKCS11 "
                        + "has no Ed25519): set signing.algorithm = ECDSA_P256_SHA256");
            }
        }
        this.clock = Objects.requireNonNull(b.clock, "clock");
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from {@code properties} (keys as in the table above).
     *
     * @throws ConfigurationException naming an unknown key or a value that cannot be used
     */
    public static ServerConfig fromProperties(Map<String, String> properties) {
        Builder b = builder();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (!KEYS.contains(key)) {
                throw new ConfigurationException("unknown setting '" + key + "'; known settings: " + KEYS);
            }
            if (value.isEmpty()) {
                continue;
            }
            try {
                apply(b, key, value);
            } catch (RuntimeException ex) {
                if (ex instanceof ConfigurationException ce) {
                    throw ce;
                }
                throw new ConfigurationException(key + " = '" + (key.endsWith("password") || key.endsWith("pin") ? "****" : value)
                        + "' cannot be used: " + ex.getMessage());
            }
        }
        return b.build();
    }

    /**
     * Reads the settings from a properties file (may be {@code null} or absent) and then from
     * {@code environment}, whose {@code OPENPOSTAGE_*} variables override the file: for example
     * {@code OPENPOSTAGE_JDBC_URL} sets {@code jdbc.url}.
     */
    public static ServerConfig load(Path propertiesFile, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (propertiesFile != null && Files.exists(propertiesFile)) {
            Map<String, String> file = Settings.readFile(propertiesFile);
            refuseSecretsInFile(propertiesFile, file.keySet());
            merged.putAll(file);
        }
        merged.putAll(environmentSettings(KEYS, environment));
        return fromProperties(merged);
    }

    /**
     * Refuses a configuration file that holds the PKCS#11 PIN: it belongs in the environment
     * ({@code OPENPOSTAGE_PSD_PKCS11_PIN}), set by whoever starts the server, not in a file that is
     * copied and backed up.
     *
     * @throws ConfigurationException if {@code keys} (of {@code file}) hold {@value #PIN_KEY}
     */
    public static void refuseSecretsInFile(Path file, Collection<String> keys) {
        if (keys.contains(PIN_KEY)) {
            throw new ConfigurationException(file + " sets " + PIN_KEY + ": the token's PIN is read from the environment "
                    + "only; remove it from the file and set " + environmentName(PIN_KEY));
        }
    }

    /**
     * The settings among {@code keys} that {@code environment} sets, by key: {@code jdbc.url} from
     * {@code OPENPOSTAGE_JDBC_URL} and so on ({@link #environmentName}). A variable that is set but
     * blank is ignored, with a warning ({@link Settings#fromEnvironment}): an empty variable must
     * not turn a setting of the configuration file (say, {@code tls.client-auth = require}) back
     * to its default.
     */
    public static Map<String, String> environmentSettings(Collection<String> keys, Map<String, String> environment) {
        return Settings.fromEnvironment(keys, ENV_PREFIX, environment, log::warn);
    }

    /** Every setting key this class reads, as in the table above. */
    public static Set<String> keys() {
        return KEYS;
    }

    /** The environment variable for setting {@code key}: {@code jdbc.url} is {@code OPENPOSTAGE_JDBC_URL}. */
    public static String environmentName(String key) {
        return Settings.environmentName(ENV_PREFIX, key);
    }

    private static void apply(Builder b, String key, String v) {
        switch (key) {
            case "data.dir" -> b.dataDir(Path.of(v));
            case "jdbc.url" -> b.jdbcUrl(v);
            case "jdbc.user" -> b.jdbcUser(v);
            case "jdbc.password" -> b.jdbcPassword(v);
            case "jdbc.pool-size" -> b.poolSize(Integer.parseInt(v));
            case "keystore.password" -> b.keystorePassword(v);
            case "signing.algorithm" -> b.signingAlgorithm(algorithm(v));
            case "signing.provider" -> b.signingProvider(SigningProvider.valueOf(v.toUpperCase(Locale.ROOT)));
            case "refund.window" -> b.refundWindow(Settings.duration(key, v));
            case "refund.reject-scanned" -> b.rejectScannedRefunds(Settings.bool(key, v));
            case "vendor.id" -> b.vendorId(Integer.parseInt(v));
            case "software.id" -> b.softwareId(Integer.parseInt(v));
            case "rates.file" -> b.ratesFile(Path.of(v));
            case "zone" -> b.zone(zoneId(v));
            case "mailing.max-days-ahead" -> b.maxDaysAhead(Integer.parseInt(v));
            case "idempotency.retention" -> b.idempotencyRetention(Settings.duration(key, v));
            case "request.lease" -> b.requestLease(Settings.duration(key, v));
            case "node.heartbeat-interval" -> b.heartbeatInterval(Settings.duration(key, v));
            case "node.dead-after" -> b.deadAfter(Settings.duration(key, v));
            case "reconcile.interval" -> b.reconcileInterval(Settings.duration(key, v));
            case "background-tasks" -> b.backgroundTasks(Settings.bool(key, v));
            case "backgrounds.max-bytes" -> b.maxBackgroundBytes(Integer.parseInt(v));
            case "payments.simulated-live" -> b.simulatedLivePayments(Settings.bool(key, v));
            case "psd.device" -> b.signingDevice(device(v));
            case "psd.pkcs11.library" -> b.pkcs11Library(Path.of(v));
            case "psd.pkcs11.token-label" -> b.pkcs11TokenLabel(v);
            case "psd.pkcs11.slot" -> b.pkcs11Slot(Long.parseLong(v));
            case "psd.pkcs11.pin" -> b.pkcs11Pin(v.toCharArray());
            case "psd.allow-software-keys-for-live-postage" -> b.softwareKeysForLivePostage(Settings.bool(key, v));
            case "journal.checkpoint-interval" -> b.checkpointInterval(Settings.duration(key, v));
            default -> throw new IllegalStateException("unhandled key " + key);
        }
    }

    private static SignatureAlgorithm algorithm(String v) {
        return switch (v.toUpperCase(Locale.ROOT).replace('-', '_')) {
            case "ECDSA_P256_SHA256", "ECDSA_P256", "ECDSA", "P256" -> SignatureAlgorithm.ECDSA_P256_SHA256;
            case "ED25519" -> SignatureAlgorithm.ED25519;
            default -> throw new IllegalArgumentException("expected ECDSA_P256_SHA256 or ED25519");
        };
    }

    private static SigningDevice device(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "pkcs11" -> SigningDevice.PKCS11;
            case "software" -> SigningDevice.SOFTWARE;
            default -> throw new IllegalArgumentException("expected pkcs11 or software");
        };
    }

    private static ZoneId zoneId(String v) {
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not a time zone id such as UTC or Europe/Berlin");
        }
    }

    private static int range(String key, int v, int min, int max) {
        if (v < min || v > max) {
            throw new ConfigurationException(key + " must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    private static Duration positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigurationException(key + " must be a positive duration, was " + d);
        }
        return d;
    }

    /** The data directory (absolute). */
    public Path dataDir() {
        return dataDir;
    }

    /** The JDBC URL of the ledger. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The database user, or {@code null}. */
    public String jdbcUser() {
        return jdbcUser;
    }

    /** The database password, or {@code null}. */
    public String jdbcPassword() {
        return jdbcPassword;
    }

    /** The connection pool size. */
    public int poolSize() {
        return poolSize;
    }

    /** The keystore password, or {@code null} to use the generated one in the data directory. */
    public String keystorePassword() {
        return keystorePassword;
    }

    /** The algorithm of newly created signing keys. */
    public SignatureAlgorithm signingAlgorithm() {
        return signingAlgorithm;
    }

    /** The JCA provider that signs. */
    public SigningProvider signingProvider() {
        return signingProvider;
    }

    /** How long after issue an indicium may be refunded. */
    public Duration refundWindow() {
        return refundWindow;
    }

    /** Whether refunds of indicia already scanned in the mail stream are refused. */
    public boolean rejectScannedRefunds() {
        return rejectScannedRefunds;
    }

    /** The vendor id carried in indicia. */
    public int vendorId() {
        return vendorId;
    }

    /** The software id carried in indicia. */
    public int softwareId() {
        return softwareId;
    }

    /** The operator's rate file, or {@code null} for the sample tables. */
    public Path ratesFile() {
        return ratesFile;
    }

    /** The time zone that decides "today". */
    public ZoneId zone() {
        return zone;
    }

    /** How many days ahead a date of mailing may be. */
    public int maxDaysAhead() {
        return maxDaysAhead;
    }

    /** How long idempotency keys are kept. */
    public Duration idempotencyRetention() {
        return idempotencyRetention;
    }

    /** How long a request may stay in progress before another node may take it over. */
    public Duration requestLease() {
        return requestLease;
    }

    /** How often a node writes its heartbeat into the database and frees the claims it left. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How old a node's last heartbeat may be before the other nodes take over its requests in progress. */
    public Duration deadAfter() {
        return deadAfter;
    }

    /** How often the reconciler runs. */
    public Duration reconcileInterval() {
        return reconcileInterval;
    }

    /** Whether the reconciler and the purge run on a timer. */
    public boolean backgroundTasks() {
        return backgroundTasks;
    }

    /** The largest background image an operator may add, in bytes. */
    public int maxBackgroundBytes() {
        return maxBackgroundBytes;
    }

    /**
     * Whether live-mode card payments may use the simulated gateway when no live gateway is
     * configured (a demo setting: it sells live postage for test cards).
     */
    public boolean simulatedLivePayments() {
        return simulatedLivePayments;
    }

    /** Where the signing keys live and every signature is made. */
    public SigningDevice signingDevice() {
        return signingDevice;
    }

    /** The PKCS#11 library of the token. */
    public Path pkcs11Library() {
        return pkcs11Library;
    }

    /** The label of the PKCS#11 token, or {@code null} when it is named by slot. */
    public String pkcs11TokenLabel() {
        return pkcs11TokenLabel;
    }

    /** The slot id of the PKCS#11 token, or {@code null} when it is named by label. */
    public Long pkcs11Slot() {
        return pkcs11Slot;
    }

    /** A copy of the token's user PIN, or {@code null}. */
    public char[] pkcs11Pin() {
        return pkcs11Pin == null ? null : pkcs11Pin.clone();
    }

    /**
     * Whether live postage may be signed with keys of the software keystore ({@code
     * psd.allow-software-keys-for-live-postage}): a demo setting.
     */
    public boolean softwareKeysForLivePostage() {
        return softwareKeysForLivePostage;
    }

    /** How often a node signs a checkpoint of the journals. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** The clock the server reads time from. */
    public Clock clock() {
        return clock;
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder().dataDir(dataDir).jdbcUrl(jdbcUrl).jdbcUser(jdbcUser).jdbcPassword(jdbcPassword)
                .poolSize(poolSize).keystorePassword(keystorePassword).signingAlgorithm(signingAlgorithm)
                .signingProvider(signingProvider).refundWindow(refundWindow).rejectScannedRefunds(rejectScannedRefunds)
                .vendorId(vendorId).softwareId(softwareId).ratesFile(ratesFile).zone(zone).maxDaysAhead(maxDaysAhead)
                .idempotencyRetention(idempotencyRetention).requestLease(requestLease)
                .heartbeatInterval(heartbeatInterval).deadAfter(deadAfter)
                .reconcileInterval(reconcileInterval).backgroundTasks(backgroundTasks)
                .maxBackgroundBytes(maxBackgroundBytes).simulatedLivePayments(simulatedLivePayments)
                .signingDevice(signingDevice).pkcs11Library(pkcs11Library).pkcs11TokenLabel(pkcs11TokenLabel)
                .pkcs11Slot(pkcs11Slot).pkcs11Pin(pkcs11Pin).softwareKeysForLivePostage(softwareKeysForLivePostage)
                .checkpointInterval(checkpointInterval).clock(clock);
    }

    /** Never shows passwords, nor a password inside the JDBC URL. */
    @Override
    public String toString() {
        return "ServerConfig[dataDir=" + dataDir + ", jdbcUrl=" + maskUrl(jdbcUrl) + ", jdbcUser=" + jdbcUser
                + ", jdbcPassword=" + (jdbcPassword == null ? "none" : "****") + ", keystorePassword="
                + (keystorePassword == null ? "generated" : "****") + ", signing=" + signingAlgorithm + "/"
                + signingProvider + ", refundWindow=" + refundWindow + ", vendorId=" + vendorId + ", softwareId="
                + softwareId + ", ratesFile=" + (ratesFile == null ? "sample" : ratesFile) + ", zone=" + zone
                + ", psd=" + signingDevice + (signingDevice == SigningDevice.PKCS11 ? "(" + pkcs11Library + ", "
                + (pkcs11TokenLabel != null ? "token '" + pkcs11TokenLabel + "'" : "slot " + pkcs11Slot) + ", pin "
                + (pkcs11Pin == null ? "none" : "****") + ")" : "") + "]";
    }

    /** The JDBC URL with any {@code password=} parameter masked: what messages and logs may show. */
    public String maskedJdbcUrl() {
        return maskUrl(jdbcUrl);
    }

    /** {@code url} with any {@code password=} parameter masked. */
    static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    /** Builds {@link ServerConfig}. Not thread-safe. */
    public static final class Builder {
        private Path dataDir = Path.of("data");
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private int poolSize = 10;
        private String keystorePassword;
        private SignatureAlgorithm signingAlgorithm = SignatureAlgorithm.ECDSA_P256_SHA256;
        private SigningProvider signingProvider = SigningProvider.BC;
        private Duration refundWindow = Duration.ofDays(30);
        private boolean rejectScannedRefunds = true;
        private int vendorId = 1;
        private int softwareId = 1;
        private Path ratesFile;
        private ZoneId zone = ZoneOffset.UTC;
        private int maxDaysAhead = 30;
        private Duration idempotencyRetention = MIN_RETENTION;
        private Duration requestLease = Duration.ofSeconds(60);
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration deadAfter = Duration.ofSeconds(3);
        private Duration reconcileInterval = Duration.ofSeconds(30);
        private boolean backgroundTasks = true;
        private int maxBackgroundBytes = 5 * 1024 * 1024;
        private boolean simulatedLivePayments;
        private SigningDevice signingDevice = SigningDevice.SOFTWARE;
        private Path pkcs11Library = SOFTHSM2_LIBRARY;
        private String pkcs11TokenLabel;
        private Long pkcs11Slot;
        private char[] pkcs11Pin;
        private boolean softwareKeysForLivePostage;
        private Duration checkpointInterval = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Sets {@link ServerConfig#dataDir()}. */
        public Builder dataDir(Path v) { dataDir = v; return this; }
        /** Sets {@link ServerConfig#jdbcUrl()}; {@code null} for the embedded H2 default. */
        public Builder jdbcUrl(String v) { jdbcUrl = v; return this; }
        /** Sets {@link ServerConfig#jdbcUser()}. */
        public Builder jdbcUser(String v) { jdbcUser = v; return this; }
        /** Sets {@link ServerConfig#jdbcPassword()}. */
        public Builder jdbcPassword(String v) { jdbcPassword = v; return this; }
        /** Sets {@link ServerConfig#poolSize()}. */
        public Builder poolSize(int v) { poolSize = v; return this; }
        /** Sets {@link ServerConfig#keystorePassword()}. */
        public Builder keystorePassword(String v) { keystorePassword = v; return this; }
        /** Sets {@link ServerConfig#signingAlgorithm()}. */
        public Builder signingAlgorithm(SignatureAlgorithm v) { signingAlgorithm = v; return this; }
        /** Sets {@link ServerConfig#signingProvider()}. */
        public Builder signingProvider(SigningProvider v) { signingProvider = v; return this; }
        /** Sets {@link ServerConfig#refundWindow()}. */
        public Builder refundWindow(Duration v) { refundWindow = v; return this; }
        /** Sets {@link ServerConfig#rejectScannedRefunds()}. */
        public Builder rejectScannedRefunds(boolean v) { rejectScannedRefunds = v; return this; }
        /** Sets {@link ServerConfig#vendorId()}. */
        public Builder vendorId(int v) { vendorId = v; return this; }
        /** Sets {@link ServerConfig#softwareId()}. */
        public Builder softwareId(int v) { softwareId = v; return this; }
        /** Sets {@link ServerConfig#ratesFile()}; {@code null} for the sample tables. */
        public Builder ratesFile(Path v) { ratesFile = v; return this; }
        /** Sets {@link ServerConfig#zone()}. */
        public Builder zone(ZoneId v) { zone = v; return this; }
        /** Sets {@link ServerConfig#maxDaysAhead()}. */
        public Builder maxDaysAhead(int v) { maxDaysAhead = v; return this; }
        /** Sets {@link ServerConfig#idempotencyRetention()}. */
        public Builder idempotencyRetention(Duration v) { idempotencyRetention = v; return this; }
        /** Sets {@link ServerConfig#requestLease()}. */
        public Builder requestLease(Duration v) { requestLease = v; return this; }

        /** Sets {@link ServerConfig#heartbeatInterval()}. */
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }

        /** Sets {@link ServerConfig#deadAfter()}. */
        public Builder deadAfter(Duration v) { deadAfter = v; return this; }
        /** Sets {@link ServerConfig#reconcileInterval()}. */
        public Builder reconcileInterval(Duration v) { reconcileInterval = v; return this; }
        /** Sets {@link ServerConfig#backgroundTasks()}. */
        public Builder backgroundTasks(boolean v) { backgroundTasks = v; return this; }
        /** Sets {@link ServerConfig#maxBackgroundBytes()}. */
        public Builder maxBackgroundBytes(int v) { maxBackgroundBytes = v; return this; }
        /** Sets {@link ServerConfig#simulatedLivePayments()}. */
        public Builder simulatedLivePayments(boolean v) { simulatedLivePayments = v; return this; }
        /** Sets {@link ServerConfig#signingDevice()}. */
        public Builder signingDevice(SigningDevice v) { signingDevice = v; return this; }
        /** Sets {@link ServerConfig#pkcs11Library()}. */
        public Builder pkcs11Library(Path v) { pkcs11Library = v; return this; }
        /** Sets {@link ServerConfig#pkcs11TokenLabel()}. */
        public Builder pkcs11TokenLabel(String v) { pkcs11TokenLabel = v; return this; }
        /** Sets {@link ServerConfig#pkcs11Slot()}. */
        public Builder pkcs11Slot(Long v) { pkcs11Slot = v; return this; }
        /** Sets {@link ServerConfig#pkcs11Pin()} (copied). */
        public Builder pkcs11Pin(char[] v) { pkcs11Pin = v == null ? null : v.clone(); return this; }
        /** Sets {@link ServerConfig#softwareKeysForLivePostage()}. */
        public Builder softwareKeysForLivePostage(boolean v) { softwareKeysForLivePostage = v; return this; }
        /** Sets {@link ServerConfig#checkpointInterval()}. */
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        /** Sets {@link ServerConfig#clock()}. */
        public Builder clock(Clock v) { clock = v; return this; }

        /**
         * The configuration.
         *
         * @throws ConfigurationException naming a setting out of range
         */
        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
