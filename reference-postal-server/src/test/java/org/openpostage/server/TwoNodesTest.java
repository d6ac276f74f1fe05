package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.app.PostalServerApp;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.model.MeterAudit;

/**
 * Two server applications sharing one PostgreSQL ledger: purchases on one meter through node A
 * over XML and node B over gRPC at the same time, then the registers and serials are exact.
 * Skipped when PostgreSQL does not answer.
 */
class TwoNodesTest {
    private static final int PER_NODE = 60;

    @TempDir
    Path dir;

    @Test
    void purchasesThroughBothNodesAndBothTransportsShareOneExactMeter() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            ServerConfig server = ServerConfig.builder().dataDir(dir).jdbcUrl(db.url).jdbcUser(db.user)
                    .keystorePassword("two-nodes").backgroundTasks(false).poolSize(6)
                    .softwareKeysForLivePostage(true).build();
            AppConfig config = AppConfig.builder().server(server).xmlPort(0).grpcPort(0).build();
            try (PostalServerApp a = PostalServerApp.start(config); PostalServerApp b = PostalServerApp.start(config)) {
                PostalAdmin admin = a.admin();
                admin.createPartner("shared", "Shared meter shop");
                long meter = admin.createMeter("shared", Mode.TEST, a.core().currency()).meterId();
                Money funds = new Money(1_000_000, a.core().currency());
                admin.fundMeter(meter, funds, "load");
                String key = b.admin().issueApiKey("shared", Mode.TEST).apiKey();

                try (PostalClient xml = client(a, a.xmlEndpoint(), key); PostalClient grpc = client(a, b.grpcEndpoint(), key)) {
                    PurchaseItem letter = PurchaseItem.of(xml.quote(QuoteRequest.of(MailPiece.of(MailClass.LETTER,
                            Weight.ofGrams(20), PostalCode.of("94107")))));
                    PurchaseRequest request = PurchaseRequest.of(List.of(letter), PaymentMethod.account());
                    ExecutorService pool = Executors.newFixedThreadPool(8);
                    List<Future<Purchase>> futures = new ArrayList<>();
                    try {
                        for (int i = 0; i < PER_NODE; i++) {
                            int n = i;
                            futures.add(pool.submit(() -> xml.purchase(request, CallContext.withKey("xml-" + n))));
                            futures.add(pool.submit(() -> grpc.purchase(request, CallContext.withKey("grpc-" + n))));
                        }
                        for (Future<Purchase> f : futures) {
                            assertEquals(meter, f.get().indicia().get(0).decode().data().meterId());
                        }
                    } finally {
                        pool.shutdownNow();
                    }
                    long pieces = 2L * PER_NODE;
                    long spent = letter.price().minorUnits() * pieces;
                    MeterStatement m = b.admin().meters("shared").get(0);
                    assertEquals(spent, m.ascending().minorUnits(), "ascending register = postage issued");
                    assertEquals(funds.minorUnits() - spent, m.descending().minorUnits(), "descending register");
                    assertEquals(pieces, m.piecesIssued());
                    try (Connection c = db.connect(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT serial), MIN(serial), MAX(serial)"
                                 + " FROM indicia WHERE meter_id = " + meter)) {
                        rs.next();
                        assertEquals(pieces, rs.getLong(1), "indicia stored");
                        assertEquals(pieces, rs.getLong(2), "serials unique");
                        assertEquals(1, rs.getLong(3), "serials start at 1");
                        assertEquals(pieces, rs.getLong(4), "serials without gaps");
                    }
                    for (MeterAudit audit : a.admin().audit()) {
                        assertTrue(audit.balanced(), "meter " + audit.meterId() + ": " + audit.problems());
                    }
                }
            }
        }
    }

    private static PostalClient client(PostalServerApp app, java.net.URI endpoint, String key) {
        return PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(key)
                .tls(TlsSettings.builder().trustCertificates(app.caCertificate()).build())
                .requestTimeout(Duration.ofSeconds(60)).build());
    }
}
