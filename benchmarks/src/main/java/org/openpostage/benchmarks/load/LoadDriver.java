package org.openpostage.benchmarks.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.Mode;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.model.MailClass;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.Money;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PostalCode;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Weight;
import org.openpostage.server.MeterAudit;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.ServerConfig;
import org.openpostage.server.app.AppConfig;
import org.openpostage.server.app.PostalServerApp;

/**
 * A closed-loop load driver for the reference postal server: starts a {@link PostalServerApp} on
 * loopback (H2 in a temporary directory, or the PostgreSQL of {@code --jdbc}), creates a partner
 * with funded meters, then lets {@code --clients} threads buy postage through the real SDK client
 * over XML/HTTPS or gRPC/TLS for {@code --seconds}, each purchase with its own idempotency key and
 * prepaid-account payment. It prints throughput, latency percentiles and a ledger audit (registers
 * must balance, one debit per indicium), as a Markdown table row for docs/performance.md.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.openpostage.benchmarks.load.LoadDriver \
 *      --transport grpc --clients 16 --seconds 20 --meters 4 --print data \
 *      [--jdbc jdbc:postgresql://127.0.0.1:5432/test --jdbc-user postgres]
 *      [--psd pkcs11 --token-label LABEL]
 * </pre>
 *
 * With a PostgreSQL URL the driver creates a fresh schema for the run and drops it afterwards.
 * With {@code --psd pkcs11} the server signs in the PKCS#11 token labelled {@code LABEL} (SoftHSM2's
 * library unless {@code --pkcs11-library} names another; the user PIN from
 * {@code OPENPOSTAGE_PSD_PKCS11_PIN}; run the JVM with
 * {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} to find the
 * token by label): docs/performance.md, "Signing in the postal security device".
 */
public final class LoadDriver {
    private LoadDriver() {
    }

    /** Runs the driver; see the class comment for the options. */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String transport = o.getOrDefault("transport", "xml");
        int clients = Integer.parseInt(o.getOrDefault("clients", "16"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
        int meters = Integer.parseInt(o.getOrDefault("meters", "4"));
        String print = o.getOrDefault("print", "data");
        String jdbc = o.get("jdbc");
        String schema = null;
        if (jdbc != null && jdbc.startsWith("jdbc:postgresql:")) {
            schema = "load_" + Long.toString(System.nanoTime(), 36);
            try (Connection c = DriverManager.getConnection(jdbc, o.get("jdbc-user"), null);
                 Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
        }
        String url = schema == null ? jdbc : jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=" + schema;

        Path dir = Files.createTempDirectory("openpostage-load");
        ServerConfig.Builder server = ServerConfig.builder().dataDir(dir).backgroundTasks(false)
                .softwareKeysForLivePostage(true);
        if ("pkcs11".equals(o.get("psd"))) {
            String pin = System.getenv("OPENPOSTAGE_PSD_PKCS11_PIN");
            server.signingDevice(ServerConfig.SigningDevice.PKCS11).pkcs11TokenLabel(o.get("token-label"))
                    .pkcs11Library(Path.of(o.getOrDefault("pkcs11-library", ServerConfig.SOFTHSM2_LIBRARY.toString())))
                    .pkcs11Pin(pin == null ? null : pin.toCharArray());
        }
        if (url != null) {
            server.jdbcUrl(url);
            if (o.containsKey("jdbc-user")) {
                server.jdbcUser(o.get("jdbc-user"));
            }
        }
        try (PostalServerApp app = PostalServerApp.start(
                AppConfig.builder().xmlPort(0).grpcPort(0).server(server.build()).build())) {
            PostalAdmin admin = app.admin();
            String partner = "load-" + Long.toString(System.nanoTime(), 36);
            admin.createPartner(partner, "Load driver");
            long[] meterIds = new long[meters];
            for (int i = 0; i < meters; i++) {
                meterIds[i] = admin.createMeter(partner, Mode.TEST, app.core().currency()).meterId();
                admin.fundMeter(meterIds[i], new Money(1_000_000_000L, app.core().currency()), "load");
            }
            String apiKey = admin.issueApiKey(partner, Mode.TEST).apiKey();
            URI endpoint = transport.equals("grpc") ? app.grpcEndpoint() : app.xmlEndpoint();
            try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(apiKey)
                    .tls(TlsSettings.builder().trustCertificates(app.caCertificate()).build())
                    .requestTimeout(Duration.ofSeconds(30)).build())) {
                RateQuote quote = client.quote(QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
                        PostalCode.of("94107")).withDestination(PostalCode.of("10001"))));
                PrintOptions printOptions = switch (print) {
                    case "data" -> PrintOptions.dataOnly();
                    case "png" -> PrintOptions.png(300);
                    case "pdf" -> PrintOptions.pdf();
                    default -> throw new IllegalArgumentException("--print is data, png or pdf");
                };
                Run warm = run(client, quote, printOptions, meterIds, clients, Duration.ofSeconds(warmup));
                Run measured = run(client, quote, printOptions, meterIds, clients, Duration.ofSeconds(seconds));
                List<MeterAudit> audit = admin.audit();
                long problems = audit.stream().mapToLong(a -> a.problems().size()).sum();
                long issued = Arrays.stream(meterIds).map(id -> audit.stream()
                        .filter(a -> a.meterId() == id).mapToLong(MeterAudit::lastSerial).sum()).sum();
                long purchases = warm.ok + measured.ok;
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %s |%n",
                        transport, jdbc == null ? "H2" : "PostgreSQL", print, clients, meters,
                        (double) measured.ok / measured.elapsed.toNanos() * 1e9, ms(measured.percentile(50)),
                        ms(measured.percentile(95)), ms(measured.percentile(99)), ms(measured.percentile(100)),
                        measured.errors.get(), issued == purchases && problems == 0
                                ? "balanced, " + issued + " indicia = " + purchases + " purchases"
                                : "MISMATCH: " + issued + " indicia, " + purchases + " purchases, " + problems + " problems");
                if (issued != purchases || problems != 0) {
                    System.exit(1);
                }
            }
        } finally {
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
    }

    private static Run run(PostalClient client, RateQuote quote, PrintOptions print, long[] meters, int clients,
            Duration duration) throws Exception {
        Run run = new Run();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long meter = meters[c % meters.length];
            futures.add(pool.submit(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote)), PaymentMethod.account())
                        .withPrint(print).withMeter(meter);
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        client.purchase(request, CallContext.empty());
                    } catch (RuntimeException e) {
                        if (run.errors.getAndIncrement() == 0) {
                            System.err.println("first error: " + e);
                        }
                        continue;
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
        run.ok = run.latencies.length;
        return run;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    private static final class Run {
        final AtomicLong errors = new AtomicLong();
        Duration elapsed;
        long[] latencies;
        long ok;

        long percentile(int p) {
            if (latencies.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(i, latencies.length - 1))];
        }
    }
}
