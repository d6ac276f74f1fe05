package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.value.Bytes;

/**
 * A serial, once signed over, belongs to that signature for ever; and signed indicium bytes never
 * reach a log line or a stored failure message.
 *
 * <p>The issuing transaction is made to fail with a constraint the test adds (a purchase may hold
 * only one item), so that a two-item purchase fails while its rows are being written; or the
 * signatures cannot be stored after the device made them. Then the meter sells again. Every
 * indicium the signing device signed ({@link SigningLog}), or that leaked anywhere the test can
 * read (the server's log, failure messages in the database), must be the piece the ledger holds for
 * its meter and serial. Before the ledger recorded an indicium ahead of signing it, the first case
 * failed on PostgreSQL: the signed bytes leaked into the payment's failure message and the log,
 * and their serial was then given to another piece.
 */
class SignedSerialTest {
    /** Hex of at least one indicium's length (127 bytes), as PostgreSQL prints a {@code bytea}. */
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{" + 2 * IndiciumCodec.PAYLOAD_LENGTH + ",}");
    /** Base64 of at least one signed payload. */
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{" + (IndiciumCodec.PAYLOAD_LENGTH * 4 / 3) + ",}={0,2}");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSerialSignedInAFailedTransactionIsNeverGivenToAnotherPiece(TestDatabase.Kind kind) throws Exception {
        long logStart = logLength();
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            execute(f.db, "ALTER TABLE indicia ADD CONSTRAINT test_one_item CHECK (item_index < 1)");
            assertThrows(PostageException.class, () -> f.core.purchase(
                    f.purchase(2, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.test("fails-card")));
            assertThrows(PostageException.class, () -> f.core.purchase(f.purchase(2, PaymentMethod.account()),
                    f.test("fails-account")));
            execute(f.db, "ALTER TABLE indicia DROP CONSTRAINT test_one_item");

            Purchase later = f.core.purchase(f.purchase(3, PaymentMethod.account()), f.test("later"));
            assertEquals(3, later.indicia().size());

            List<Signed> leaked = new ArrayList<>();
            leaked.addAll(leaked(f.db, "SELECT failure_message FROM payments"));
            leaked.addAll(leaked(f.db, "SELECT error_message FROM idempotency_keys"));
            leaked.addAll(leakedInLog(logStart));
            assertEverySignatureIsItsPiece(f, leaked);
            assertTrue(leaked.isEmpty(), "signed indicium bytes leaked to a log or a failure message: " + leaked.size());
            f.assertBalanced();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void signaturesThatCannotBeStoredAreMadeAgainForTheSamePiece(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            execute(f.db, "ALTER TABLE indicia ADD CONSTRAINT test_unsigned CHECK (data IS NULL)");
            assertThrows(PostageException.class, () -> f.core.purchase(f.purchase(2, PaymentMethod.account()),
                    f.test("store-fails")));
            assertEquals(2, f.signingLog().signed().size(), "the device signed both pieces");
            assertEquals(2, f.meter(f.testMeter).piecesIssued(), "the purchase is paid and recorded");
            execute(f.db, "ALTER TABLE indicia DROP CONSTRAINT test_unsigned");

            Purchase retried = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("store-fails"));
            Purchase again = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("store-fails"));
            assertEquals(retried, again, "once stored, the signature is the one every answer carries");
            assertEquals(List.of(1L, 2L), retried.indicia().stream().map(i -> i.decode().data().pieceSerial()).toList());
            Purchase next = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("next"));
            assertEquals(3, next.indicia().get(0).decode().data().pieceSerial());
            assertEverySignatureIsItsPiece(f, List.of());
            f.assertBalanced();
        }
    }

    /** Every indicium the device signed, and every one in {@code leaked}, is the piece the ledger holds. */
    private static void assertEverySignatureIsItsPiece(Fixture f, List<Signed> leaked) throws SQLException {
        List<Signed> seen = new ArrayList<>(leaked);
        for (org.openpostage.api.indicium.SignedIndicium s : f.signingLog().signed()) {
            seen.add(new Signed(s.data().meterId(), s.data().pieceSerial(), s.signedPart()));
        }
        assertTrue(!f.signingLog().signed().isEmpty(), "the device signed something");
        for (Signed s : seen) {
                byte[] stored = storedPayload(f.db, s.meterId(), s.serial());
                assertTrue(stored != null, "meter " + s.meterId() + " serial " + s.serial()
                        + " was signed but the ledger has no such piece: the serial can be given to another");
                assertEquals(Bytes.of(s.payload()), Bytes.of(stored), "meter " + s.meterId() + " serial "
                        + s.serial() + " was signed over other data than the piece the ledger holds");
        }
    }

    private static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static byte[] storedPayload(TestDatabase db, long meterId, long serial) throws SQLException {
        try (Connection c = db.connect(); var ps = c.prepareStatement(
                "SELECT payload FROM indicia WHERE meter_id = ? AND serial = ?")) {
            ps.setLong(1, meterId);
            ps.setLong(2, serial);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /** Indicia found in the text column of every row {@code sql} returns. */
    private static List<Signed> leaked(TestDatabase db, String sql) throws SQLException {
        List<Signed> found = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                found.addAll(indiciaIn(rs.getString(1)));
            }
        }
        return found;
    }

    private static List<Signed> leakedInLog(long from) throws IOException {
        Path log = logFile();
        if (log == null || !Files.exists(log)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(log);
        return indiciaIn(new String(all, (int) Math.min(from, all.length), all.length - (int) Math.min(from, all.length),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long logLength() throws IOException {
        Path log = logFile();
        return log != null && Files.exists(log) ? Files.size(log) : 0;
    }

    /** The file every logger writes to in the tests (the surefire configuration), or {@code null}. */
    private static Path logFile() {
        String file = System.getProperty("openpostage.test.log");
        return file == null || file.startsWith("System.") ? null : Path.of(file);
    }

    /** Every run of hex or base64 in {@code text} that decodes as an indicium, or as one's signed part. */
    static List<Signed> indiciaIn(String text) {
        List<Signed> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        Matcher hex = HEX.matcher(text);
        while (hex.find()) {
            String run = hex.group();
            for (int start = 0; start + 2 * IndiciumCodec.PAYLOAD_LENGTH <= run.length(); start += 2) {
                decodeAt(HexFormat.of().parseHex(run.substring(start, start + (run.length() - start) / 2 * 2)), found);
            }
        }
        Matcher b64 = BASE64.matcher(text);
        while (b64.find()) {
            try {
                decodeAt(Base64.getDecoder().decode(b64.group()), found);
            } catch (IllegalArgumentException notBase64) {
                // not a base64 run after all
            }
        }
        return found;
    }

    /** A signed part found somewhere: its meter and serial (bytes 8 to 15, docs/indicium-format.md). */
    record Signed(long meterId, long serial, byte[] payload) {
    }

    private static void decodeAt(byte[] bytes, List<Signed> found) {
        if (bytes.length >= IndiciumCodec.LENGTH && bytes[0] == IndiciumCodec.FORMAT_VERSION) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            found.add(new Signed(Integer.toUnsignedLong(b.getInt(8)), Integer.toUnsignedLong(b.getInt(12)),
                    java.util.Arrays.copyOf(bytes, IndiciumCodec.PAYLOAD_LENGTH)));
        }
    }
}
