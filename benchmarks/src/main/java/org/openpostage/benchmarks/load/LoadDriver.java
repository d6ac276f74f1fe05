package org.openpostage.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * A closed-loop load driver for the reference postal server (docs/performance.md, "Purchases,
 * batches and the load driver"). It starts a server ({@link LoadServer}: in this JVM, or with
 * {@code --server process} in a JVM of its own), then through the SDK's own {@link PostalClient}
 * over gRPC/TLS or XML/HTTPS, with {@code --clients} threads:
 * <ol>
 *   <li>warms up on purchases until the rate of the last three 5 s windows is steady (at least
 *       {@code --warmup-min}, at most {@code --warmup-max} seconds) and reports how long the server
 *       took to reach 90 % of its steady purchase rate;</li>
 *   <li>measures, back to back for {@code --seconds} each: the cheapest authenticated call
 *       ({@code quote}), single purchases, and batches of {@code --batch-size} entries (indicia per
 *       second); on PostgreSQL also the database's one-row-update commit ceiling (one {@code UPDATE}
 *       + {@code COMMIT} per transaction, like pgbench's simple update, {@code --clients}
 *       connections);</li>
 *   <li>with {@code --purchases N}, a long run of N single purchases reporting the rate per minute
 *       and the database's growth per purchase;</li>
 *   <li>audits the ledger (registers balance, one debit per indicium) and prints the figures, the
 *       server's resident memory (RSS) and latency percentiles; {@code --json FILE} writes them as
 *       JSON.</li>
 * </ol>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.openpostage.benchmarks.load.LoadDriver \
 *      --transport grpc --clients 16 --meters 4 --seconds 30 --server process \
 *      [--server-jvm "-Xmx160m -XX:+UseSerialGC"] [--phases quote,purchase,batch] [--batch-size 500]
 *      [--purchases 1000000] [--json result.json] [--print data|png|pdf]
 *      [--jdbc jdbc:postgresql://127.0.0.1:5432/test --jdbc-user postgres] [--pool 16]
 *      [--h2-options ";CACHE_SIZE=262144"] [--server-warm-up SECONDS]
 *      [--psd pkcs11 --token-label LABEL]
 * </pre>
 *
 * With a PostgreSQL URL the driver creates a fresh schema for the run and drops it afterwards.
 * With {@code --psd pkcs11} the server signs in the PKCS#11 token labelled {@code LABEL}
 * (docs/performance.md, "Signing in the postal security device").
 */
public final class LoadDriver {
    private static final Duration WINDOW = Duration.ofSeconds(5);
    /** The rows of the commit ceiling's table (pgbench's scale 1 has as many accounts). */
    private static final int CEILING_ROWS = 100_000;

    private LoadDriver() {
    }

    /** Runs the driver; see the class comment for the options. Exits with 1 if the ledger does not balance. */
    public static void main(String[] args) throws Exception {
        if (!drive(args)) {
            System.exit(1);
        }
    }

    /** Runs the driver; returns whether the ledger balanced with every indicium answered. */
    static boolean drive(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String transport = o.getOrDefault("transport", "grpc");
        int clients = Integer.parseInt(o.getOrDefault("clients", "16"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "30"));
        int warmupMin = Integer.parseInt(o.getOrDefault("warmup-min", o.getOrDefault("warmup", "60")));
        int warmupMax = Integer.parseInt(o.getOrDefault("warmup-max", Integer.toString(Math.max(warmupMin, 240))));
        int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "500"));
        int batchClients = Integer.parseInt(o.getOrDefault("batch-clients", Integer.toString(clients)));
        long longRun = Long.parseLong(o.getOrDefault("purchases", "0"));
        List<String> phases = List.of(o.getOrDefault("phases", longRun > 0 ? "" : "quote,purchase,batch,ceiling").split(","));
        String print = o.getOrDefault("print", "data");
        String jdbc = o.get("jdbc");
        boolean postgres = jdbc != null && jdbc.startsWith("jdbc:postgresql:");
        String schema = null;
        if (postgres) {
            schema = "load_" + Long.toString(System.nanoTime(), 36);
            try (Connection c = DriverManager.getConnection(jdbc, o.get("jdbc-user"), null);
                 Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            o.put("jdbc", jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("transport", transport);
        result.put("database", postgres ? "PostgreSQL" : jdbc == null ? "H2" : jdbc);
        result.put("server", o.getOrDefault("server", "inprocess"));
        result.put("server_jvm", o.getOrDefault("server-jvm", ""));
        result.put("clients", clients);
        result.put("meters", Integer.parseInt(o.getOrDefault("meters", "4")));
        result.put("print", print);
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("load_average_before", loadAverage());
        result.put("server_warm_up_pass_seconds", Integer.parseInt(o.getOrDefault("server-warm-up", "0")));
        Path dir = Files.createTempDirectory("openpostage-load");
        boolean ok = false;
        long starting = System.nanoTime();
        try (Target target = "process".equals(o.get("server")) ? ChildServer.start(o, dir) : new InProcess(o, dir);
             RssSampler rss = new RssSampler(target.info().pid())) {
            LoadServer.Info info = target.info();
            result.put("server_start_seconds", (System.nanoTime() - starting) / 1e9);
            System.out.printf(Locale.ROOT, "server ready after %.1f s (warm-up pass: %s s)%n",
                    result.get("server_start_seconds"), result.get("server_warm_up_pass_seconds"));
            result.put("rss_idle_mb", rss.now() / 1e6);
            URI endpoint = transport.equals("grpc") ? info.grpc() : info.xml();
            try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint)
                    .apiKey(info.apiKey()).tls(TlsSettings.builder().trustCertificates(info.ca()).build())
                    .requestTimeout(Duration.ofSeconds(60)).build())) {
                RateQuote quote = client.quote(QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
                        PostalCode.of("94107")).withDestination(PostalCode.of("10001"))));
                PrintOptions printOptions = switch (print) {
                    case "data" -> PrintOptions.dataOnly();
                    case "png" -> PrintOptions.png(300);
                    case "pdf" -> PrintOptions.pdf();
                    default -> throw new IllegalArgumentException("--print is data, png or pdf");
                };
                Load load = new Load(client, quote, printOptions, info.meters());
                long dbBefore = target.databaseBytes();

                Map<String, Object> warm = warmUp(load, clients, warmupMin, warmupMax, rss);
                result.put("warmup", warm);
                rss.resetPeak();
                if (phases.contains("quote")) {
                    run(load, Kind.QUOTE, clients, Duration.ofSeconds(Math.min(10, seconds)));
                    Run q = run(load, Kind.QUOTE, clients, Duration.ofSeconds(seconds));
                    result.put("quote", q.toMap(rss));
                    report("quote", q);
                }
                if (phases.contains("purchase")) {
                    Run p = run(load, Kind.PURCHASE, clients, Duration.ofSeconds(seconds));
                    result.put("purchase", p.toMap(rss));
                    report("purchase", p);
                    double steady = p.rate();
                    @SuppressWarnings("unchecked")
                    List<Double> windows = (List<Double>) warm.get("window_rates");
                    warm.put("seconds_to_90_percent_of_steady", secondsTo(windows, 0.9 * steady));
                }
                if (phases.contains("batch")) {
                    run(load, Kind.batch(batchSize), batchClients, Duration.ofSeconds(Math.min(10, seconds)));
                    Run b = run(load, Kind.batch(batchSize), batchClients, Duration.ofSeconds(seconds));
                    Map<String, Object> m = b.toMap(rss);
                    m.put("batch_size", batchSize);
                    m.put("clients", batchClients);
                    m.put("failed_entries", load.entryErrors.get());
                    result.put("batch", m);
                    report("batch of " + batchSize + " (indicia/s; latency per batch)", b);
                }
                if (postgres && phases.contains("ceiling")) {
                    double tps = commitCeiling(o.get("jdbc"), o.get("jdbc-user"), clients, Duration.ofSeconds(seconds));
                    result.put("postgresql_one_row_update_commits_per_second", tps);
                    System.out.printf(Locale.ROOT, "PostgreSQL one-row-update commits: %.0f/s%n", tps);
                }
                ratios(result);
                if (longRun > 0) {
                    result.put("long_run", longRun(load, target, clients, longRun, rss));
                }
                long dbAfter = target.databaseBytes();
                result.put("database_bytes_before", dbBefore);
                result.put("database_bytes_after", dbAfter);
                result.put("rss_end_mb", rss.now() / 1e6);
                result.put("rss_peak_mb", rss.peak() / 1e6);
                System.out.printf(Locale.ROOT, "server RSS: idle %.0f MB, peak under load %.0f MB, at the end %.0f MB%s%n",
                        result.get("rss_idle_mb"), rss.peak() / 1e6, rss.now() / 1e6,
                        target instanceof InProcess ? " (clients and server in one JVM)" : "");
                LoadServer.Audit audit = target.audit();
                long answered = load.indicia.sum();
                ok = audit.issued() == answered && audit.problems() == 0;
                result.put("audit", Map.of("indicia_issued", audit.issued(), "indicia_answered", answered,
                        "problems", audit.problems(), "balanced", ok));
                System.out.println(ok ? "ledger: balanced, " + audit.issued() + " indicia = " + answered + " answered"
                        : "ledger MISMATCH: " + audit.issued() + " indicia issued, " + answered + " answered, "
                        + audit.problems() + " problems" + (audit.firstProblem() == null ? "" : ": " + audit.firstProblem()));
            }
        } finally {
            result.put("load_average_after", loadAverage());
            if (o.containsKey("json")) {
                Files.writeString(Path.of(o.get("json")), Json.write(result) + "\n");
            }
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(jdbc, o.get("jdbc-user"), null);
                     Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return ok;
    }

    // ---------------------------------------------------------------- phases

    /** What one client call is. */
    record Kind(String name, int batchSize) {
        static final Kind QUOTE = new Kind("quote", 0);
        static final Kind PURCHASE = new Kind("purchase", 0);

        static Kind batch(int size) {
            return new Kind("batch", size);
        }
    }

    /** The client, the request parts and the count of indicia answered. */
    static final class Load {
        final PostalClient client;
        final RateQuote quote;
        final PrintOptions print;
        final long[] meters;
        final LongAdder indicia = new LongAdder();
        final AtomicLong entryErrors = new AtomicLong();

        Load(PostalClient client, RateQuote quote, PrintOptions print, long[] meters) {
            this.client = client;
            this.quote = quote;
            this.print = print;
            this.meters = meters;
        }

        /** One call of {@code kind} by client {@code c}; returns the operations it counts for. */
        int call(Kind kind, int c) {
            long meter = meters[c % meters.length];
            if (kind == Kind.QUOTE) {
                client.quote(QuoteRequest.of(quote.piece()), CallContext.empty());
                return 1;
            }
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote)), PaymentMethod.account())
                    .withPrint(print).withMeter(meter);
            if (kind.batchSize() == 0) {
                client.purchase(request, CallContext.empty());
                indicia.increment();
                return 1;
            }
            List<BatchEntry> entries = new ArrayList<>(kind.batchSize());
            for (int i = 0; i < kind.batchSize(); i++) {
                entries.add(new BatchEntry("e" + i, request));
            }
            BatchPurchaseResult r = client.purchaseBatch(new BatchPurchaseRequest(entries), CallContext.empty());
            int ok = 0;
            for (BatchItemResult item : r.results()) {
                if (item.succeeded()) {
                    ok++;
                } else if (entryErrors.getAndIncrement() == 0) {
                    System.err.println("first failed batch entry: " + item.error());
                }
            }
            indicia.add(ok);
            return ok;
        }
    }

    private static Run run(Load load, Kind kind, int clients, Duration duration) throws Exception {
        return run(load, kind, clients, System.nanoTime() + duration.toNanos(), Long.MAX_VALUE, null);
    }

    /**
     * Runs {@code clients} threads calling {@code kind} until {@code endNanos} or until {@code maxOps}
     * operations are done; {@code windowOps} (if given) counts operations as they complete.
     */
    private static Run run(Load load, Kind kind, int clients, long endNanos, long maxOps, LongAdder windowOps)
            throws Exception {
        Run run = new Run();
        AtomicLong remaining = new AtomicLong(maxOps);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                while (System.nanoTime() < endNanos && remaining.getAndDecrement() > 0) {
                    long t0 = System.nanoTime();
                    int ops;
                    try {
                        ops = load.call(kind, client);
                    } catch (RuntimeException e) {
                        if (run.errors.getAndIncrement() == 0) {
                            System.err.println("first error (" + kind.name() + "): " + e);
                        }
                        continue;
                    }
                    run.ops.add(ops);
                    if (windowOps != null) {
                        windowOps.add(ops);
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - t0;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            all.add(f.get());
        }
        run.elapsed = Duration.ofNanos(System.nanoTime() - start);
        pool.shutdown();
        run.latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return run;
    }

    /**
     * Purchases in 5 s windows from the server's start until the last three windows agree within
     * 10 % (at least {@code minSeconds}, at most {@code maxSeconds}).
     */
    private static Map<String, Object> warmUp(Load load, int clients, int minSeconds, int maxSeconds, RssSampler rss)
            throws Exception {
        List<Double> rates = new ArrayList<>();
        long start = System.nanoTime();
        while (true) {
            LongAdder ops = new LongAdder();
            long t0 = System.nanoTime();
            run(load, Kind.PURCHASE, clients, t0 + WINDOW.toNanos(), Long.MAX_VALUE, ops);
            rates.add(ops.sum() / ((System.nanoTime() - t0) / 1e9));
            double elapsed = (System.nanoTime() - start) / 1e9;
            int k = rates.size();
            boolean steady = k >= 3 && spread(rates.subList(k - 3, k)) <= 0.10;
            if ((elapsed >= minSeconds && steady) || elapsed >= maxSeconds) {
                System.out.printf(Locale.ROOT, "warm-up: %.0f s, %s; purchases/s per 5 s window: %s%n", elapsed,
                        steady ? "steady" : "not steady, stopped at --warmup-max", rates.stream()
                                .map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seconds", elapsed);
                m.put("steady", steady);
                m.put("window_seconds", WINDOW.toSeconds());
                m.put("window_rates", rates);
                m.put("rss_peak_mb", rss.peak() / 1e6);
                return m;
            }
        }
    }

    /** The end of the first window whose rate reached {@code target}, in seconds from the start; -1 if none. */
    private static double secondsTo(List<Double> windows, double target) {
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i) >= target) {
                return (i + 1) * WINDOW.toSeconds();
            }
        }
        return -1;
    }

    private static double spread(List<Double> rates) {
        double min = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return max <= 0 ? 1 : (max - min) / max;
    }

    /** {@code total} single purchases, reporting the rate and the database's growth per minute. */
    private static Map<String, Object> longRun(Load load, Target target, int clients, long total, RssSampler rss)
            throws Exception {
        List<Map<String, Object>> minutes = new ArrayList<>();
        LongAdder done = new LongAdder();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        long start = System.nanoTime();
        long dbStart = target.databaseBytes();
        Future<Run> f = runner.submit(() -> run(load, Kind.PURCHASE, clients, Long.MAX_VALUE, total, done));
        long last = 0;
        long lastDb = dbStart;
        long lastT = start;
        while (true) {
            boolean finished;
            try {
                f.get(60, TimeUnit.SECONDS);
                finished = true;
            } catch (java.util.concurrent.TimeoutException e) {
                finished = false;
            }
            long now = System.nanoTime();
            long count = done.sum();
            long db = target.databaseBytes();
            double rate = (count - last) / ((now - lastT) / 1e9);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("minute", minutes.size() + 1);
            m.put("purchases", count);
            m.put("rate", rate);
            m.put("database_bytes", db);
            m.put("database_bytes_per_purchase", count == last ? 0 : (double) (db - lastDb) / (count - last));
            m.put("rss_mb", rss.now() / 1e6);
            minutes.add(m);
            System.out.printf(Locale.ROOT, "long run: minute %d, %d purchases, %.0f/s, database %.0f MB (%.0f B per"
                    + " purchase this minute), RSS %.0f MB%n", minutes.size(), count, rate, db / 1e6,
                    m.get("database_bytes_per_purchase"), rss.now() / 1e6);
            last = count;
            lastDb = db;
            lastT = now;
            if (finished) {
                break;
            }
        }
        Run run = f.get();
        runner.shutdown();
        Map<String, Object> r = run.toMap(rss);
        r.put("minutes", minutes);
        double first = minutes.isEmpty() ? 0 : ((Number) minutes.get(0).get("rate")).doubleValue();
        double lowest = minutes.stream().limit(Math.max(1, minutes.size() - 1))
                .mapToDouble(m -> ((Number) m.get("rate")).doubleValue()).min().orElse(0);
        r.put("lowest_full_minute_over_first", first == 0 ? 0 : lowest / first);
        r.put("database_bytes_per_purchase", (double) (target.databaseBytes() - dbStart) / Math.max(1, done.sum()));
        report("long run", run);
        System.out.printf(Locale.ROOT, "long run: lowest full minute / first minute = %.2f; database growth %.0f B per"
                + " purchase%n", r.get("lowest_full_minute_over_first"), r.get("database_bytes_per_purchase"));
        return r;
    }

    /**
     * PostgreSQL's ceiling for what a purchase needs at least: one-row {@code UPDATE} + {@code COMMIT}
     * transactions from {@code clients} connections on random rows of a 100,000-row table (like
     * pgbench's simple update), in commits per second.
     */
    private static double commitCeiling(String url, String user, int clients, Duration duration) throws Exception {
        int rows = CEILING_ROWS;
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE load_ceiling (id INT PRIMARY KEY, n BIGINT NOT NULL)");
            st.execute("INSERT INTO load_ceiling SELECT g, 0 FROM generate_series(1, " + CEILING_ROWS + ") g");
            st.execute("ANALYZE load_ceiling");
        }
        LongAdder commits = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        long warmEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long[] window = new long[2];
        long end = warmEnd + duration.toNanos();
        for (int i = 0; i < clients; i++) {
            futures.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url, user, null);
                     PreparedStatement ps = c.prepareStatement("UPDATE load_ceiling SET n = n + 1 WHERE id = ?")) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < end) {
                        ps.setInt(1, 1 + ThreadLocalRandom.current().nextInt(rows));
                        ps.executeUpdate();
                        c.commit();
                        if (System.nanoTime() >= warmEnd) {
                            commits.increment();
                        }
                    }
                }
                return null;
            }));
        }
        window[0] = warmEnd;
        for (Future<?> f : futures) {
            f.get();
        }
        window[1] = System.nanoTime();
        pool.shutdown();
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
            st.execute("DROP TABLE load_ceiling");
        }
        return commits.sum() / ((window[1] - window[0]) / 1e9);
    }

    @SuppressWarnings("unchecked")
    private static void ratios(Map<String, Object> result) {
        Map<String, Object> q = (Map<String, Object>) result.get("quote");
        Map<String, Object> p = (Map<String, Object>) result.get("purchase");
        Map<String, Object> b = (Map<String, Object>) result.get("batch");
        Map<String, Object> r = new LinkedHashMap<>();
        if (q != null && p != null) {
            r.put("purchase_over_quote", (double) p.get("rate") / (double) q.get("rate"));
        }
        if (b != null && p != null) {
            r.put("batch_indicia_over_single_purchases", (double) b.get("rate") / (double) p.get("rate"));
        }
        Object ceiling = result.get("postgresql_one_row_update_commits_per_second");
        if (ceiling != null && p != null) {
            r.put("purchase_over_commit_ceiling", (double) p.get("rate") / (double) ceiling);
        }
        result.put("ratios", r);
        r.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s: %.2f%n", k, v));
    }

    private static void report(String what, Run r) {
        System.out.printf(Locale.ROOT, "%s: %.0f/s over %.0f s; latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms,"
                        + " max %.1f ms; %d errors%n", what, r.rate(), r.elapsed.toNanos() / 1e9, r.percentile(50) / 1e6,
                r.percentile(99) / 1e6, r.percentile(99.9) / 1e6, r.percentile(100) / 1e6, r.errors.get());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code --name value} pairs. */
    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    /** One measured phase. */
    static final class Run {
        final AtomicLong errors = new AtomicLong();
        final LongAdder ops = new LongAdder();
        Duration elapsed;
        long[] latencies;

        double rate() {
            return ops.sum() / (elapsed.toNanos() / 1e9);
        }

        long percentile(double p) {
            if (latencies.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(i, latencies.length - 1))];
        }

        Map<String, Object> toMap(RssSampler rss) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rate", rate());
            m.put("operations", ops.sum());
            m.put("calls", latencies.length);
            m.put("seconds", elapsed.toNanos() / 1e9);
            m.put("errors", errors.get());
            m.put("p50_ms", percentile(50) / 1e6);
            m.put("p99_ms", percentile(99) / 1e6);
            m.put("p999_ms", percentile(99.9) / 1e6);
            m.put("max_ms", percentile(100) / 1e6);
            m.put("rss_peak_mb", rss.peak() / 1e6);
            m.put("rss_end_mb", rss.now() / 1e6);
            m.put("load_average", loadAverage());
            return m;
        }
    }

    // ---------------------------------------------------------------- the server

    /** The server under load, wherever it runs. */
    interface Target extends AutoCloseable {
        LoadServer.Info info();

        LoadServer.Audit audit() throws IOException;

        long databaseBytes() throws IOException;

        @Override
        void close() throws Exception;
    }

    /** The server in this JVM: its RSS includes the clients'. */
    static final class InProcess implements Target {
        private final LoadServer server;

        InProcess(Map<String, String> o, Path dir) {
            server = LoadServer.open(o, dir);
        }

        @Override
        public LoadServer.Info info() {
            return server.info();
        }

        @Override
        public LoadServer.Audit audit() {
            return server.audit();
        }

        @Override
        public long databaseBytes() {
            return server.databaseBytes();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** The server in a JVM of its own ({@code --server process}), driven over its standard input. */
    static final class ChildServer implements Target {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final LoadServer.Info info;

        private ChildServer(Process process, BufferedReader out, Writer in, LoadServer.Info info) {
            this.process = process;
            this.out = out;
            this.in = in;
            this.info = info;
        }

        static ChildServer start(Map<String, String> o, Path dir) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String jvm = o.getOrDefault("server-jvm", "").strip();
            if (!jvm.isEmpty()) {
                cmd.addAll(List.of(jvm.split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadServer.class.getName()));
            for (String k : List.of("meters", "jdbc", "jdbc-user", "h2-options", "pool", "psd", "token-label",
                    "pkcs11-library", "server-warm-up")) {
                if (o.containsKey(k)) {
                    cmd.addAll(List.of("--" + k, o.get(k)));
                }
            }
            cmd.addAll(List.of("--data-dir", dir.toString()));
            Path log = Path.of(o.getOrDefault("server-log", dir.resolve("server.log").toString()));
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                System.err.println("server: " + line);
            }
            if (line == null) {
                p.destroy();
                throw new IOException("the server process ended before it was ready; see " + log);
            }
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("READY ".length()).split(" ")) {
                int eq = part.indexOf('=');
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
            long[] meters = Arrays.stream(kv.get("meters").split(",")).mapToLong(Long::parseLong).toArray();
            return new ChildServer(p, out, in, new LoadServer.Info(URI.create(kv.get("grpc")), URI.create(kv.get("xml")),
                    Path.of(kv.get("ca")), kv.get("key"), meters, Long.parseLong(kv.get("pid"))));
        }

        private synchronized String ask(String command, String answer) throws IOException {
            in.write(command + "\n");
            in.flush();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(answer + " ")) {
                    return line.substring(answer.length() + 1);
                }
            }
            throw new IOException("the server process ended");
        }

        @Override
        public LoadServer.Info info() {
            return info;
        }

        @Override
        public LoadServer.Audit audit() throws IOException {
            String[] a = ask("audit", "AUDIT").split(" ", 3);
            return new LoadServer.Audit(Long.parseLong(a[0]), Long.parseLong(a[1]), "-".equals(a[2]) ? null : a[2]);
        }

        @Override
        public long databaseBytes() throws IOException {
            return Long.parseLong(ask("dbsize", "DBSIZE").strip());
        }

        @Override
        public void close() throws Exception {
            try {
                in.write("quit\n");
                in.flush();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The server process's resident memory, sampled every 200 ms. */
    static final class RssSampler implements AutoCloseable {
        private final Path status;
        private final AtomicLong peak = new AtomicLong();
        private final java.util.concurrent.ScheduledExecutorService timer;

        RssSampler(long pid) {
            status = Path.of("/proc", Long.toString(pid), "status");
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rss-sampler");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(() -> peak.accumulateAndGet(now(), Math::max), 0, 200, TimeUnit.MILLISECONDS);
        }

        /** The RSS now, in bytes (0 where /proc is not available). */
        long now() {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return 0;
            }
            return 0;
        }

        long peak() {
            return Math.max(peak.get(), now());
        }

        void resetPeak() {
            peak.set(now());
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** A minimal JSON writer for the result file (maps, lists, numbers, strings, booleans). */
    static final class Json {
        private Json() {
        }

        static String write(Object v) {
            StringBuilder sb = new StringBuilder();
            write(sb, v, "");
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v, String indent) {
            if (v instanceof Map<?, ?> m) {
                sb.append("{");
                String sep = "\n";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(sep).append(indent).append("  ");
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue(), indent + "  ");
                    sep = ",\n";
                }
                sb.append(m.isEmpty() ? "}" : "\n" + indent + "}");
            } else if (v instanceof List<?> l) {
                sb.append("[");
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    write(sb, l.get(i), indent + "  ");
                }
                sb.append("]");
            } else if (v instanceof Double d) {
                sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
            } else if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else if (v == null) {
                sb.append("null");
            } else {
                string(sb, v.toString());
            }
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    default -> {
                        if (ch < 0x20) {
                            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
