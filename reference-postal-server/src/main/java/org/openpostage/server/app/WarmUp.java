package org.openpostage.server.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up pass ({@code warm-up}): before a node opens its ledger and listens, it runs a
 * scratch node of its own code for a while and buys test postage from it, so that the JIT has
 * compiled the purchase path before the first real request arrives rather than under it.
 *
 * <p>The rules:
 * <ul>
 *   <li>The scratch node touches nothing of the real one: its own H2 ledger, software keystore and
 *       development TLS certificates in a temporary folder that is deleted afterwards, its own
 *       loopback ports, test mode only. No meter, key, register or journal of the real ledger is
 *       read or written, and no signing device is opened.</li>
 *   <li>It runs the same code as a real node: both bindings over TLS (gRPC and XML, each through the
 *       SDK's own client), authentication, quotes, single purchases printed as data, PNG and PDF,
 *       small batches, signing with the configured algorithm and provider, the configured rate table
 *       and zone.</li>
 *   <li>A warm-up that fails (a port, a disk) is logged and the node starts anyway: it only starts
 *       colder.</li>
 * </ul>
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    /** Client threads: enough to keep two cores busy and to run each transport from several threads. */
    static final int THREADS = 8;
    /** Every this many purchases a thread sends a batch of {@link #BATCH_SIZE} instead. */
    private static final int BATCH_EVERY = 16;
    private static final int BATCH_SIZE = 10;

    /** What a pass did: purchases (indicia) and quotes answered, and how long it ran. */
    record Result(long indicia, long quotes, Duration took) {
    }

    private WarmUp() {
    }

    /**
     * Runs the pass before {@code config}'s node starts: the scratch node's start, then {@code budget}
     * of traffic. Returns what it did; {@code null} if it could not run (logged; the node then starts
     * without it).
     */
    static Result run(AppConfig config, Duration budget) {
        return run(config, budget, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Like {@link #run(AppConfig, Duration)}, with the scratch folder made in {@code parent}. */
    static Result run(AppConfig config, Duration budget, Path parent) {
        long start = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(parent, "openpostage-warm-up");
            Result r = drive(scratch(config, dir), budget, start);
            log.info("warm-up: {} indicia and {} quotes in {} s on a scratch ledger, over gRPC and XML; this node starts warm",
                    r.indicia(), r.quotes(), r.took().toSeconds());
            return r;
        } catch (IOException | RuntimeException e) {
            log.warn("warm-up skipped, the node starts cold: {}", e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("warm-up interrupted, the node starts cold");
            return null;
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    /** The scratch node's configuration: the real node's signing and rates, everything else its own. */
    static AppConfig scratch(AppConfig config, Path dir) {
        ServerConfig real = config.server();
        ServerConfig server = ServerConfig.builder().dataDir(dir).backgroundTasks(false)
                .keystorePassword(HexFormat.of().formatHex(new SecureRandom().generateSeed(16)))
                .signingAlgorithm(real.signingAlgorithm()).signingProvider(real.signingProvider())
                .ratesFile(real.ratesFile()).zone(real.zone()).build();
        return AppConfig.builder().server(server).bind("127.0.0.1").xmlPort(0).grpcPort(0)
                .operatorMark(config.operatorMark()).build();
    }

    private static Result drive(AppConfig scratch, Duration budget, long start)
            throws InterruptedException {
        try (PostalServerApp node = PostalServerApp.start(scratch)) {
            PostalAdmin admin = node.admin();
            admin.createPartner("warm-up", "Warm-up pass");
            long meter = admin.createMeter("warm-up", Mode.TEST, node.core().currency()).meterId();
            admin.fundMeter(meter, new Money(100_000_000_000L, node.core().currency()), "warm-up");
            String apiKey = admin.issueApiKey("warm-up", Mode.TEST).apiKey();
            LongAdder indicia = new LongAdder();
            LongAdder quotes = new LongAdder();
            long deadline = System.nanoTime() + budget.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "openpostage-warm-up");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    URI endpoint = i % 2 == 0 ? node.grpcEndpoint() : node.xmlEndpoint();
                    clients.add(pool.submit(() -> {
                        buy(endpoint, apiKey, node.caCertificate(), meter, deadline, indicia, quotes);
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get();
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a warm-up client failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
            return new Result(indicia.sum(), quotes.sum(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * One client's loop until the deadline, at least once: a quote, then a purchase or (every 16th) a
     * small batch.
     */
    private static void buy(URI endpoint, String apiKey, Path ca, long meter, long deadline, LongAdder indicia,
                            LongAdder quotes) {
        try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(apiKey)
                .tls(TlsSettings.builder().trustCertificates(ca).build()).build())) {
            QuoteRequest ask = QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"))
                    .withDestination(PostalCode.of("10001")));
            int n = 0;
            do {
                RateQuote quote = client.quote(ask);
                quotes.increment();
                // Mostly data, as the purchase path must run often enough for the JIT's second tier
                // (thousands of calls); a stamp costs ten to a hundred times as much, so fewer.
                PrintOptions print = n % 64 == 5 ? PrintOptions.pdf() : n % 16 == 3 ? PrintOptions.png(300)
                        : PrintOptions.dataOnly();
                PurchaseRequest purchase = PurchaseRequest.of(List.of(PurchaseItem.of(quote)), PaymentMethod.account())
                        .withPrint(print).withMeter(meter);
                if (n % BATCH_EVERY == BATCH_EVERY - 1) {
                    List<BatchEntry> entries = new ArrayList<>(BATCH_SIZE);
                    for (int i = 0; i < BATCH_SIZE; i++) {
                        entries.add(new BatchEntry("w" + i, purchase.withPrint(PrintOptions.dataOnly())));
                    }
                    indicia.add(client.purchaseBatch(new BatchPurchaseRequest(entries)).results().stream()
                            .filter(r -> r.succeeded()).count());
                } else {
                    client.purchase(purchase);
                    indicia.increment();
                }
                n++;
            } while (System.nanoTime() - deadline < 0);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("warm-up: could not delete its scratch folder {}: {}", dir, e.getMessage());
        }
    }
}
