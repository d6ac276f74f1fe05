package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.Mode;
import org.openpostage.api.PaymentDeclinedException;
import org.openpostage.api.PaymentPendingException;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailClass;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PostalCode;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.Weight;
import org.openpostage.server.app.AppConfig;
import org.openpostage.server.app.PostalServerApp;

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
        String logFile = System.getProperty("org.slf4j.simpleLogger.logFile");
        Assumptions.assumeTrue(logFile != null && !logFile.startsWith("System."), "logs do not go to a file");
        ServerConfig server = ServerConfig.builder().dataDir(dir).backgroundTasks(false).build();
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
            List<String> log = Files.readAllLines(Path.of(logFile), StandardCharsets.UTF_8);
            assertFalse(log.isEmpty(), "the log file has lines");
            assertTrue(log.stream().anyMatch(l -> l.contains("4242")), "purchases were logged (with the last four)");
            for (String line : log) {
                for (String number : NUMBERS) {
                    assertFalse(containsNumber(line, number), "a card number in the log: " + line);
                }
                assertFalse(line.toLowerCase(Locale.ROOT).matches(".*\\bcvv\\b\\W{0,3}\\d.*"), "a CVV in the log: " + line);
            }
            List<String> cells = cells(TestDatabase.h2(dir));
            assertTrue(cells.size() > 100, "the database was read");
            for (String cell : cells) {
                for (String number : NUMBERS) {
                    assertFalse(containsNumber(cell, number), "a card number in the database: " + cell);
                }
                assertFalse(cell.equals(CVV) || cell.contains("|" + CVV) || cell.contains(CVV + "|"),
                        "a CVV in the database: " + cell);
            }
        }
    }

    private static PurchaseRequest request(PurchaseItem item, String number) {
        return PurchaseRequest.of(List.of(item), new CardPayment(number, YearMonth.now().plusYears(3), CVV, "Ada Lovelace"));
    }

    /** The number as digits, or grouped by four with spaces or dashes. */
    private static boolean containsNumber(String text, String number) {
        String grouped = number.replaceAll("(\\d{4})(?=\\d)", "$1 ");
        return text.contains(number) || text.contains(grouped) || text.contains(grouped.replace(' ', '-'));
    }

    /** Every non-null cell of every table, as text (binary columns as ISO-8859-1). */
    private static List<String> cells(TestDatabase db) throws Exception {
        List<String> cells = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertTrue(tables.size() > 5, "tables found: " + tables);
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            if (v instanceof byte[] bytes) {
                                cells.add(new String(bytes, StandardCharsets.ISO_8859_1));
                            } else if (v != null) {
                                cells.add(String.valueOf(v));
                            }
                        }
                    }
                }
            }
        }
        return cells;
    }
}
