package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Searches the test run's log file and every cell of a database for card numbers (plain, or
 * grouped by four with spaces or dashes) and a CVV as a value of its own (not inside a longer run
 * of digits, letters or an id such as a random request id).
 *
 * @param numbers the card numbers that must not appear
 * @param cvv     the CVV that must not appear
 */
record CardDataScan(List<String> numbers, String cvv) {
    /**
     * The lines of the log file every logger writes to in the tests (the surefire configuration);
     * the calling test is skipped when logs do not go to a file.
     */
    static List<String> logLines() throws IOException {
        String logFile = System.getProperty("openpostage.test.log");
        Assumptions.assumeTrue(logFile != null && !logFile.startsWith("System."), "logs do not go to a file");
        List<String> lines = Files.readAllLines(Path.of(logFile), StandardCharsets.UTF_8);
        assertFalse(lines.isEmpty(), "the log file has lines");
        return lines;
    }

    /** Fails when {@code text}, found in {@code where}, holds a card number or the CVV. */
    void assertClean(String where, String text) {
        for (String number : numbers) {
            String grouped = number.replaceAll("(\\d{4})(?=\\d)", "$1 ");
            assertFalse(text.contains(number) || text.contains(grouped) || text.contains(grouped.replace(' ', '-')),
                    "a card number in " + where + ": " + text);
        }
        assertFalse(Pattern.compile("(?<![0-9A-Za-z_-])" + cvv + "(?![0-9A-Za-z_-])").matcher(text).find(),
                "the CVV in " + where + ": " + text);
    }

    /** Every non-null cell of every table of {@code db}, as text (binary columns as ISO-8859-1). */
    static List<String> cells(TestDatabase db) throws SQLException {
        List<String> cells = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE", "BASE TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertTrue(tables.contains("PAYMENTS") && tables.contains("JOURNAL") && tables.contains("SIM_GATEWAY_TRANSACTIONS"),
                    "tables found: " + tables);
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
