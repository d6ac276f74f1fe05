package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.model.JournalAuditReport;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.PostalCore;
import org.openpostage.server.config.ServerConfig;

/**
 * Failover without loss, on the cluster {@code ./cluster} starts (real PostgreSQL replication
 * under pg_auto_failover, real HAProxy, two postal server processes): concurrent purchases over
 * XML and gRPC through HAProxy, account- and card-paid, while
 * <ol>
 *   <li>the PostgreSQL primary (its keeper and its postgres) is killed with {@code kill -9}; then,
 *       after it rejoined as the standby,</li>
 *   <li>one postal server node is killed with {@code kill -9}.</li>
 * </ol>
 * After each: the failover completed; every purchase a client saw succeed is in the (new) primary
 * with the indicia the client received; a retry of every key returns the first outcome (the same
 * purchase and bytes); card payments were charged once and never refunded; the registers, journals
 * and serials satisfy the ledger's invariants ({@code PostalAdmin.audit()} and
 * {@code auditJournal()}). Failover time and what clients saw are printed and written to
 * {@code target/cluster-failover.txt} (docs/operations.md quotes them).
 *
 * <p>Needs {@code pg_autoctl} (Debian {@code postgresql-15-auto-failover}), {@code haproxy} and the
 * PostgreSQL 15 server binaries; {@code .ci/run} installs them. Skipped, saying why, where they are
 * missing. Bounded: about three minutes.
 */
class ClusterFailoverTest {
    private static final int OFFSET = 300;
    private static final int MONITOR = 6500 + OFFSET;
    private static final int LB_XML = 18443 + OFFSET;
    private static final int LB_GRPC = 19443 + OFFSET;
    private static final Duration LOAD_BEFORE = Duration.ofSeconds(6);
    private static final Duration LOAD_AFTER = Duration.ofSeconds(14);
    private static final int THREADS = 6;

    private static Process cluster;
    private static Path dir;
    private static String dbUser;
    private static final List<String> output = new ArrayList<>();
    private static final CountDownLatch ready = new CountDownLatch(1);
    private static final List<Long> restartedGroups = new ArrayList<>();
    private static final StringBuilder report = new StringBuilder();

