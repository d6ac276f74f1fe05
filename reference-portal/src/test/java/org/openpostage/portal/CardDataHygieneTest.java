package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Card data never reaches the portal's log or its database. Card checkouts go through two portals
 * of their own (XML and gRPC): approved, declined, mistyped, and one whose payment stays pending
 * until "Check again" with the same card settles it. Then every line the test JVM logged (the
 * portals and the postal server, at DEBUG, see the surefire settings in the pom) and every cell of
 * every table of both portals' H2 databases, plus the database files' raw bytes, are searched for
 * the full card numbers and the CVV.
 */
class CardDataHygieneTest {
    private static final String CVV = "9081";
    private static final String APPROVED = "4242 4242 4242 4242";
    private static final String DECLINED = "4000 0000 0000 0002";
    private static final String PENDING_THEN_APPROVED = "4000-0000-0000-0119";
    private static final String MISTYPED = "4242 4242 4242 4241";
    private static final List<String> NUMBERS = Stream.of(APPROVED, DECLINED, PENDING_THEN_APPROVED, MISTYPED)
            .map(n -> n.replaceAll("[ -]", "")).toList();
    /** The numbers and the CVV as hex of their ASCII digits, as a frame dump shows them. */
    private static final List<String> HEX = Stream.concat(NUMBERS.stream(), Stream.of(CVV))
            .map(n -> java.util.HexFormat.of().formatHex(n.getBytes(StandardCharsets.US_ASCII))).toList();
    /** The CVV as a value of its own: not inside a longer run of digits, letters or an id. */
    private static final Pattern CVV_VALUE = Pattern.compile("(?<![0-9A-Za-z_-])" + CVV + "(?![0-9A-Za-z_-])");

    private final World world = World.get();

