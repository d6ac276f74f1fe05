package org.openpostage.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.internal.auth.OperatorStore;
import org.openpostage.server.internal.auth.PartnerStore;
import org.openpostage.server.internal.backgrounds.BackgroundStore;
import org.openpostage.server.internal.backgrounds.SampleBackgrounds;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.HealthProbe;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.flow.CoreContext;
import org.openpostage.server.internal.flow.Failures;
import org.openpostage.server.internal.flow.HistoryFlow;
import org.openpostage.server.internal.flow.CardPayments;
import org.openpostage.server.internal.flow.PurchaseFlow;
import org.openpostage.server.internal.flow.Reconciler;
import org.openpostage.server.internal.flow.RefundFlow;
import org.openpostage.server.internal.flow.VerifyFlow;
import org.openpostage.server.internal.idempotency.IdempotencyStore;
import org.openpostage.server.internal.journal.Checkpoints;
import org.openpostage.server.internal.journal.JournalAudit;
import org.openpostage.server.internal.journal.OperatorJournal;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.ledger.Signatures;
import org.openpostage.server.internal.nodes.Nodes;
import org.openpostage.server.internal.payments.PaymentStore;
import org.openpostage.server.internal.rates.Priced;
import org.openpostage.server.internal.rates.RateBook;
import org.openpostage.server.internal.rates.RateSource;
import org.openpostage.server.internal.signing.Installation;
import org.openpostage.server.internal.signing.Pkcs11Device;
import org.openpostage.server.internal.signing.Providers;
import org.openpostage.server.internal.signing.SigningDevice;
import org.openpostage.server.internal.signing.SigningKeys;
import org.openpostage.server.internal.signing.SoftwareDevice;
import org.openpostage.server.internal.telemetry.LedgerGauges;
import org.openpostage.server.internal.telemetry.ObservedService;
import org.openpostage.server.internal.telemetry.Telemetry;
import org.openpostage.server.internal.telemetry.TracedDevices;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.SecretFiles;
import org.openpostage.server.internal.util.Time;
import org.openpostage.server.model.Reconciliation;
import org.openpostage.server.spi.PaymentGateway;
import org.openpostage.server.spi.StampImaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference postal server's core: the in-process {@link PostalService} a postal operator
 * runs, with its ledger, meters, signing keys, rates, payments and background catalogue.
 * Transports expose it to portals; tests and embedding applications call it directly.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.load(Path.of("openpostage.properties"), System.getenv());
 * try (PostalCore core = PostalCore.builder(config).imaging(renderer).open()) {
 *     Authenticator auth = core.authenticator();          // for the transports' bindings
 *     Caller caller = auth.authenticate(Credentials.apiKey(apiKey));
 *     Purchase p = core.purchase(request, CallContext.withKey(orderId).withCaller(caller));
 * }
 * }</pre>
 *
 * <p>Every method reads the caller from {@link CallContext#caller()}: without one it throws
 * {@link AuthenticationException}. Mutating calls without an idempotency key get a fresh one (and
 * so no protection against repeats). Every state that matters lives in the database, so any
 * number of cores (server nodes) may share one PostgreSQL ledger; each runs the payment
 * reconciler and the idempotency key purge on a timer when {@link ServerConfig#backgroundTasks()}.
 * Thread-safe.
 */
public final class PostalCore implements PostalService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostalCore.class);
    /** How long a repeated call waits for the first one with its key before answering REQUEST_IN_PROGRESS. */
    private static final Duration IN_PROGRESS_WAIT = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final Database db;
    private final CoreContext ctx;
    private final PurchaseFlow purchases;
    private final RefundFlow refunds;
    private final VerifyFlow verifier;
    private final HistoryFlow history;
    private final Reconciler reconciler;
    private final PostalAdmin admin;
    private final ApiKeyAuthenticator authenticator;
    private final ScheduledExecutorService maintenance;
    private final SigningDevice device;
    private final Checkpoints checkpoints;
    private final Nodes nodes;
    private final ScheduledExecutorService heartbeat;
    private final HealthProbe health;
    private volatile boolean closed;
    private final Telemetry telemetry;
    private final LedgerGauges gauges;
    /** How often the ledger's gauges (meter registers, the reconciler's backlog ...) are read. */
    static final Duration GAUGE_INTERVAL = Duration.ofSeconds(15);

    /**
     * The rate tables: the sample ones, or those of {@code rates.file}.
     *
     * @throws ConfigurationException naming {@code rates.file} if the file cannot be read or parsed
     */
    private static RateBook rates(ServerConfig config) {
        if (config.ratesFile() == null) {
            return RateBook.sample();
        }
        try {
            return RateBook.load(config.ratesFile());
        } catch (RuntimeException e) {
            throw new ConfigurationException("rates.file " + config.ratesFile() + " cannot be used: " + e.getMessage(), e);
        }
    }

    private PostalCore(Builder b, Database db) {
        this.config = b.config;
        this.db = db;
        Clock clock = config.clock();
        String nodeId = "node-" + Ids.random(8);
        RateBook rates = rates(config);
        Installation installation = Installation.open(db, clock);
        OperatorJournal operatorJournal = new OperatorJournal(db);
        operatorJournal.initialize();
        this.telemetry = b.telemetry;
        boolean observed = telemetry != Telemetry.none();
        if (observed) {
            db.observe(telemetry.tracer());
        }
        SigningDevice opened = b.deviceWrapper.apply(openDevice(config, db, installation));
        this.device = observed ? TracedDevices.signing(opened, telemetry) : opened;
        StampImaging imaging = observed ? TracedDevices.imaging(b.imaging, telemetry) : b.imaging;
        SigningKeys signingKeys = new SigningKeys(db, device, installation, operatorJournal, clock,
                config.maxDaysAhead());
        try {
            signingKeys.initialize(config.signingAlgorithm());
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        this.checkpoints = new Checkpoints(db, signingKeys::checkpointKey, clock);
        Ledger ledger = new Ledger(db, signingKeys, clock, config.vendorId(), config.softwareId());
        this.nodes = new Nodes(db, nodeId, config.deadAfter());
        nodes.register();
        IdempotencyStore idempotency = new IdempotencyStore(db, clock, config.idempotencyRetention(),
                config.requestLease(), IN_PROGRESS_WAIT, nodes);
        PaymentStore payments = new PaymentStore(db, clock, config.requestLease(), nodeId);
        BackgroundStore backgrounds = new BackgroundStore(db, SampleBackgrounds.load(), clock);
        PaymentGateway simulated = new SimulatedCardGateway(db.dataSource(), clock);
        PaymentGateway live = b.liveGateway != null ? b.liveGateway : config.simulatedLivePayments() ? simulated : null;
        if (observed) {
            simulated = TracedDevices.gateway(simulated, telemetry);
            live = TracedDevices.gateway(live, telemetry);
        }
        if (b.liveGateway == null) {
            if (live != null) {
                log.warn("payments.simulated-live is on: live card payments use the SIMULATED gateway, so test cards "
                        + "buy live postage for no money (demo only; docs/test-cards.md)");
            } else {
                log.info("no live card gateway configured: live card payments are refused");
            }
        }
        RateSource rateSource = new RateSource(rates, db);
        this.ctx = new CoreContext(config, db, clock, ledger, idempotency, payments, rateSource, backgrounds, signingKeys,
                new Signatures(db, signingKeys), imaging, simulated, live, nodes);
        CardPayments cardPayments = new CardPayments(ctx);
        this.purchases = new PurchaseFlow(ctx, cardPayments);
        this.refunds = new RefundFlow(ctx);
        this.verifier = new VerifyFlow(ctx);
        this.history = new HistoryFlow(ctx);
        this.reconciler = new Reconciler(ctx, cardPayments, refunds);
        PartnerStore partners = new PartnerStore(db, clock);
        this.admin = new PostalAdmin(partners, ledger, signingKeys, backgrounds, config, imaging, operatorJournal,
                checkpoints, new JournalAudit(db, Providers.bouncyCastle()), db, clock, new OperatorStore(db, clock),
                rateSource, OperatorJournal.SYSTEM);
        this.authenticator = new ApiKeyAuthenticator(partners);
        this.maintenance = config.backgroundTasks() ? startMaintenance(nodeId) : null;
        this.heartbeat = startHeartbeat(nodeId);
        this.health = db.healthProbe();
        this.gauges = telemetry.metrics() ? LedgerGauges.start(db, telemetry.registry(), GAUGE_INTERVAL) : null;
        log.info("postal core {} started: {} ledger, rates from {}, signing in the {}, rendering {}", nodeId,
                db.vendor(), rates.source(), device.description(), b.imaging.available() ? "configured" : "not configured");
        if (device.kind() == SigningDevice.Kind.SOFTWARE) {
            if (config.softwareKeysForLivePostage()) {
                log.warn("psd.allow-software-keys-for-live-postage is ON: LIVE postage is signed with keys kept in the "
                        + "ledger database, so whoever holds the database and the keystore password can mint valid "
                        + "postage. Demo only: a postal server that sells postage signs in a PKCS#11 token "
                        + "(psd.device = pkcs11, docs/operations.md)");
            } else {
                log.warn("the signing keys are in the software keystore: LIVE postage is REFUSED (test postage is "
                        + "issued). Sign in a PKCS#11 token (psd.device = pkcs11, docs/operations.md) to sell postage");
            }
        }
    }

    /** The signing device the configuration names. */
    private static SigningDevice openDevice(ServerConfig config, Database db, Installation installation) {
        if (config.signingDevice() == ServerConfig.SigningDevice.PKCS11) {
            return Pkcs11Device.open(new Pkcs11Device.Settings(config.pkcs11Library(), config.pkcs11Slot(),
                    config.pkcs11TokenLabel(), config.pkcs11Pin()), installation.id());
        }
        return new SoftwareDevice(db, keystorePassword(config), config.dataDir(),
                config.signingProvider() == ServerConfig.SigningProvider.BC ? Providers.bouncyCastle() : null);
    }

    /** A builder for a core with {@code config}. */
    public static Builder builder(ServerConfig config) {
        return new Builder(config);
    }

    /** Opens a core with {@code config}, the simulated gateway and no renderer. */
    public static PostalCore open(ServerConfig config) {
        return builder(config).open();
    }

    // ------------------------------------------------------------------ PostalService

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        return call("quote", context, (caller, c) -> {
            LocalDate date = request.dateOfMailing() != null ? request.dateOfMailing() : ctx.today();
            Priced priced = ctx.rates().price(request.piece(), date);
            return new RateQuote(request.piece(), priced.price(), priced.table().version(), priced.zone(), date);
        });
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        return call("purchase", context, (caller, c) -> purchases.purchase(caller, key(caller, c), request));
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        return call("batch purchase", context,
                (caller, c) -> purchases.purchaseBatch(caller, key(caller, c), request, c.requestId()));
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        return call("refund", context, (caller, c) -> refunds.refund(caller, key(caller, c), request));
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        return call("account statement", context, (caller, c) -> {
            List<MeterStatement> meters = ctx.ledger().meters(caller.partnerId(), caller.mode()).stream()
                    .map(PostalAdmin::statement).toList();
            return new AccountStatement(caller.partnerId(), caller.mode(), meters, Time.now(ctx.clock()));
        });
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        return call("backgrounds", context, (caller, c) -> new BackgroundCatalogue(ctx.backgrounds().all()));
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        return call("verification keys", context, (caller, c) -> ctx.signingKeys().keySet());
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        return call("print component", context, (caller, c) -> ctx.imaging().printComponent());
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        return call("verify", context, (caller, c) -> verifier.verify(caller, request, c.requestId()));
    }

    @Override
    public PurchaseRecord lookupPurchase(PurchaseLookupRequest request, CallContext context) {
        return call("purchase lookup", context, (caller, c) -> history.lookup(caller, request));
    }

    @Override
    public PurchasePage listPurchases(PurchaseListRequest request, CallContext context) {
        return call("purchase list", context, (caller, c) -> history.list(caller, request));
    }

    @Override
    public JournalExport exportJournal(JournalExportRequest request, CallContext context) {
        return call("journal export", context, (caller, c) -> history.export(caller, request));
    }

    /**
     * This core as {@code transport} serves it, observed: each call a server span continuing the
     * caller's trace, its request and trace ids in the log lines it writes, and its metrics
     * (docs/operations.md, "Metrics"). Without {@link Builder#telemetry} only the log's ids.
     *
     * @param transport the transport's tag: {@code xml}, {@code grpc} or {@code in-process}
     */
    public PostalService observed(String transport) {
        return new ObservedService(this, telemetry, transport);
    }

    // ------------------------------------------------------------------ operator API

    /** The authenticator transports' server bindings use to turn API keys into callers. */
    public ApiKeyAuthenticator authenticator() {
        return authenticator;
    }

    /** The operator's administration API. */
    public PostalAdmin admin() {
        return admin;
    }

    /** The configuration this core runs with. */
    public ServerConfig config() {
        return config;
    }

    /** The currency of the rate table in force today: the currency meters should keep. */
    public Currency currency() {
        return ctx.rates().tableFor(ctx.today()).currency();
    }

    /**
     * Runs the payment reconciler once: settles card payments whose outcome was unknown, finishes
     * those a crashed request left, and repeats unconfirmed card refunds. Safe to call on several
     * nodes at once. (It also runs on a timer when background tasks are on.)
     */
    public Reconciliation reconcile() {
        try {
            return reconciler.run();
        } catch (RuntimeException e) {
            throw Failures.toPostage(e, "reconciliation", null);
        }
    }

    /**
     * Whether this node can serve: it is open and its database answered a check made in the last
     * few seconds, within one second ({@link HealthProbe}). Never blocks and never throws: what
     * health checks and load balancers ask before sending traffic to a node.
     */
    public boolean healthy() {
        return !closed && health.healthy();
    }

    /**
     * Runs {@code work} while this node holds the ledger-wide lock on the {@code installation} row
     * (the one key changes take), so that it runs on one node at a time: for one-off set-up such as
     * the demo seed, which several nodes starting at once would otherwise each do. {@code work}
     * uses connections of its own; the lock's transaction changes nothing.
     */
    <T> T exclusively(String what, Supplier<T> work) {
        return db.transaction(what, c -> {
            Sql.one(c, "SELECT id FROM installation WHERE id = 1 FOR UPDATE", rs -> rs.getInt(1));
            return work.get();
        });
    }

    /**
     * Reads the ledger's gauges (meter registers, the reconciler's backlog, idempotency keys) now;
     * they are read every 15 seconds anyway when metrics are on. Does nothing when they are off.
     */
    public void readLedgerGauges() {
        if (gauges != null) {
            gauges.read();
        }
    }

    /** Deletes finished idempotency keys past their retention; returns how many. */
    public int purgeExpiredIdempotencyKeys() {
        return ctx.idempotency().purgeExpired();
    }

    /**
     * Signs a checkpoint of the journals now (the timer does so every {@link
     * ServerConfig#checkpointInterval()}, and {@link #close()} at shutdown). Returns the checkpoint's
     * id, or 0 if no journal grew since the last one.
     */
    public long signCheckpoint() {
        try {
            return checkpoints.sign().map(Checkpoints.Checkpoint::checkpointId).orElse(0L);
        } catch (RuntimeException e) {
            throw Failures.toPostage(e, "journal checkpoint", null);
        }
    }

    /** Stops the timers, signs a last checkpoint of the journals, and closes the device and the connection pool. */
    @Override
    public void close() {
        closed = true;
        health.close();
        heartbeat.shutdownNow();
        if (maintenance != null) {
            maintenance.shutdownNow();
            try {
                maintenance.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (gauges != null) {
            gauges.close();
        }
        quietly("journal checkpoint at shutdown", checkpoints::sign);
        nodes.leave();
        device.close();
        db.close();
        log.info("postal core stopped");
    }

    // ------------------------------------------------------------------ helpers

    private interface Work<T> {
        T run(Caller caller, CallContext context);
    }

    private <T> T call(String operation, CallContext context, Work<T> work) {
        CallContext c = context == null ? CallContext.empty() : context;
        Caller caller = c.caller();
        if (caller == null) {
            throw new AuthenticationException("no authenticated caller: the transport must authenticate the request "
                    + "and put the caller in the call context");
        }
        if (c.expired(Clock.systemUTC())) {
            throw new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, operation + ": the call's deadline "
                    + c.deadline() + " has passed", null);
        }
        try {
            return work.run(caller, c);
        } catch (RuntimeException e) {
            throw Failures.toPostage(e, operation, c.requestId());
        }
    }

    /**
     * The idempotency key as the ledger stores it: scoped by the caller's mode, so that a partner's
     * test and live API keys never share an outcome (the same key used with both runs twice, once
     * in each mode). Keys are also per partner ({@code idempotency_keys}' primary key).
     */
    private static String key(Caller caller, CallContext context) {
        return caller.mode().name() + ":" + context.ensureIdempotencyKey().idempotencyKey();
    }

    /**
     * The node's heartbeat ({@link Nodes#beat}): always on, whatever {@code background-tasks} says,
     * since the other nodes take a node without a heartbeat for dead.
     */
    private ScheduledExecutorService startHeartbeat(String nodeId) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openpostage-heartbeat-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        long interval = config.heartbeatInterval().toMillis();
        s.scheduleWithFixedDelay(nodes::beat, interval, interval, TimeUnit.MILLISECONDS);
        return s;
    }

    private ScheduledExecutorService startMaintenance(String nodeId) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openpostage-maintenance-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        long interval = config.reconcileInterval().toMillis();
        s.scheduleWithFixedDelay(() -> quietly("reconciliation", reconciler::run), interval, interval,
                TimeUnit.MILLISECONDS);
        s.scheduleWithFixedDelay(() -> quietly("idempotency key purge", ctx.idempotency()::purgeExpired), 1, 60,
                TimeUnit.MINUTES);
        long checkpointEvery = config.checkpointInterval().toMillis();
        s.scheduleWithFixedDelay(() -> quietly("journal checkpoint", checkpoints::sign), checkpointEvery,
                checkpointEvery, TimeUnit.MILLISECONDS);
        return s;
    }

    private static void quietly(String what, Supplier<?> task) {
        try {
            task.get();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.getMessage());
        }
    }

    /**
     * The keystore password: configured, or else read from (or generated into) the data directory.
     * A generated password suits one node; several nodes need the same configured password.
     */
    private static char[] keystorePassword(ServerConfig config) {
        if (config.keystorePassword() != null) {
            return config.keystorePassword().toCharArray();
        }
        Path file = config.dataDir().resolve("keystore.password");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
            }
            String generated = Ids.random(32);
            SecretFiles.write(file, generated + "\n");
            log.warn("generated a keystore password in {}; set OPENPOSTAGE_KEYSTORE_PASSWORD (the same on every "
                    + "node) for production", file);
            return generated.toCharArray();
        } catch (IOException e) {
            throw new ConfigurationException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a {@link PostalCore}. */
    public static final class Builder {
        private final ServerConfig config;
        private PaymentGateway liveGateway;
        private StampImaging imaging = StampImaging.unavailable();
        private java.util.function.UnaryOperator<SigningDevice> deviceWrapper = d -> d;
        private Telemetry telemetry = Telemetry.none();

        private Builder(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * The gateway for live-mode card payments. Without one, live card payments are refused
         * ({@code SERVICE_UNAVAILABLE}) unless {@link ServerConfig#simulatedLivePayments()} lets the
         * {@link SimulatedCardGateway} take them. Test mode always uses the simulated gateway.
         */
        public Builder liveGateway(PaymentGateway gateway) {
            this.liveGateway = gateway;
            return this;
        }

        /**
         * Wraps the signing device the configuration names (tests watch what it signs). The core
         * closes the wrapper.
         */
        Builder wrapDevice(java.util.function.UnaryOperator<SigningDevice> wrapper) {
            this.deviceWrapper = Objects.requireNonNull(wrapper, "wrapper");
            return this;
        }

        /**
         * Reports metrics to {@code registry} (the calls, the ledger's gauges, the connection pool)
         * and spans to {@code openTelemetry} (ledger transactions, signatures, renderings, card gateway
         * calls; the calls themselves through {@link PostalCore#observed(String)}). Either may be
         * {@code null}: no metrics, or no spans.
         */
        public Builder telemetry(io.micrometer.core.instrument.MeterRegistry registry,
                                 io.opentelemetry.api.OpenTelemetry openTelemetry) {
            this.telemetry = Telemetry.of(registry, openTelemetry);
            return this;
        }

        /** The renderer for PNG and PDF output, the print component and background checks. */
        public Builder imaging(StampImaging imaging) {
            this.imaging = Objects.requireNonNull(imaging, "imaging");
            return this;
        }

        /**
         * Opens the core: creates the data directory, migrates the database, creates the signing
         * keystore on first start, and starts the timers.
         *
         * @throws ConfigurationException if the data directory, the database or the keystore cannot be used
         */
        public PostalCore open() {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new ConfigurationException("cannot create the data directory " + config.dataDir() + ": "
                        + e.getMessage(), e);
            }
            Database db;
            try {
                db = Database.open(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), config.poolSize(),
                        "openpostage-" + Ids.random(4), telemetry.metrics() ? telemetry.registry() : null);
            } catch (RuntimeException e) {
                throw new ConfigurationException("cannot connect to the ledger database "
                        + config.maskedJdbcUrl() + ": " + e.getMessage(), e);
            }
            try {
                try {
                    db.migrate();
                } catch (RuntimeException e) {
                    throw new ConfigurationException("the ledger database " + config.maskedJdbcUrl()
                            + " (jdbc.url) cannot be brought to this version's schema: " + e.getMessage(), e);
                }
                return new PostalCore(this, db);
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
    }
}
