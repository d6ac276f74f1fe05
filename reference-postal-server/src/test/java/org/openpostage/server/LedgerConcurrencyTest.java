package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.model.MeterAudit;

/**
 * 2,000 purchases from 8 threads through two cores (server nodes) sharing one ledger, against
 * four meters of which one takes half the traffic, some paid by card, some duplicated with the
 * same idempotency key on the other node, and one meter running out of money. Then every meter
 * is checked against the ledger's invariants with SQL of the test's own.
 */
class LedgerConcurrencyTest {
    private static final int PURCHASES = 2_000;
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private record Outcome(int index, String meter, Purchase purchase, RuntimeException error, boolean duplicate) {
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void concurrentPurchasesOnTwoNodesKeepEveryRegisterExact(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.of(kind, dir)) {
            MutableClock clock = new MutableClock(Fixture.START);
            ServerConfig config = ServerConfig.builder().dataDir(dir).jdbcUrl(db.url).jdbcUser(db.user)
                    .keystorePassword("concurrency").clock(clock).backgroundTasks(false).poolSize(8)
                    .softwareKeysForLivePostage(true).build();
            try (PostalCore a = PostalCore.open(config); PostalCore b = PostalCore.open(config)) {
                run(db, a, b);
            }
        }
    }

    private void run(TestDatabase db, PostalCore a, PostalCore b) throws Exception {
        PostalAdmin admin = a.admin();
        Map<String, Caller> callers = new HashMap<>();
        for (String partner : List.of("alpha", "beta", "gamma")) {
            admin.createPartner(partner, partner);
            callers.put(partner, a.authenticator().authenticate(
                    Credentials.apiKey(admin.issueApiKey(partner, Mode.TEST).apiKey())));
        }
        Map<String, Long> meters = new TreeMap<>();
        meters.put("hot", admin.createMeter("alpha", Mode.TEST, a.currency()).meterId());
        meters.put("alpha2", admin.createMeter("alpha", Mode.TEST, a.currency()).meterId());
        meters.put("beta", admin.createMeter("beta", Mode.TEST, a.currency()).meterId());
        meters.put("gamma", admin.createMeter("gamma", Mode.TEST, a.currency()).meterId());
        admin.fundMeter(meters.get("hot"), Fixture.usd(10_000_000), "load");
        admin.fundMeter(meters.get("alpha2"), Fixture.usd(1_000_000), "load");
        admin.fundMeter(meters.get("beta"), Fixture.usd(1_000_000), "load");
        admin.fundMeter(meters.get("gamma"), Fixture.usd(3_000), "load: runs out early");

        List<PurchaseItem> catalogue = items(a, callers.get("alpha"));
        Random random = new Random(42);
        List<Callable> work = new ArrayList<>();
        for (int i = 0; i < PURCHASES; i++) {
            double r = random.nextDouble();
            String meter = r < 0.5 ? "hot" : r < 0.65 ? "alpha2" : r < 0.85 ? "beta" : "gamma";
            String partner = meter.equals("hot") || meter.equals("alpha2") ? "alpha" : meter;
            List<PurchaseItem> items = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int k = 0; k < n; k++) {
                items.add(catalogue.get(random.nextInt(catalogue.size())));
            }
            PaymentMethod payment = i % 10 == 0 ? Fixture.card(SimulatedCardGateway.APPROVED_VISA) : PaymentMethod.account();
            Long meterId = meter.equals("hot") ? null : meters.get(meter); // the hot meter is alpha's default
            PurchaseRequest request = new PurchaseRequest(items, payment, PrintOptions.dataOnly(), meterId);
            CallContext ctx = CallContext.withKey("order-" + i).withCaller(callers.get(partner));
            work.add(new Callable(i, meter, i % 2 == 0 ? a : b, request, ctx, false));
            if (i % 25 == 0) {
                work.add(new Callable(i, meter, i % 2 == 0 ? b : a, request, ctx, true));
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long started = System.nanoTime();
        List<Future<Outcome>> futures = new ArrayList<>();
        try {
            for (Callable c : work) {
                futures.add(pool.submit(c::call));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("%s: %d purchase calls (%d distinct) in %d ms: %.0f calls/s%n", db.kind, work.size(),
                    PURCHASES, millis, work.size() * 1000.0 / Math.max(1, millis));
            check(db, a, meters, outcomes);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One purchase call. */
    private record Callable(int index, String meter, PostalCore node, PurchaseRequest request, CallContext ctx,
                            boolean duplicate) {
        Outcome call() {
            try {
                return new Outcome(index, meter, node.purchase(request, ctx), null, duplicate);
            } catch (RuntimeException e) {
                return new Outcome(index, meter, null, e, duplicate);
            }
        }
    }

    private static List<PurchaseItem> items(PostalCore core, Caller caller) {
        List<MailPiece> pieces = List.of(
                new MailPiece(MailClass.LETTER, Weight.ofGrams(20), null, Fixture.ORIGIN, null),
                new MailPiece(MailClass.LETTER, Weight.ofGrams(45), null, Fixture.ORIGIN, null),
                new MailPiece(MailClass.LARGE_LETTER, Weight.ofGrams(240), null, Fixture.ORIGIN, null),
                new MailPiece(MailClass.PARCEL, Weight.ofGrams(900), null, Fixture.ORIGIN, PostalCode.of("94110")),
                new MailPiece(MailClass.PARCEL, Weight.ofGrams(4200), null, Fixture.ORIGIN, PostalCode.of("10115")));
        List<PurchaseItem> items = new ArrayList<>();
        for (MailPiece p : pieces) {
            items.add(PurchaseItem.of(core.quote(new QuoteRequest(p, Fixture.TODAY), CallContext.empty().withCaller(caller))));
        }
        return items;
    }

    private static void check(TestDatabase db, PostalCore core, Map<String, Long> meters, List<Outcome> outcomes)
            throws SQLException, ExecutionException {
        // What the clients were told, per meter.
        Map<Long, Long> issuedCount = new HashMap<>();
        Map<Long, Long> issuedValue = new HashMap<>();
        Map<Long, List<IndiciumData>> issued = new HashMap<>();
        Map<Integer, Purchase> firstByIndex = new HashMap<>();
        int failures = 0;
        for (Outcome o : outcomes) {
            if (o.error != null) {
                assertTrue(o.error instanceof InsufficientFundsException && o.meter.equals("gamma"),
                        "only the small meter may fail, for lack of funds: " + o.error);
                failures++;
                continue;
            }
            Purchase twin = firstByIndex.putIfAbsent(o.index, o.purchase);
            if (twin != null) {
                assertEquals(twin, o.purchase, "a duplicate call replays the same purchase");
                continue;
            }
            for (Indicium i : o.purchase.indicia()) {
                IndiciumData d = i.decode().data();
                issuedCount.merge(d.meterId(), 1L, Long::sum);
                issuedValue.merge(d.meterId(), d.postage().minorUnits(), Long::sum);
                issued.computeIfAbsent(d.meterId(), m -> new ArrayList<>()).add(d);
            }
        }
        assertTrue(failures > 0, "the small meter ran out of money, as planned");
        assertTrue(issuedCount.getOrDefault(meters.get("gamma"), 0L) > 0, "the small meter issued before it ran out");

        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (var e : meters.entrySet()) {
                long id = e.getValue();
                String name = e.getKey();
                long asc;
                long desc;
                long lastSerial;
                try (ResultSet rs = s.executeQuery("SELECT ascending, descending, last_serial FROM meters WHERE meter_id = " + id)) {
                    rs.next();
                    asc = rs.getLong(1);
                    desc = rs.getLong(2);
                    lastSerial = rs.getLong(3);
                }
                long funding = sum(s, "SELECT SUM(amount) FROM journal WHERE kind = 'FUNDING' AND meter_id = " + id);
                long refunds = sum(s, "SELECT SUM(amount) FROM journal WHERE kind = 'REFUND' AND meter_id = " + id);
                long reversals = sum(s, "SELECT SUM(amount) FROM journal WHERE kind = 'REVERSAL' AND meter_id = " + id);
                long debits = sum(s, "SELECT COUNT(*) FROM journal WHERE kind = 'DEBIT' AND meter_id = " + id);
                long debitSum = sum(s, "SELECT SUM(amount) FROM journal WHERE kind = 'DEBIT' AND meter_id = " + id);
                long indicia = sum(s, "SELECT COUNT(*) FROM indicia WHERE meter_id = " + id);
                long indiciaValue = sum(s, "SELECT SUM(postage) FROM indicia WHERE meter_id = " + id);
                long distinctSerials = sum(s, "SELECT COUNT(DISTINCT serial) FROM indicia WHERE meter_id = " + id);
                long minSerial = sum(s, "SELECT MIN(serial) FROM indicia WHERE meter_id = " + id);
                long maxSerial = sum(s, "SELECT MAX(serial) FROM indicia WHERE meter_id = " + id);

                assertEquals(funding + refunds - reversals, asc + desc, name + ": ascending + descending = funds loaded");
                assertTrue(asc >= 0 && desc >= 0, name + ": no register negative");
                assertEquals(indicia, debits, name + ": one DEBIT per indicium");
                assertEquals(issuedCount.getOrDefault(id, 0L), indicia, name + ": indicia stored = indicia handed out");
                assertEquals(asc, indiciaValue, name + ": indicia are worth the ascending register");
                assertEquals(asc, debitSum, name + ": DEBITs add up to the ascending register");
                assertEquals(issuedValue.getOrDefault(id, 0L), asc, name + ": clients received what was debited");
                assertEquals(indicia, distinctSerials, name + ": serials unique");
                assertEquals(lastSerial, indicia, name + ": last serial = number of indicia");
                assertEquals(1, minSerial, name + ": serials start at 1");
                assertEquals(lastSerial, maxSerial, name + ": serials without gaps");

                // Each indicium carries the registers after its own debit, in serial order.
                List<IndiciumData> mine = issued.getOrDefault(id, List.of());
                mine.sort(Comparator.comparingLong(IndiciumData::pieceSerial));
                long running = 0;
                long previousControl = 0;
                for (IndiciumData d : mine) {
                    running += d.postage().minorUnits();
                    assertEquals(running, d.ascendingRegister(), name + " serial " + d.pieceSerial());
                    long control = d.ascendingRegister() + d.descendingRegister();
                    assertTrue(control >= previousControl, name + ": control total never shrinks");
                    previousControl = control;
                }
            }
        }
        for (MeterAudit audit : core.admin().audit()) {
            assertTrue(audit.balanced(), "meter " + audit.meterId() + ": " + audit.problems());
        }
        VerificationKeySet keys = core.verificationKeys(CallContext.empty()
                .withCaller(new Caller("alpha", Mode.TEST, "audit")));
        int checked = 0;
        for (Outcome o : outcomes) {
            if (o.purchase != null && checked < 100) {
                SignedIndicium s = o.purchase.indicia().get(0).decode();
                assertEquals(s.data().testMode() ? SignatureCheck.TEST_KEY : SignatureCheck.VALID, keys.verify(s));
                checked++;
            }
        }
    }

    private static long sum(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
