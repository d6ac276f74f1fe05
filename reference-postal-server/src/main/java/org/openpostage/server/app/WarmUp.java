package org.openpostage.server.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
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
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.model.RateTableInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up pass ({@code warm-up}): before a node opens its ledger and listens, it runs a scratch
 * node of its own code for a while and buys test postage from it, so that the JIT has compiled the
 * purchase path before the first real request arrives rather than under it (docs/operations.md, "A
 * warm-up pass at start").
 *
 * <p>The rules:
 * <ul>
 *   <li>The scratch node touches nothing of the real one: its own H2 ledger, software keystore and
 *       development TLS certificates in a temporary folder that is deleted afterwards (also when the
 *       JVM is stopped during the pass), its own loopback ports, test mode only. No meter, key,
 *       register or journal of the real ledger is read or written, and no signing device is
 *       opened.</li>
 *   <li>It runs the same code as a real node: both bindings over TLS (gRPC and XML, each through the
 *       SDK's own client), authentication, quotes, purchases printed mostly as data and sometimes as
 *       PNG and PDF stamps, small batches, signing with the configured algorithm and provider, the configured rate
 *       table and zone.</li>
 *   <li>Its log lines come between {@code warm-up: starting a scratch node} and {@code warm-up: ...
 *       indicia}. A pass that fails (a port, a disk, a rate table it cannot buy from) is logged and
 *       the node starts anyway, only colder; an interrupted pass stops the start.</li>
 * </ul>
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    /** Client threads: enough to keep two cores busy, half of them over gRPC, half over XML. */
    static final int THREADS = 8;
    /** Every this many calls a client sends a batch of {@link #BATCH_SIZE} data-only entries instead. */
    static final int BATCH_EVERY = 16;
    static final int BATCH_SIZE = 10;
    /** Enough for any pass: at most ten minutes at a few thousand purchases a second of a few dollars. */
    private static final long FUNDS_MINOR_UNITS = 1_000_000_000L;

    /**
     * What a pass did.
     *
     * @param grpcIndicia indicia bought over gRPC
     * @param xmlIndicia  indicia bought over XML
     * @param quotes      quotes answered
     * @param start       the scratch node's start
     * @param traffic     the time its clients bought
     */
    record Result(long grpcIndicia, long xmlIndicia, long quotes, Duration start, Duration traffic) {
        long indicia() {
            return grpcIndicia + xmlIndicia;
        }
    }

    private WarmUp() {
    }

    /**
     * Runs the pass before {@code config}'s node starts: the scratch node's start, then {@code budget}
     * of traffic. Returns what it did, or {@code null} if it failed (logged; the node then starts
     * cold).
     *
     * @throws ConfigurationException if the thread was interrupted during the pass: the node does not start
     */
    static Result run(AppConfig config, Duration budget) {
        return run(config, budget, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Like {@link #run(AppConfig, Duration)}, with the scratch folder made in {@code parent}. */
    static Result run(AppConfig config, Duration budget, Path parent) {
        long began = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory(parent, "openpostage-warm-up");
        } catch (IOException | RuntimeException e) {
            log.warn("warm-up: cannot make a scratch folder in {}, the node starts cold: {}", parent, e.toString());
            return null;
        }
        Thread cleanup = new Thread(() -> delete(dir), "openpostage-warm-up-cleanup"); // if the JVM stops mid-pass
        Runtime.getRuntime().addShutdownHook(cleanup);
        log.info("warm-up: starting a scratch node in {} for {} s of test purchases; the lines up to 'warm-up: ... "
                + "indicia' are the scratch node's, not this node's", dir, budget.toSeconds());
        try {
            Result r = drive(scratch(config, dir), budget);
            log.info("warm-up: {} indicia ({} over gRPC, {} over XML) and {} quotes in {} s, after the scratch node's "
                    + "start of {} ms; starting this node", r.indicia(), r.grpcIndicia(), r.xmlIndicia(), r.quotes(),
                    r.traffic().toSeconds(), r.start().toMillis());
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("the start was interrupted during the warm-up pass");
        } catch (RuntimeException e) {
            log.warn("warm-up failed after {} s, the node starts cold: {}", (System.nanoTime() - began) / 1_000_000_000L,
                    e.toString());
            log.debug("warm-up failure", e);
            return null;
        } finally {
            delete(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** The scratch node's configuration: the real node's signing, rates and mark, everything else its own. */
    static AppConfig scratch(AppConfig config, Path dir) {
        ServerConfig real = config.server();
        ServerConfig server = ServerConfig.builder().dataDir(dir).backgroundTasks(false)
                .keystorePassword(Ids.random(32))
                .signingAlgorithm(real.signingAlgorithm()).signingProvider(real.signingProvider())
                .ratesFile(real.ratesFile()).zone(real.zone()).build();
        return AppConfig.builder().server(server).bind("127.0.0.1").xmlPort(0).grpcPort(0)
                .operatorMark(config.operatorMark()).build();
    }

    private static Result drive(AppConfig scratch, Duration budget) throws InterruptedException {
        long starting = System.nanoTime();
        try (PostalServerApp node = PostalServerApp.start(scratch)) {
            PostalAdmin admin = node.admin();
            admin.createPartner("warm-up", "Warm-up pass");
            long meter = admin.createMeter("warm-up", Mode.TEST, node.core().currency()).meterId();
            admin.fundMeter(meter, new Money(FUNDS_MINOR_UNITS, node.core().currency()), "warm-up");
            String apiKey = admin.issueApiKey("warm-up", Mode.TEST).apiKey();
            QuoteRequest ask = QuoteRequest.of(piece(admin.rateTables()).withDestination(PostalCode.of("10001")));
            long started = System.nanoTime();
            long deadline = started + budget.toNanos();
            LongAdder grpc = new LongAdder();
            LongAdder xml = new LongAdder();
            LongAdder quotes = new LongAdder();
            AtomicInteger number = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "openpostage-warm-up-" + number.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    boolean overGrpc = i % 2 == 0;
                    URI endpoint = overGrpc ? node.grpcEndpoint() : node.xmlEndpoint();
                    clients.add(pool.submit(() -> {
                        buy(endpoint, apiKey, node.caCertificate(), ask, meter, deadline, overGrpc ? grpc : xml, quotes);
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get();
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("a warm-up client failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
            return new Result(grpc.sum(), xml.sum(), quotes.sum(), Duration.ofNanos(started - starting),
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * What the clients buy: the first unzoned class and weight of the table in force today, so that
     * any rate table serves; a 20 g letter if it has none.
     */
    static MailPiece piece(List<RateTableInfo> tables) {
        for (RateTableInfo t : tables) {
            if (t.inForceToday()) {
                for (RateTableInfo.Row row : t.rows()) {
                    if (row.zone() == 0) {
                        return MailPiece.of(row.mailClass(), Weight.ofGrams(row.maxGrams()), PostalCode.of("94107"));
                    }
                }
            }
        }
        return MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"));
    }

    /**
     * One client's loop until the deadline, at least once: a quote, then a purchase, mostly printed as
     * data (the purchase path must run thousands of times for the JIT's second tier, and a stamp
     * costs ten to a hundred times as much), every 16th call as a PNG and every 64th as a PDF, and
     * every 16th call a batch of ten instead.
     */
    private static void buy(URI endpoint, String apiKey, Path ca, QuoteRequest ask, long meter, long deadline,
                            LongAdder indicia, LongAdder quotes) {
        try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(apiKey)
                .tls(TlsSettings.builder().trustCertificates(ca).build()).build())) {
            int n = 0;
            do {
                RateQuote quote = client.quote(ask);
                quotes.increment();
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
                            .filter(BatchItemResult::succeeded).count());
                } else {
                    client.purchase(purchase);
                    indicia.increment();
                }
                n++;
            } while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted());
        }
    }

    /** Deletes the scratch folder, every file it can; warns once about what it could not. */
    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        int left = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    left++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            left++;
        }
        if (left > 0) {
            log.warn("warm-up: {} files of the scratch folder {} could not be deleted", left, dir);
        }
    }
}
