package org.openpostage.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.model.IssuedApiKey;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.spi.PaymentGateway;

/**
 * A core on a fresh database with one partner, {@code acme}, holding a test and a live API key
 * and a funded test and live meter (USD 100.00 each), and a mail-processing partner,
 * {@code mailproc}, holding a test and a live scanner key (its verify calls record scans). The clock stands at 2026-06-20 10:00 UTC,
 * when rate table 2026-01 is in force (a 20 g letter costs USD 0.78).
 */
final class Fixture implements AutoCloseable {
    static final Instant START = Instant.parse("2026-06-20T10:00:00Z");
    static final LocalDate TODAY = LocalDate.of(2026, 6, 20);
    static final PostalCode ORIGIN = PostalCode.of("94107");
    static final PostalCode DESTINATION = PostalCode.of("10115");
    static final String PARTNER = "acme";
    static final String MAIL_PROCESSING = "mailproc";
    static final long FUNDS = 10_000;
    static final String KEYSTORE_PASSWORD = "fixture-keystore-password";

    final MutableClock clock = new MutableClock(START);
    final Path dataDir;
    final TestDatabase db;
    final ServerConfig config;
    final PostalCore core;
    final IssuedApiKey testKey;
    final IssuedApiKey liveKey;
    final Caller testCaller;
    final Caller liveCaller;
    final Caller testScanner;
    final Caller liveScanner;
    final long testMeter;
    final long liveMeter;
    private final List<PostalCore> extraCores = new ArrayList<>();
    private SigningLog signingLog;

    private Fixture(Path dataDir, TestDatabase db, Consumer<ServerConfig.Builder> tweak,
                    BiFunction<TestDatabase, Clock, PaymentGateway> liveGateway) {
        this(dataDir, db, tweak, liveGateway, null);
    }

    private Fixture(Path dataDir, TestDatabase db, Consumer<ServerConfig.Builder> tweak,
                    BiFunction<TestDatabase, Clock, PaymentGateway> liveGateway,
                    io.opentelemetry.api.OpenTelemetry openTelemetry) {
        this.dataDir = dataDir;
        this.db = db;
        ServerConfig.Builder b = ServerConfig.builder().dataDir(dataDir).jdbcUrl(db.url).jdbcUser(db.user)
                .keystorePassword(KEYSTORE_PASSWORD).clock(clock).backgroundTasks(false)
                .softwareKeysForLivePostage(true);
        tweak.accept(b);
        this.config = b.build();
        PostalCore.Builder builder = PostalCore.builder(config).wrapDevice(d -> signingLog = new SigningLog(d));
        if (liveGateway != null) {
            builder.liveGateway(liveGateway.apply(db, clock));
        }
        if (openTelemetry != null) {
            builder.telemetry(null, openTelemetry);
        }
        this.core = builder.open();
        PostalAdmin admin = core.admin();
        admin.createPartner(PARTNER, "Acme Stationery");
        testKey = admin.issueApiKey(PARTNER, Mode.TEST);
        liveKey = admin.issueApiKey(PARTNER, Mode.LIVE);
        testCaller = core.authenticator().authenticate(Credentials.apiKey(testKey.apiKey()));
        liveCaller = core.authenticator().authenticate(Credentials.apiKey(liveKey.apiKey()));
        admin.createPartner(MAIL_PROCESSING, "Mail processing");
        testScanner = core.authenticator().authenticate(Credentials.apiKey(
                admin.issueApiKey(MAIL_PROCESSING, Mode.TEST, true).apiKey()));
        liveScanner = core.authenticator().authenticate(Credentials.apiKey(
                admin.issueApiKey(MAIL_PROCESSING, Mode.LIVE, true).apiKey()));
        testMeter = admin.createMeter(PARTNER, Mode.TEST, core.currency()).meterId();
        liveMeter = admin.createMeter(PARTNER, Mode.LIVE, core.currency()).meterId();
        admin.fundMeter(testMeter, usd(FUNDS), "fixture");
        admin.fundMeter(liveMeter, usd(FUNDS), "fixture");
    }

    static Fixture h2(Path dir) {
        return new Fixture(dir, TestDatabase.h2(dir), b -> { }, null);
    }

    static Fixture h2(Path dir, Consumer<ServerConfig.Builder> tweak) {
        return new Fixture(dir, TestDatabase.h2(dir), tweak, null);
    }

    /** A fixture whose core charges live-mode cards through the gateway {@code liveGateway} makes. */
    static Fixture h2WithLiveGateway(Path dir, BiFunction<TestDatabase, Clock, PaymentGateway> liveGateway) {
        return new Fixture(dir, TestDatabase.h2(dir), b -> { }, liveGateway);
    }

    /** A fixture on H2 whose core reports its spans (one per ledger transaction, among others) to {@code openTelemetry}. */
    static Fixture h2Traced(Path dir, io.opentelemetry.api.OpenTelemetry openTelemetry) {
        return new Fixture(dir, TestDatabase.h2(dir), b -> { }, null, openTelemetry);
    }

    static Fixture on(TestDatabase db, Path dir) {
        return new Fixture(dir, db, b -> { }, null);
    }

    static Fixture on(TestDatabase db, Path dir, Consumer<ServerConfig.Builder> tweak) {
        return new Fixture(dir, db, tweak, null);
    }

    /** Everything the first core's signing device signed. */
    SigningLog signingLog() {
        return signingLog;
    }

    /** A second core (server node) on the same database and data directory. */
    PostalCore secondNode() {
        PostalCore c = PostalCore.open(config);
        extraCores.add(c);
        return c;
    }

    static Money usd(long cents) {
        return Money.of(cents, "USD");
    }

    CallContext test(String key) {
        return CallContext.withKey(key).withCaller(testCaller);
    }

    CallContext live(String key) {
        return CallContext.withKey(key).withCaller(liveCaller);
    }

    /** Mail processing in live mode: its verify calls record scans of live pieces. */
    CallContext scan(String key) {
        return CallContext.withKey(key).withCaller(liveScanner);
    }

    /** Mail processing in test mode: its verify calls record scans of test pieces. */
    CallContext scanTest(String key) {
        return CallContext.withKey(key).withCaller(testScanner);
    }

    static MailPiece letter20() {
        return new MailPiece(MailClass.LETTER, Weight.ofGrams(20), null, ORIGIN, DESTINATION);
    }

    /** A 20 g letter mailed today at the current price. */
    PurchaseItem letter() {
        return PurchaseItem.of(core.quote(new QuoteRequest(letter20(), TODAY), test("quote")));
    }

    PurchaseRequest purchase(int letters, PaymentMethod payment) {
        List<PurchaseItem> items = new ArrayList<>();
        for (int i = 0; i < letters; i++) {
            items.add(letter());
        }
        return new PurchaseRequest(items, payment, PrintOptions.dataOnly(), null);
    }

    static CardPayment card(String number) {
        return new CardPayment(number, YearMonth.of(2030, 12), "123", "Ada Lovelace");
    }

    MeterStatement meter(long meterId) {
        return core.admin().meters(PARTNER).stream().filter(m -> m.meterId() == meterId).findFirst().orElseThrow();
    }

    void assertBalanced() {
        for (MeterAudit a : core.admin().audit()) {
            if (!a.balanced()) {
                throw new AssertionError("meter " + a.meterId() + " does not balance: " + a.problems());
            }
        }
    }

    @Override
    public void close() {
        extraCores.forEach(PostalCore::close);
        core.close();
        db.close();
    }
}
