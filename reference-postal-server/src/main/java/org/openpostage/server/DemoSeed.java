package org.openpostage.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.internal.util.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds a core with two demo partners, {@code paper-shop} and {@code market}, each with a test
 * and a live API key and a funded test and live meter, and writes their API keys to
 * {@code <data.dir>/demo-api-keys.properties} (keys {@code <partner>.test}, {@code <partner>.live},
 * and the meter ids as {@code <partner>.test.meter}, {@code <partner>.live.meter}).
 *
 * <p>Idempotent: running it again keeps the partners, meters and working keys, and only replaces
 * keys that are missing from the file or no longer authenticate. Meters are funded once, when
 * created: test meters with 1,000.00, live meters with 250.00 in the rate table's currency.
 *
 * <p>Safe when several nodes seed at once: the seed runs under a lock in the ledger (the
 * installation row), so one node seeds and the others find its partners and meters; nodes sharing
 * a data directory (the cluster script's) also find its key file and write no keys of their own.
 * A node with a data directory of its own issues its own pair of keys for the same partners (the
 * ledger keeps only hashes of keys, so it cannot learn another node's).
 */
public final class DemoSeed {
    /** The file the demo API keys are written to, in the data directory. */
    public static final String KEYS_FILE = "demo-api-keys.properties";
    /** The demo partners and their display names. */
    public static final Map<String, String> PARTNERS = Map.of("paper-shop", "Paper Shop", "market", "Market Stall");

    private static final Logger log = LoggerFactory.getLogger(DemoSeed.class);
    private static final long TEST_FUNDS = 100_000;
    private static final long LIVE_FUNDS = 25_000;

    /**
     * What the seed produced.
     *
     * @param keysFile the file holding the API keys
     * @param apiKeys  the API key of each {@code <partner>.<mode>} (mode {@code test} or {@code live})
     * @param meters   the default meter of each {@code <partner>.<mode>}
     */
    public record Result(Path keysFile, Map<String, String> apiKeys, Map<String, Long> meters) {
        public Result {
            apiKeys = Map.copyOf(apiKeys);
            meters = Map.copyOf(meters);
        }

        /** Never shows the keys. */
        @Override
        public String toString() {
            return "DemoSeed.Result[" + keysFile + ", keys for " + new TreeMap<>(apiKeys).keySet() + ", meters " + meters + "]";
        }
    }

    private DemoSeed() {
    }

    /** Seeds {@code core} and writes the key file into its data directory. */
    public static Result seed(PostalCore core) {
        return core.exclusively("seed the demo partners", () -> seedLocked(core));
    }

    private static Result seedLocked(PostalCore core) {
        Path file = core.config().dataDir().resolve(KEYS_FILE);
        Properties existing = read(file);
        PostalAdmin admin = core.admin();
        Currency currency = core.currency();
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, Long> meters = new LinkedHashMap<>();
        boolean changed = !Files.exists(file);
        for (String partner : List.of("paper-shop", "market")) {
            if (!admin.partnerExists(partner)) {
                admin.createPartner(partner, PARTNERS.get(partner));
            }
            List<MeterStatement> owned = admin.meters(partner);
            for (Mode mode : List.of(Mode.TEST, Mode.LIVE)) {
                String name = partner + "." + mode.name().toLowerCase(Locale.ROOT);
                long meterId = owned.stream().filter(m -> m.mode() == mode).mapToLong(MeterStatement::meterId)
                        .min().orElseGet(() -> createFundedMeter(admin, partner, mode, currency));
                meters.put(name, meterId);
                String key = existing.getProperty(name);
                if (!works(core, key, partner, mode)) {
                    key = admin.issueApiKey(partner, mode).apiKey();
                    changed = true;
                }
                keys.put(name, key);
                changed |= !String.valueOf(meterId).equals(existing.getProperty(name + ".meter"));
            }
        }
        if (changed) {
            write(file, keys, meters);
            log.info("demo partners seeded; API keys written to {}", file);
        }
        return new Result(file, keys, meters);
    }

    private static long createFundedMeter(PostalAdmin admin, String partner, Mode mode, Currency currency) {
        long meterId = admin.createMeter(partner, mode, currency).meterId();
        admin.fundMeter(meterId, new Money(mode == Mode.TEST ? TEST_FUNDS : LIVE_FUNDS, currency), "demo seed");
        return meterId;
    }

    private static boolean works(PostalCore core, String key, String partner, Mode mode) {
        if (key == null) {
            return false;
        }
        try {
            Caller c = core.authenticator().authenticate(Credentials.apiKey(key));
            return c.partnerId().equals(partner) && c.mode() == mode;
        } catch (AuthenticationException e) {
            return false;
        }
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static void write(Path file, Map<String, String> keys, Map<String, Long> meters) {
        StringBuilder text = new StringBuilder()
                .append("# OpenPostage demo API keys, written by DemoSeed. Anyone holding a key can buy postage\n")
                .append("# as its partner: keep this file private.\n");
        for (Map.Entry<String, String> key : keys.entrySet()) {
            text.append(key.getKey()).append('=').append(key.getValue()).append('\n');
            text.append(key.getKey()).append(".meter=").append(meters.get(key.getKey())).append('\n');
        }
        try {
            SecretFiles.write(file, text.toString());
        } catch (IOException e) {
            throw new ConfigurationException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
