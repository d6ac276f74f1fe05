package org.openpostage.server.internal.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.server.model.JournalKind;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.journal.ChainHash;
import org.openpostage.server.internal.journal.MeterChain;

/**
 * Appends entries to one meter's journal, chained: each entry gets the meter's next sequence
 * number and a hash over the previous entry's hash and its own canonical bytes ({@link MeterChain#hash}).
 * Used inside a transaction that holds the meter's row lock, which serializes the chain; the
 * caller stores {@link #seq()} and {@link #head()} with the meter's registers.
 */
final class MeterJournal {
    private static final String INSERT = "INSERT INTO journal (meter_id, kind, amount, ascending_after,"
            + " descending_after, purchase_id, indicium_id, payment_id, refund_id, reference, created_at, seq,"
            + " prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final long meterId;
    private long seq;
    private byte[] head;
    private final List<Object[]> pending = new ArrayList<>();

    MeterJournal(Ledger.Meter meter) {
        this.meterId = meter.meterId();
        this.seq = meter.journalSeq();
        this.head = meter.journalHead() != null ? meter.journalHead() : ChainHash.genesis();
    }

    /** Adds an entry, to be inserted by {@link #write}. */
    void append(JournalKind kind, long amount, long ascending, long descending, String purchaseId, String indiciumId,
                String paymentId, String refundId, String reference, Instant at) {
        byte[] prev = head;
        seq++;
        head = MeterChain.hash(prev, meterId, seq, kind.name(), amount, ascending, descending, purchaseId, indiciumId, paymentId,
                refundId, reference, at);
        pending.add(new Object[] {meterId, kind, amount, ascending, descending, purchaseId, indiciumId, paymentId,
                refundId, reference, at, seq, prev, head});
    }

    /** Inserts the entries added so far. */
    void write(Connection c) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Object[] row : pending) {
                Sql.bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        pending.clear();
    }

    /** Adds one entry and inserts it at once; returns its entry id. */
    long appendOne(Connection c, JournalKind kind, long amount, long ascending, long descending, String purchaseId,
                   String indiciumId, String paymentId, String refundId, String reference, Instant at)
            throws SQLException {
        write(c);
        append(kind, amount, ascending, descending, purchaseId, indiciumId, paymentId, refundId, reference, at);
        try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"entry_id"})) {
            Sql.bind(ps, pending.get(0));
            ps.executeUpdate();
            pending.clear();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : 0;
            }
        }
    }

    /** The sequence number of the last entry. */
    long seq() {
        return seq;
    }

    /** The hash of the last entry, or {@code null} when the meter has no chained entry. */
    byte[] head() {
        return seq == 0 ? null : head;
    }
}
