package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.value.Mode;
import org.openpostage.server.internal.journal.ChainHash;
import org.openpostage.server.internal.journal.MeterChain;
import org.openpostage.server.model.JournalAuditReport;

/**
 * Tampering with the journals directly in SQL, as a database superuser would (the append-only
 * triggers switched off first), on H2 and PostgreSQL: the audit finds each change and names the
 * first entry altered, deleted or reordered, or the checkpoint that no longer holds.
 *
 * <p>Each case starts from the same history: a funded meter with account and card purchases and a
 * refund, a key rotation (operator journal entries), a signed checkpoint, then two more purchases
 * that no checkpoint covers yet.
 */
class JournalTamperTest {
    @TempDir
    Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(TestDatabase.Kind.values()).map(Arguments::of);
    }

    /** The history every case starts from; returns the live meter's chain length after it. */
    private static long history(Fixture f) {
        f.core.purchase(f.purchase(2, PaymentMethod.account()), f.live("a"));
        Purchase card = f.core.purchase(f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.live("b"));
        f.core.refund(new RefundRequest(card.indicia().get(0).indiciumId()), f.live("r"));
        f.core.admin().as("alice").rotateSigningKey(Mode.LIVE, SignatureAlgorithm.ECDSA_P256_SHA256);
        assertTrue(f.core.admin().signJournalCheckpoint() > 0);
        f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("c"));
        f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("d"));
        JournalAuditReport intact = f.core.admin().auditJournal();
        assertTrue(intact.intact(), intact.problems().toString());
        return Rows.count(f.db, "SELECT journal_seq FROM meters WHERE meter_id = ?", f.liveMeter);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anUntouchedJournalIsIntact(TestDatabase.Kind kind) {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            long seq = history(f);
            // FUNDING, 2 DEBITs, FUNDING + DEBIT (card), REFUND + REVERSAL (checkpointed up to here: 7), 2 DEBITs.
            assertEquals(9, seq);
            JournalAuditReport report = f.core.admin().auditJournal();
            assertTrue(report.intact(), report.problems().toString());
            assertEquals(1, report.checkpoints());
            assertTrue(report.entries() >= 9 + 1 + 5, "meter journals and the operator journal: " + report.entries());
            assertEquals(0, report.unchainedEntries());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAlteredEntryIsNamed(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            superuser(f, "UPDATE journal SET amount = amount + 100 WHERE meter_id = " + f.liveMeter + " AND seq = 3");
            assertProblem(f, "journal of meter " + f.liveMeter + ": entry 3 (journal row ", "was altered");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeletedEntryIsNamed(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            superuser(f, "DELETE FROM journal WHERE meter_id = " + f.liveMeter + " AND seq = 4");
            assertProblem(f, "journal of meter " + f.liveMeter + ": entry 4 is missing (deleted)");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void reorderedEntriesAreNamed(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            String meter = " WHERE meter_id = " + f.liveMeter + " AND seq = ";
            superuser(f, "UPDATE journal SET seq = -1" + meter + "5",
                    "UPDATE journal SET seq = 5" + meter + "6",
                    "UPDATE journal SET seq = 6" + meter + "-1");
            assertProblem(f, "journal of meter " + f.liveMeter + ": entry 5 (journal row ", "is out of order: it was "
                    + "written after entry 6; entries were reordered");
        }
    }

    /** Whoever alters an entry and rewrites every hash after it, and the meter's head, still fails the signed checkpoint. */
    @ParameterizedTest
    @MethodSource("databases")
    void anEntryChangedWithEveryHashRewrittenFailsTheSignedCheckpoint(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            superuser(f, "UPDATE journal SET amount = amount + 100, ascending_after = ascending_after + 100"
                    + " WHERE meter_id = " + f.liveMeter + " AND seq = 2");
            rehash(f, f.liveMeter);
            assertProblem(f, "journal of meter " + f.liveMeter + ": differs from checkpoint 1 at entry 7",
                    "an entry up to 7 was changed after it was signed");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void deletingTheLastEntriesIsFound(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            // Entries 6 to 9 go, and the meter's head is set back to entry 5: only the checkpoint remembers entry 7.
            superuser(f, "DELETE FROM journal WHERE meter_id = " + f.liveMeter + " AND seq > 5");
            rehash(f, f.liveMeter);
            assertProblem(f, "journal of meter " + f.liveMeter + ": checkpoint 1 signed entry 7 but the chain ends at "
                    + "entry 5: entries 6 to 7 were deleted");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAlteredCheckpointFailsItsSignature(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            byte[] content = bytes(f, "SELECT content FROM journal_checkpoints WHERE checkpoint_id = 1");
            content[content.length - 1] ^= 1;
            superuserUpdate(f, "UPDATE journal_checkpoints SET content = ? WHERE checkpoint_id = 1", content);
            assertProblem(f, "checkpoint 1 (signed ", "its signature does not verify under key 2",
                    "the checkpoint was altered");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAlteredOperatorJournalEntryIsNamed(TestDatabase.Kind kind) throws SQLException {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir, b -> b.simulatedLivePayments(true))) {
            history(f);
            long seq = Rows.count(f.db, "SELECT MIN(seq) FROM operator_journal WHERE actor = 'alice'");
            superuser(f, "UPDATE operator_journal SET actor = 'mallory' WHERE seq = " + seq);
            assertProblem(f, "operator journal: entry " + seq + " (KEY_CREATED key 2) was altered");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertProblem(Fixture f, String... parts) {
        JournalAuditReport report = f.core.admin().auditJournal();
        assertTrue(report.problems().stream().anyMatch(p -> Stream.of(parts).allMatch(p::contains)),
                "expected a problem with " + List.of(parts) + ", found " + report.problems());
    }

    /** Runs {@code sql} with the journals' append-only triggers switched off, as a superuser can. */
    private static void superuser(Fixture f, String... sql) throws SQLException {
        try (Connection c = f.db.connect(); Statement s = c.createStatement()) {
            withoutTriggers(f, s, () -> {
                for (String statement : sql) {
                    s.execute(statement);
                }
            });
        }
    }

    private static void superuserUpdate(Fixture f, String sql, byte[] value) throws SQLException {
        try (Connection c = f.db.connect(); Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBytes(1, value);
            withoutTriggers(f, s, ps::executeUpdate);
        }
    }

    private interface Work {
        void run() throws SQLException;
    }

    private static void withoutTriggers(Fixture f, Statement s, Work work) throws SQLException {
        List<String> tables = List.of("journal", "operator_journal", "journal_checkpoints");
        if (f.db.kind == TestDatabase.Kind.POSTGRESQL) {
            for (String t : tables) {
                s.execute("ALTER TABLE " + t + " DISABLE TRIGGER USER");
            }
            work.run();
            for (String t : tables) {
                s.execute("ALTER TABLE " + t + " ENABLE TRIGGER USER");
            }
        } else {
            for (String t : tables) {
                s.execute("DROP TRIGGER IF EXISTS " + t + "_append_only");
            }
            work.run();
        }
    }

    private static byte[] bytes(Fixture f, String sql) throws SQLException {
        try (Connection c = f.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    /** Recomputes every hash of a meter's journal from its rows as they are now, and its head: what a careful forger does. */
    private static void rehash(Fixture f, long meterId) throws SQLException {
        record Row(long entryId, long seq, String kind, long amount, long asc, long desc, String purchaseId,
                   String indiciumId, String paymentId, String refundId, String reference, java.time.Instant at) {
        }
        List<Row> rows = new ArrayList<>();
        try (Connection c = f.db.connect(); PreparedStatement ps = c.prepareStatement("SELECT entry_id, seq, kind, amount,"
                + " ascending_after, descending_after, purchase_id, indicium_id, payment_id, refund_id, reference, created_at"
                + " FROM journal WHERE meter_id = ? AND seq IS NOT NULL ORDER BY seq")) {
            ps.setLong(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getObject(12, java.time.OffsetDateTime.class).toInstant()));
                }
            }
        }
        try (Connection c = f.db.connect(); Statement s = c.createStatement()) {
            byte[][] head = new byte[1][];
            withoutTriggers(f, s, () -> {
                byte[] p = ChainHash.genesis();
                for (Row r : rows) {
                    byte[] h = MeterChain.hash(p, meterId, r.seq, r.kind, r.amount, r.asc, r.desc, r.purchaseId,
                            r.indiciumId, r.paymentId, r.refundId, r.reference, r.at);
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE journal SET prev_hash = ?, entry_hash = ? WHERE entry_id = ?")) {
                        ps.setBytes(1, p);
                        ps.setBytes(2, h);
                        ps.setLong(3, r.entryId);
                        ps.executeUpdate();
                    }
                    p = h;
                }
                head[0] = p;
            });
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE meters SET journal_seq = ?, journal_head = ? WHERE meter_id = ?")) {
                ps.setLong(1, rows.get(rows.size() - 1).seq);
                ps.setBytes(2, head[0]);
                ps.setLong(3, meterId);
                ps.executeUpdate();
            }
        }
    }
}