    @BeforeAll
    static void startCluster() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        for (String tool : List.of("/usr/bin/pg_autoctl", "/usr/sbin/haproxy", "/usr/lib/postgresql/15/bin/postgres")) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed (Debian packages "
                    + "postgresql-15-auto-failover, haproxy, postgresql-15; .ci/run installs them)");
        }
        Assumptions.assumeTrue(Files.isExecutable(root.resolve("cluster")), "no ./cluster script");
        for (int port : List.of(MONITOR, MONITOR + 1, MONITOR + 2, LB_XML, LB_GRPC)) {
            Assumptions.assumeFalse(answers(port), "port " + port + " is taken: another cluster runs");
        }
        dir = Files.createTempDirectory("openpostage-cluster");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("cluster").toString(), "--no-build", "--no-install",
                "--dir", dir.toString(), "--port-offset", Integer.toString(OFFSET),
                "--classpath", System.getProperty("java.class.path")).redirectErrorStream(true);
        cluster = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(cluster.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.equals("cluster ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the script ended
            }
        }, "cluster-output");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!ready.await(500, TimeUnit.MILLISECONDS)) {
            if (!cluster.isAlive() || System.nanoTime() > end) {
                StringBuilder logs = new StringBuilder();
                for (String log : List.of("postal-node1", "postal-node2")) {
                    Path file = dir.resolve("logs/" + log + ".log");
                    if (Files.exists(file)) {
                        List<String> lines = Files.readAllLines(file);
                        logs.append("\n--- ").append(log).append(":\n")
                                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
                    }
                }
                fail("./cluster did not start:\n" + output() + logs);
            }
        }
        Matcher m = Pattern.compile("database postage, user ([\\w.-]+)\\)").matcher(output());
        assertTrue(m.find(), output());
        dbUser = m.group(1);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (long group : restartedGroups) {
            new ProcessBuilder("kill", "-TERM", "--", "-" + group).start().waitFor(10, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.destroy(); // SIGTERM: the script stops everything it started
            if (!cluster.waitFor(60, TimeUnit.SECONDS)) {
                cluster.destroyForcibly();
            }
        }
        // Whatever the script could not stop (it was killed itself, say): its process groups, by id.
        if (dir != null && Files.isDirectory(dir.resolve("run"))) {
            try (java.util.stream.Stream<Path> groups = Files.list(dir.resolve("run"))) {
                for (Path g : groups.toList()) {
                    new ProcessBuilder("kill", "-KILL", "--", "-" + Files.readString(g).strip()).start()
                            .waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        report.append("./cluster said:\n").append(output()).append('\n');
        if (report.length() > 0) {
            Path file = Path.of(System.getProperty("user.dir"), "target", "cluster-failover.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, report.toString());
            System.out.println(report);
        }
        if (dir != null) {
            TestApps.deleteTree(dir);
        }
    }

    @Test
    void noAcknowledgedPurchaseIsLostWhenThePrimaryOrANodeIsKilled() throws Exception {
        Properties keys = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("postal/demo-api-keys.properties"))) {
            keys.load(r);
        }
        Path ca = dir.resolve("postal/tls/ca.pem");
        try (PostalCore operator = operator()) {
            // The demo's 1,000.00 per test meter lasts about 1,200 letters: fund both for the load.
            for (String meter : List.of("paper-shop.test.meter", "market.test.meter")) {
                operator.admin().fundMeter(Long.parseLong(keys.getProperty(meter)),
                        new org.openpostage.api.value.Money(10_000_000, operator.currency()), "failover test");
            }
        }
        try (Load load = new Load(keys, ca)) {
            // ---------------------------------------------------------- 1. kill -9 of the PostgreSQL primary
            assertEquals("ANY 1 (pgautofailover_standby_2)", sql(6501 + OFFSET, "SHOW synchronous_standby_names"),
                    "commits wait for the standby");
            assertEquals("on", sql(6501 + OFFSET, "SHOW synchronous_commit"));
            load.start();
            Thread.sleep(LOAD_BEFORE.toMillis());
            String primary = nodeIn("primary");
            String standby = primary.equals("node1") ? "node2" : "node1";
            long killedAt = System.nanoTime();
            kill(dir.resolve("run/pg-" + primary + ".pgid"));
            long promoted = awaitState(standby, "wait_primary|primary", Duration.ofSeconds(60)) - killedAt;
            long firstSuccess = load.firstSuccessAfter(killedAt, Duration.ofSeconds(60)) - killedAt;
            Thread.sleep(LOAD_AFTER.toMillis());
            Load.Phase dbPhase = load.stop();
            report.append(String.format("PostgreSQL primary killed (kill -9 of %s: keeper and postgres):%n"
                            + "  standby %s promoted after %.1f s; first purchase acknowledged after the kill %.1f s%n%s",
                    primary, standby, promoted / 1e9, firstSuccess / 1e9, dbPhase));
            checkLedger(load, "after the primary was killed");

            // ---------------------------------------------------------- rejoin, then kill -9 of a postal node
            restart(primary);
            awaitState(primary, "secondary", Duration.ofSeconds(90));
            load.start();
            Thread.sleep(LOAD_BEFORE.toMillis());
            killedAt = System.nanoTime();
            kill(dir.resolve("run/postal-node1.pgid"));
            long recovered = load.lastInFlightDoneAfter(killedAt, Duration.ofSeconds(60)) - killedAt;
            Thread.sleep(LOAD_AFTER.toMillis());
            Load.Phase nodePhase = load.stop();
            report.append(String.format("Postal server node 1 killed (kill -9):%n"
                            + "  every purchase in flight at the kill answered %.1f s after it%n%s",
                    recovered / 1e9, nodePhase));
            checkLedger(load, "after a postal node was killed");
            assertEquals(0, Long.parseLong(sql(currentPrimaryPort(), "SELECT COUNT(*) FROM idempotency_keys"
                    + " WHERE state = 'IN_PROGRESS'")), "no request left in progress");
        }
    }

    // ------------------------------------------------------------------ checks

    /**
     * Every purchase a client saw succeed is in the primary, with the indicia it received; a retry of
     * every key returns the first outcome; card payments were charged once; the ledger's invariants hold.
     */
    private void checkLedger(Load load, String when) throws Exception {
        int port = currentPrimaryPort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postage";
        try (Connection c = DriverManager.getConnection(url, dbUser, null)) {
            for (Load.Call call : load.calls.values()) {
                if (call.purchase == null) {
                    continue;
                }
                for (Indicium i : call.purchase.indicia()) {
                    byte[] stored = bytes(c, "SELECT i.data FROM indicia i WHERE i.indicium_id = ? AND i.purchase_id = ?",
                            i.indiciumId(), call.purchase.purchaseId());
                    assertArrayEquals(i.data().toArray(), stored, when + ": purchase " + call.purchase.purchaseId()
                            + " (key " + call.key + ") acknowledged to a client is in the primary, byte for byte");
                }
            }
            assertEquals(0, count(c, "SELECT COUNT(*) FROM payments WHERE state IN ('REFUNDED', 'COMPENSATING')"),
                    when + ": no card payment was refunded (a blip never charges twice)");
            // A key may hold a payment that never reached the gateway (FAILED: its node died before the
            // authorization was sent, so the key was released and the retry paid afresh): by design. What
            // must never happen is two payments of one key that took money, by the gateway's own books.
            String charged = "SELECT p.partner_id, p.idem_key FROM payments p JOIN sim_gateway_transactions g"
                    + " ON g.payment_id = p.payment_id WHERE g.captured > g.refunded GROUP BY p.partner_id, p.idem_key"
                    + " HAVING COUNT(*) > 1";
            assertEquals(0, count(c, "SELECT COUNT(*) FROM (" + charged + ") t"), when + ": each key charged a card at "
                    + "most once, by the gateway's books: " + rows(c, "SELECT p.idem_key, p.payment_id, p.state, g.state,"
                    + " g.captured, g.refunded FROM payments p LEFT JOIN sim_gateway_transactions g ON g.payment_id ="
                    + " p.payment_id WHERE (p.partner_id, p.idem_key) IN (" + charged + ") ORDER BY p.idem_key"));
            String live = "SELECT partner_id, idem_key FROM payments WHERE state NOT IN ('FAILED', 'DECLINED', 'VOIDED')"
                    + " GROUP BY partner_id, idem_key HAVING COUNT(*) > 1";
            assertEquals(0, count(c, "SELECT COUNT(*) FROM (" + live + ") t"), when + ": each key has at most one "
                    + "payment that was not turned down or never sent: " + rows(c, "SELECT idem_key, payment_id, state"
                    + " FROM payments WHERE (partner_id, idem_key) IN (" + live + ") ORDER BY idem_key"));
        }
        // A retry with every key returns what the first call returned.
        for (Load.Call call : load.calls.values()) {
            Purchase again = load.retry(call);
            if (call.purchase != null) {
                assertEquals(call.purchase.purchaseId(), again.purchaseId(), when + ": key " + call.key + " replays");
                for (int i = 0; i < again.indicia().size(); i++) {
                    assertArrayEquals(call.purchase.indicia().get(i).data().toArray(), again.indicia().get(i).data().toArray());
                }
            }
        }
        try (PostalCore auditor = operator()) {
            for (MeterAudit a : auditor.admin().audit()) {
                assertTrue(a.balanced(), when + ": meter " + a.meterId() + ": " + a.problems());
            }
            JournalAuditReport journal = auditor.admin().auditJournal();
            assertTrue(journal.intact(), when + ": " + journal);
        }
    }

    /** A core of the operator's own on the cluster's ledger (no endpoints, no timers): funding and the audit. */
    private static PostalCore operator() throws IOException {
        return PostalCore.open(ServerConfig.builder().dataDir(dir.resolve("operator"))
                .jdbcUrl("jdbc:postgresql://127.0.0.1:" + (6501 + OFFSET) + ",127.0.0.1:" + (6502 + OFFSET)
                        + "/postage?targetServerType=primary").jdbcUser(dbUser)
                .keystorePassword(Files.readString(dir.resolve("postal/keystore.password")).strip())
                .backgroundTasks(false).build());
    }

    // ------------------------------------------------------------------ the load

    /** Clients purchasing through HAProxy, each call under its own key, remembering what they saw. */
    private static final class Load implements AutoCloseable {
        record Call(String key, PostalClient client, PurchaseRequest request, Purchase purchase, PostageException error) {
        }

        final Map<String, Call> calls = new ConcurrentHashMap<>();
        private final List<PostalClient> clients = new ArrayList<>();
        private final List<String> transports = new ArrayList<>();
        private final PurchaseItem letter;
        private final Map<String, AtomicLong> attemptErrors = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> callErrors = new ConcurrentHashMap<>();
        private final Map<String, String> examples = new ConcurrentHashMap<>();
        private final Map<String, Long> inFlightSince = new ConcurrentHashMap<>();
        private final List<long[]> successes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicLong counter = new AtomicLong();
        private ExecutorService threads;
        private int phase;

        Load(Properties keys, Path ca) {
            TlsSettings tls = TlsSettings.builder().trustCertificates(ca).build();
            ClientInterceptor count = new ClientInterceptor() {
                @Override
                public <R> R interceptAttempt(Invocation<R> attempt) {
                    try {
                        return attempt.proceed();
                    } catch (PostageException e) {
                        attemptErrors.computeIfAbsent(e.code().name(), k -> new AtomicLong()).incrementAndGet();
                        throw e;
                    }
                }
            };
            String[][] endpoints = {{"https://localhost:" + LB_XML, "paper-shop.test"},
                    {"grpcs://localhost:" + LB_GRPC, "market.test"}};
            for (String[] e : endpoints) {
                clients.add(PostalClients.connect(ClientConfig.builder().endpoint(URI.create(e[0]))
                        .apiKey(keys.getProperty(e[1])).tls(tls).connectTimeout(Duration.ofSeconds(5))
                        .requestTimeout(Duration.ofSeconds(45))
                        .retryPolicy(new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(2)))
                        .interceptor(count).build()));
                transports.add(e[0].startsWith("https") ? "XML" : "gRPC");
            }
            MailPiece piece = new MailPiece(MailClass.LETTER, Weight.ofGrams(20), null, PostalCode.of("94107"),
                    PostalCode.of("10115"));
            letter = PurchaseItem.of(clients.get(0).quote(new QuoteRequest(piece, LocalDate.now(java.time.ZoneOffset.UTC))));
        }

        void start() {
            phase++;
            attemptErrors.clear();
            callErrors.clear();
            successes.clear();
            running.set(true);
            threads = Executors.newFixedThreadPool(THREADS);
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.submit(() -> {
                    while (running.get()) {
                        purchase(thread);
                    }
                });
            }
        }

        private void purchase(int thread) {
            long n = counter.incrementAndGet();
            PostalClient client = clients.get(thread % clients.size());
            PaymentMethod payment = n % 3 == 0 ? new CardPayment("4242424242424242", YearMonth.of(2035, 12), "123",
                    "Ada Lovelace") : PaymentMethod.account();
            PurchaseRequest request = new PurchaseRequest(List.of(letter), payment, PrintOptions.dataOnly(), null);
            String key = "failover-" + phase + "-" + thread + "-" + n;
            long started = System.nanoTime();
            inFlightSince.put(key, started);
            try {
                Purchase p = client.purchase(request, CallContext.withKey(key));
                calls.put(key, new Call(key, client, request, p, null));
                successes.add(new long[] {started, System.nanoTime()});
            } catch (PostageException e) {
                calls.put(key, new Call(key, client, request, null, e));
                callErrors.computeIfAbsent(e.code().name(), k -> new AtomicLong()).incrementAndGet();
                examples.putIfAbsent(e.code().name(), e.getMessage());
            } finally {
                inFlightSince.remove(key);
            }
        }

        /** The time the first purchase started after {@code since} was acknowledged. */
        long firstSuccessAfter(long since, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                synchronized (successes) {
                    for (long[] s : successes) {
                        if (s[0] > since) {
                            return s[1];
                        }
                    }
                }
                Thread.sleep(50);
            }
            return fail("no purchase succeeded within " + within + " of the kill");
        }

        /** The time every purchase that was in flight at {@code since} had its answer. */
        long lastInFlightDoneAfter(long since, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                if (inFlightSince.values().stream().noneMatch(t -> t <= since)) {
                    return System.nanoTime();
                }
                Thread.sleep(20);
            }
            return fail("purchases in flight at the kill were still unanswered after " + within);
        }

        /** What the phase's clients saw. */
        record Phase(long calls, long succeeded, Map<String, Long> callErrors, Map<String, Long> attemptErrors) {
            @Override
            public String toString() {
                return String.format("  %d purchases over XML and gRPC through HAProxy, %d acknowledged; calls that "
                        + "failed after the client's retries: %s; attempts that failed (and were retried): %s%n",
                        calls, succeeded, callErrors, attemptErrors);
            }
        }

        Phase stop() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            assertTrue(threads.awaitTermination(120, TimeUnit.SECONDS), "the load stopped");
            long total = calls.keySet().stream().filter(k -> k.startsWith("failover-" + phase + "-")).count();
            long ok = calls.values().stream().filter(c -> c.key.startsWith("failover-" + phase + "-")
                    && c.purchase != null).count();
            Map<String, Long> ce = new TreeMap<>();
            callErrors.forEach((k, v) -> ce.put(k, v.get()));
            Map<String, Long> ae = new TreeMap<>();
            attemptErrors.forEach((k, v) -> ae.put(k, v.get()));
            assertTrue(ok > 0, "purchases succeeded");
            assertTrue(ce.keySet().stream().allMatch(code -> code.equals("SERVICE_UNAVAILABLE")
                    || code.equals("REQUEST_IN_PROGRESS") || code.equals("DEADLINE_EXCEEDED") || code.equals("PAYMENT_PENDING")),
                    "clients saw only retryable errors: " + examples);
            return new Phase(total, ok, ce, ae);
        }

        /** The same request under the same key again: the first outcome, or (if the first gave up) its result now. */
        /**
         * Retries {@code call} under its key. A card payment whose outcome the failover left open
         * answers PAYMENT_PENDING ("retry later") until the claim on it, left by the request the
         * failover interrupted, is freed by its node's heartbeat: such a retry is repeated, as a
         * client would, for up to a minute.
         */
        Purchase retry(Call call) {
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    Purchase p = call.client.purchase(call.request, CallContext.withKey(call.key));
                    if (call.purchase == null) {
                        calls.put(call.key, new Call(call.key, call.client, call.request, p, null));
                    }
                    return p;
                } catch (PostageException e) {
                    if (e.code() == ErrorCode.PAYMENT_PENDING && System.nanoTime() < giveUp) {
                        sleep(Duration.ofSeconds(1));
                        continue;
                    }
                    throw new AssertionError("retry of key " + call.key + " (first: " + (call.purchase != null
                            ? "purchase " + call.purchase.purchaseId() : call.error.code()) + ") failed: " + e, e);
                }
            }
        }

        private static void sleep(Duration pause) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        @Override
        public void close() {
            running.set(false);
            if (threads != null) {
                threads.shutdownNow();
            }
            clients.forEach(PostalClient::close);
        }
    }

    // ------------------------------------------------------------------ the cluster's processes

    private static void kill(Path pgidFile) throws Exception {
        String group = Files.readString(pgidFile).strip();
        assertEquals(0, new ProcessBuilder("kill", "-KILL", "--", "-" + group).start().waitFor());
    }

    /** Starts PostgreSQL node {@code node}'s keeper again: it rejoins as the standby. */
    private static void restart(String node) throws Exception {
        Path pg = dir.resolve("pg");
        List<String> command = new ArrayList<>(List.of("setsid"));
        if (!dbUser.equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", dbUser, "--"));
        }
        command.addAll(List.of("env", "PATH=/usr/lib/postgresql/15/bin:" + System.getenv("PATH"),
                "PG_REGRESS_SOCK_DIR=" + pg, "PGHOST=" + pg, "XDG_RUNTIME_DIR=" + pg.resolve("run"),
                "XDG_CONFIG_HOME=" + pg.resolve("config"), "XDG_DATA_HOME=" + pg.resolve("data"),
                "pg_autoctl", "run", "--pgdata", pg.resolve(node).toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/pg-" + node + "-restarted.log").toFile()).start();
        restartedGroups.add(p.pid());
    }

    private static String nodeIn(String state) throws SQLException {
        return sql(MONITOR, "pg_auto_failover", "SELECT nodename FROM pgautofailover.node WHERE reportedstate = '"
                + state + "'");
    }

    /** Waits until {@code node} reports a state matching {@code states}; returns the time it did. */
    private static long awaitState(String node, String states, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        String state = null;
        while (System.nanoTime() < end) {
            try {
                state = sql(MONITOR, "pg_auto_failover", "SELECT reportedstate FROM pgautofailover.node WHERE nodename = '"
                        + node + "'");
                if (state != null && state.matches(states)) {
                    return System.nanoTime();
                }
            } catch (SQLException e) {
                // the monitor is busy: ask again
            }
            Thread.sleep(100);
        }
        return fail(node + " did not reach " + states + " within " + within + " (last: " + state + ")");
    }

    /** The node that is the primary now, as the server's driver finds it. */
    private static int currentPrimaryPort() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + (6501 + OFFSET) + ",127.0.0.1:"
                + (6502 + OFFSET) + "/postage?targetServerType=primary", dbUser, null);
             ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('port')")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String sql(int port, String query) throws SQLException {
        return sql(port, "postage", query);
    }

    private static String sql(int port, String db, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, dbUser, null);
             ResultSet rs = c.createStatement().executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of {@code query}, for a failure message. */
    private static String rows(Connection c, String query) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = c.createStatement().executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                out.append('\n');
                for (int i = 1; i <= columns; i++) {
                    out.append(i > 1 ? " " : "").append(rs.getString(i));
                }
            }
        }
        return out.toString();
    }

    private static long count(Connection c, String query) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static byte[] bytes(Connection c, String query, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }
}
