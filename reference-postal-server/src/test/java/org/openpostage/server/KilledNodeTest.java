package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.config.ServerConfig;

/**
 * A node on the embedded H2 ledger killed with {@code kill -9} right after it answered: every
 * purchase it answered is in the ledger when the node starts again, its meter debited for each
 * piece handed out and for no other. An answer is a promise: the pieces are paid and printed.
 * And an H2 ledger refuses a heartbeat too rare to force H2's own writes to disk within its
 * retention time.
 */
class KilledNodeTest {
    @TempDir
    Path dir;

    @Test
    void everyPurchaseAnsweredBeforeAKillIsInTheLedgerAfterIt() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "data.dir = " + data + "\nxml.port = 0\ngrpc.port = 0\nbackground-tasks = false\n"
                + "keystore.password = killed-node-test\n");
        ServerConfig server = ServerConfig.builder().dataDir(data).backgroundTasks(false)
                .keystorePassword("killed-node-test").build();
        String apiKey;
        long meter;
        try (PostalCore core = PostalCore.open(server)) {
            PostalAdmin admin = core.admin();
            admin.createPartner("shop", "Shop");
            apiKey = admin.issueApiKey("shop", Mode.TEST).apiKey();
            meter = admin.createMeter("shop", Mode.TEST, core.currency()).meterId();
            admin.fundMeter(meter, Money.of(10_000_000, core.currency().getCurrencyCode()), "test");
        }

        List<String> answered = new ArrayList<>();
        try (ServerProcess p = ServerProcess.start(config, Map.of()).awaitStarted()) {
            try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(p.grpcEndpoint().toString())
                    .apiKey(apiKey).tls(TlsSettings.builder().trustCertificates(data.resolve("tls").resolve("ca.pem"))
                            .build()).build())) {
                MailPiece letter = new MailPiece(MailClass.LETTER, Weight.ofGrams(20), null, PostalCode.of("94107"), null);
                PurchaseItem item = PurchaseItem.of(client.quote(QuoteRequest.of(letter), CallContext.empty()));
                long until = System.nanoTime() + 2_000_000_000L;
                for (int i = 0; System.nanoTime() < until; i++) {
                    Purchase purchase = client.purchase(new PurchaseRequest(List.of(item), PaymentMethod.account(),
                            PrintOptions.dataOnly(), null), CallContext.withKey("killed-" + i));
                    answered.add(purchase.purchaseId());
                }
            }
            p.kill();
        }
        assertTrue(answered.size() > 10, "purchases answered: " + answered.size());

        try (PostalCore core = PostalCore.open(server)) {
            assertEquals(answered.size(), core.admin().meter(meter).statement().piecesIssued(),
                    "pieces debited on the meter against purchases answered before the kill");
        }
        try (Connection c = DriverManager.getConnection(server.jdbcUrl());
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM indicia WHERE purchase_id = ?")) {
            for (String id : answered) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "the indicium of purchase " + id + ", answered before the kill");
                }
            }
        }
    }

    @Test
    void anH2LedgerRefusesAHeartbeatTooRareToForceItsWritesToDisk() {
        ServerConfig.Builder h2 = ServerConfig.builder().dataDir(dir).heartbeatInterval(Duration.ofSeconds(3))
                .deadAfter(Duration.ofSeconds(10));
        ConfigurationException e = assertThrows(ConfigurationException.class, h2::build);
        assertTrue(e.getMessage().contains("node.heartbeat-interval (PT3S) must be at most PT2S with an H2 ledger"),
                e.getMessage());
        assertDoesNotThrow(() -> ServerConfig.builder().dataDir(dir).heartbeatInterval(Duration.ofSeconds(2))
                .deadAfter(Duration.ofSeconds(10)).build());
        assertDoesNotThrow(() -> ServerConfig.builder().dataDir(dir).jdbcUrl("jdbc:postgresql://localhost/ledger")
                .heartbeatInterval(Duration.ofSeconds(3)).deadAfter(Duration.ofSeconds(10)).build());
    }
}