    @Test
    void cardNumbersAndTheCvvReachNoLogLineAndNoDatabaseCell() throws Exception {
        Path log = Path.of(assertLogFile());
        List<Path> databases = new ArrayList<>();
        List<String> orders = new ArrayList<>();
        for (var endpoint : List.of(world.server.xmlEndpoint(), world.server.grpcEndpoint())) {
            String partner = endpoint.getScheme().equals("https") ? "paper-shop" : "market";
            try (PortalApp portal = world.extraPortal(partner, "Hygiene " + partner, endpoint)) {
                databases.add(portal.config().dataDir());
                orders.addAll(checkouts(portal));
            }
        }

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        for (String order : orders) {
            assertTrue(logged.contains("order " + order + ":"), "the log holds the checkouts' lines (order " + order + ")");
        }
        assertTrue(logged.contains(" DEBUG "), "the log is written at DEBUG");
        List<String> leaks = new ArrayList<>();
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.filter(CardDataHygieneTest::holdsCardData).map(l -> "log: " + l).forEach(leaks::add);
        }
        int cells = 0;
        for (Path dir : databases) {
            cells += scanTables(dir, leaks);
            scanFiles(dir, leaks);
        }
        assertTrue(cells > 100, "the tables were read: " + cells + " cells");
        assertEquals(List.of(), leaks, "card numbers or CVVs found");
    }

    /** The card checkouts, each asserting what the user sees; returns the order ids. */
    private static List<String> checkouts(PortalApp portal) throws Exception {
        Web web = Web.signedIn(portal, "alice");
        List<String> orders = new ArrayList<>();

        PortalSecurityTest.addToCart(web, "LETTER");
        PortalSecurityTest.addToCart(web, "LARGE_LETTER");
        HttpResponse<String> approved = web.post("/checkout", cardForm(web, APPROVED));
        assertEquals(303, approved.statusCode(), approved.body());
        String order = approved.headers().firstValue("Location").orElseThrow().split("/")[2];
        assertTrue(web.get("/orders/" + order).body().contains("Complete"));
        orders.add(order);

        HttpResponse<String> declined = web.post("/checkout", cardForm(web, DECLINED));
        assertEquals("/cart", declined.headers().firstValue("Location").orElseThrow());
        assertTrue(web.get("/cart").body().contains("Your card was declined"));
        orders.add(latestOrder(web));

        HttpResponse<String> mistyped = web.post("/checkout", cardForm(web, MISTYPED));
        assertEquals(400, mistyped.statusCode());
        assertTrue(mistyped.body().contains("The card number is not valid"), mistyped.body());

        HttpResponse<String> pending = web.post("/checkout", cardForm(web, PENDING_THEN_APPROVED));
        assertEquals(303, pending.statusCode(), pending.body());
        order = pending.headers().firstValue("Location").orElseThrow().split("/")[2];
        String page = web.get("/orders/" + order).body();
        assertTrue(page.contains("Confirming with the postal service"), page);
        Map<String, String> again = new HashMap<>(card(PENDING_THEN_APPROVED));
        again.put("_csrf", web.hidden(page, "_csrf"));
        assertEquals(303, web.post("/orders/" + order + "/confirm", again).statusCode());
        page = web.get("/orders/" + order).body();
        assertTrue(page.contains("Status: <strong id=\"order-status\">Complete</strong>"), page);
        orders.add(order);
        return orders;
    }

    private static boolean holdsCardData(String text) {
        String squeezed = text.replaceAll("%20|[\\s+-]", ""); // the number as typed, or form-encoded
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return NUMBERS.stream().anyMatch(squeezed::contains) || CVV_VALUE.matcher(text).find()
                || HEX.stream().anyMatch(lower::contains);
    }

    /** Checks every cell of every table of the portal database in {@code dir}; returns how many. */
    private static int scanTables(Path dir, List<String> leaks) throws Exception {
        int cells = 0;
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("portal") + ";ACCESS_MODE_DATA=r";
        try (Connection c = DriverManager.getConnection(url, "portal", "")) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE", "BASE TABLE"})) {
                while (rs.next()) {
                    if (!"INFORMATION_SCHEMA".equals(rs.getString("TABLE_SCHEM"))) {
                        tables.add("\"" + rs.getString("TABLE_SCHEM") + "\".\"" + rs.getString("TABLE_NAME") + "\"");
                    }
                }
            }
            assertTrue(tables.stream().anyMatch(t -> t.endsWith(".\"ORDERS\"")), "tables: " + tables);
            boolean cardLabelSeen = false;
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String cell = text(rs.getObject(i));
                            cells++;
                            cardLabelSeen |= cell.contains("VISA ending 0119");
                            if (holdsCardData(cell)) {
                                leaks.add(dir.getFileName() + " " + table + "." + rs.getMetaData().getColumnName(i)
                                        + ": " + (cell.length() > 200 ? cell.substring(0, 200) + "…" : cell));
                            }
                        }
                    }
                }
            }
            assertTrue(cardLabelSeen, "the orders keep the card's brand and last four digits");
        }
        return cells;
    }

    /** A cell as text; binary cells as ISO-8859-1, so ASCII digits in them are found. */
    private static String text(Object value) throws Exception {
        if (value instanceof Blob blob) {
            value = blob.getBytes(1, (int) blob.length());
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return String.valueOf(value);
    }

    /** The database files' raw bytes hold no card number (deleted rows and old pages included). */
    private static void scanFiles(Path dir, List<String> leaks) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                NUMBERS.stream().filter(raw::contains).forEach(n -> leaks.add(file + ": a card number ending " + n.substring(12)));
            }
        }
    }

    private static String latestOrder(Web web) throws Exception {
        var m = Pattern.compile("href=\"/orders/([0-9]+)\"").matcher(web.get("/orders").body());
        assertTrue(m.find());
        return m.group(1);
    }

    private static Map<String, String> cardForm(Web web, String number) throws Exception {
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> form = new HashMap<>(PortalSecurityTest.checkoutForm(web));
        form.putAll(card(number));
        form.put("payment", "card");
        return form;
    }

    private static Map<String, String> card(String number) {
        return Map.of("cardNumber", number, "cardExpiry", "12/30", "cardCvv", CVV, "cardHolder", "Alice Example");
    }

    private static String assertLogFile() {
        String file = System.getProperty("openpostage.test.log");
        assertNotNull(file, "the pom sends the test log to a file (openpostage.test.log, src/test/resources/logback-test.xml)");
        return file;
    }
}
