package org.openpostage.server.internal.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the ledger holds, as gauges read from the database every {@code interval} (never at scrape
 * time, so a slow database never slows a scrape): every meter's registers, the reconciler's
 * backlog, refused card refunds, indicia still to sign and the idempotency keys kept. Every node
 * reports the same ledger: aggregate these with {@code max}, not {@code sum}.
 */
public final class LedgerGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LedgerGauges.class);
    /** The card payment states the reconciler still has to settle. */
    private static final List<String> OPEN_PAYMENT_STATES = List.of("AUTHORIZING", "AUTHORIZED", "CAPTURED", "UNKNOWN",
            "COMPENSATING");
    private static final List<String> KEY_STATES = List.of("IN_PROGRESS", "PENDING", "COMPLETED", "FAILED");

    private final Database db;
    private final MultiGauge registers;
    private final Map<String, AtomicLong> backlog = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> keys = new ConcurrentHashMap<>();
    private final AtomicLong failedRefunds = new AtomicLong();
    private final AtomicLong unsigned = new AtomicLong();
    private final AtomicLong age = new AtomicLong(-1);
    private final ScheduledExecutorService timer;
    private volatile long lastRead;

    private LedgerGauges(Database db, MeterRegistry registry, Duration interval) {
        this.db = db;
        this.registers = MultiGauge.builder("openpostage.meter.register").description("A meter's register, in minor "
                + "units of its currency").baseUnit("minor_units").register(registry);
        for (String state : OPEN_PAYMENT_STATES) {
            AtomicLong n = backlog.computeIfAbsent("payment_" + state.toLowerCase(java.util.Locale.ROOT), k -> new AtomicLong());
            Gauge.builder("openpostage.reconciler.backlog", n, AtomicLong::get).description("Work the payment "
                    + "reconciler has to do").tags("kind", "payment", "state", state).register(registry);
        }
        AtomicLong pendingRefunds = backlog.computeIfAbsent("card_refund_pending", k -> new AtomicLong());
        Gauge.builder("openpostage.reconciler.backlog", pendingRefunds, AtomicLong::get)
                .tags("kind", "card_refund", "state", "PENDING").register(registry);
        Gauge.builder("openpostage.card_refunds.failed", failedRefunds, AtomicLong::get).description("Card refunds the "
                + "gateway refused: owed to card holders until an operator retries them").register(registry);
        Gauge.builder("openpostage.indicia.unsigned", unsigned, AtomicLong::get).description("Indicia recorded with "
                + "their debit and not yet signed").register(registry);
        for (String state : KEY_STATES) {
            AtomicLong n = keys.computeIfAbsent(state, k -> new AtomicLong());
            Gauge.builder("openpostage.idempotency.keys", n, AtomicLong::get).description("Idempotency keys kept, by "
                    + "state").tags("state", state).register(registry);
        }
        Gauge.builder("openpostage.ledger.gauges.age", age, a -> lastRead == 0 ? -1
                : (System.currentTimeMillis() - lastRead) / 1000.0).description("Seconds since these gauges were read "
                + "from the ledger").baseUnit("seconds").register(registry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "openpostage-ledger-gauges");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::read, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Registers the gauges in {@code registry} and reads them every {@code interval}. */
    public static LedgerGauges start(Database db, MeterRegistry registry, Duration interval) {
        return new LedgerGauges(db, registry, interval);
    }

    /** Reads every gauge from the ledger now (the timer does so every interval). */
    public void read() {
        try {
            db.read("read ledger gauges", c -> {
                List<MultiGauge.Row<?>> rows = new ArrayList<>();
                Sql.list(c, "SELECT meter_id, partner_id, mode, currency, ascending, descending FROM meters", rs -> {
                    Tags tags = Tags.of("meter", Long.toString(rs.getLong(1)), "partner", rs.getString(2), "mode",
                            rs.getString(3), "currency", rs.getString(4).strip());
                    rows.add(MultiGauge.Row.of(tags.and("register", "ascending"), rs.getLong(5)));
                    rows.add(MultiGauge.Row.of(tags.and("register", "descending"), rs.getLong(6)));
                    return null;
                });
                registers.register(rows, true);
                backlog.values().forEach(v -> v.set(0));
                Sql.list(c, "SELECT state, COUNT(*) FROM payments GROUP BY state", rs -> {
                    AtomicLong n = backlog.get("payment_" + rs.getString(1).toLowerCase(java.util.Locale.ROOT));
                    if (n != null) {
                        n.set(rs.getLong(2));
                    }
                    return null;
                });
                backlog.get("card_refund_pending").set(Sql.number(c,
                        "SELECT COUNT(*) FROM refunds WHERE gateway_state = 'PENDING'"));
                failedRefunds.set(Sql.number(c, "SELECT COUNT(*) FROM refunds WHERE gateway_state = 'FAILED'"));
                unsigned.set(Sql.number(c, "SELECT COUNT(*) FROM indicia WHERE data IS NULL"));
                keys.values().forEach(v -> v.set(0));
                Sql.list(c, "SELECT state, COUNT(*) FROM idempotency_keys GROUP BY state", rs -> {
                    AtomicLong n = keys.get(rs.getString(1));
                    if (n != null) {
                        n.set(rs.getLong(2));
                    }
                    return null;
                });
                return null;
            });
            lastRead = System.currentTimeMillis();
        } catch (RuntimeException e) {
            log.warn("cannot read the ledger's gauges: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
