package org.openpostage.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * The contract suite run against a remote postal server, configured by system properties with the
 * prefix {@value #PREFIX} (see {@link ConformanceRunner} for the keys). Skipped when no endpoint is
 * configured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class EndpointConformanceTest extends PostalServiceContract {
    /** The prefix of every configuration key. */
    public static final String PREFIX = "openpostage.conformance.";

    private final Map<String, PostalClient> clients = new HashMap<>();

    @Override
    protected ConformanceFixture createFixture() {
        Map<String, String> p = settings(System.getProperties());
        assumeTrue(p.containsKey("endpoint"), "set " + PREFIX + "endpoint to run the suite against a server");
        ConformanceFixture.Cards defaults = ConformanceFixture.Cards.referenceServer();
        ConformanceFixture.Builder b = ConformanceFixture.builder()
                .service(client("test", p, p.get("apiKey")))
                .unauthenticated(client("bad", p, "op_test_conformance_not_a_key"))
                .cards(new ConformanceFixture.Cards(
                        card(p, "cards.approved", defaults.approved().number()),
                        card(p, "cards.declined", defaults.declined().number()),
                        card(p, "cards.insufficientFunds", defaults.insufficientFunds().number()),
                        "none".equals(p.get("cards.pending")) ? null
                                : card(p, "cards.pending", defaults.pending().number())));
        if (p.containsKey("liveApiKey")) {
            b.live(client("live", p, p.get("liveApiKey")));
        }
        if (p.containsKey("otherModeMeterId")) {
            b.otherModeMeterId(Long.parseLong(p.get("otherModeMeterId")));
        }
        if (p.containsKey("settleTimeout")) {
            b.settleTimeout(org.openpostage.api.Settings.duration("settleTimeout", p.get("settleTimeout")));
        }
        if (p.containsKey("piece.origin")) {
            MailPiece piece = MailPiece.of(MailClass.parse(p.getOrDefault("piece.mailClass", "LETTER")),
                    Weight.ofGrams(Integer.parseInt(p.getOrDefault("piece.weightGrams", "20"))),
                    PostalCode.of(p.get("piece.origin")));
            b.samplePiece(p.containsKey("piece.destination")
                    ? piece.withDestination(PostalCode.of(p.get("piece.destination"))) : piece);
        }
        return b.build();
    }

    @AfterAll
    void closeClients() {
        clients.values().forEach(PostalClient::close);
    }

    private PostalClient client(String name, Map<String, String> p, String apiKey) {
        Map<String, String> config = new HashMap<>(p);
        if (apiKey != null) {
            config.put("apiKey", apiKey);
        }
        return clients.computeIfAbsent(name, n -> PostalClients.connect(ClientConfig.fromProperties(config)));
    }

    private static org.openpostage.api.model.CardPayment card(Map<String, String> p, String key, String fallback) {
        return ConformanceFixture.Cards.card(p.getOrDefault(key, fallback));
    }

    /** The keys under {@link #PREFIX}, with the prefix removed. */
    static Map<String, String> settings(Properties properties) {
        Map<String, String> p = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                p.put(name.substring(PREFIX.length()), properties.getProperty(name));
            }
        }
        return p;
    }
}
