package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.app.PostalServerApp;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;

/**
 * Card numbers and CVVs reach no log line and no database column: purchases by card (approved,
 * declined, timed out and then settled) through both transports of a running server, with every
 * logger at DEBUG writing to one file (see the surefire configuration), then the log and every
 * column of every table are searched.
 */
class CardDataHygieneTest {
    private static final String CVV = "8642";
    private static final List<String> NUMBERS = List.of(SimulatedCardGateway.APPROVED_VISA,
            SimulatedCardGateway.DECLINED, SimulatedCardGateway.TIMEOUT_THEN_APPROVED);

    @TempDir
    Path dir;

    @Test
    void noCardNumberOrCvvInTheLogOrTheDatabase() throws Exception {
        ServerConfig server = ServerConfig.builder().dataDir(dir).backgroundTasks(false)
                .softwareKeysForLivePostage(true).build();
        try (PostalServerApp app = PostalServerApp.start(AppConfig.builder().server(server).xmlPort(0).grpcPort(0).build())) {
            PostalAdmin admin = app.admin();
            admin.createPartner("hygiene", "Hygiene");
            admin.createMeter("hygiene", Mode.TEST, app.core().currency());
            String key = admin.issueApiKey("hygiene", Mode.TEST).apiKey();
            for (java.net.URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(key)
                        .tls(TlsSettings.builder().trustCertificates(app.caCertificate()).build())
                        .retryPolicy(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(30)).build())) {
                    PurchaseItem item = PurchaseItem.of(client.quote(QuoteRequest.of(MailPiece.of(MailClass.LETTER,
                            Weight.ofGrams(20), PostalCode.of("94107")))));
                    client.purchase(request(item, NUMBERS.get(0)), CallContext.withKey(endpoint.getScheme() + "-approved"));
                    assertThrows(PaymentDeclinedException.class,
                            () -> client.purchase(request(item, NUMBERS.get(1)), CallContext.withKey(endpoint.getScheme() + "-declined")));
                    PurchaseRequest pending = request(item, NUMBERS.get(2));
                    assertThrows(PaymentPendingException.class,
                            () -> client.purchase(pending, CallContext.withKey(endpoint.getScheme() + "-pending")));
                    app.core().reconcile();
                    client.purchase(pending, CallContext.withKey(endpoint.getScheme() + "-pending"));
                }
            }
            CardDataScan scan = new CardDataScan(NUMBERS, CVV);
            List<String> log = CardDataScan.logLines();
            assertTrue(log.stream().anyMatch(l -> l.contains("4242")), "purchases were logged (with the last four)");
            for (String line : log) {
                scan.assertClean("the log", line);
            }
            for (String cell : CardDataScan.cells(TestDatabase.h2(dir))) {
                scan.assertClean("a database column", cell);
            }
        }
    }

    private static PurchaseRequest request(PurchaseItem item, String number) {
        return PurchaseRequest.of(List.of(item), new CardPayment(number, YearMonth.now().plusYears(3), CVV, "Ada Lovelace"));
    }
}
