package org.openpostage.server.internal.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.openpostage.server.model.OperatorAction;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;

/**
 * The operator journal: key ceremonies and administration, one hash chain (table
 * {@code operator_journal}, head in {@code operator_journal_head}). An entry is appended in the
 * transaction of the change it records, so both commit or neither; appends lock the head row, which
 * serializes them on every node (they are rare: operator actions, not purchases).
 */
public final class OperatorJournal {
    /** The actor of what the server does on its own (the first keys, say). */
    public static final String SYSTEM = "openpostage-server";
    /** The domain of the operator journal's canonical bytes. */
    static final String DOMAIN = "openpostage operator journal v1";

    private final Database db;

    public OperatorJournal(Database db) {
        this.db = db;
    }

    /** Creates the chain's head row on the first start; safe when several nodes start at once. */
    public void initialize() {
        boolean exists = db.read("read operator journal head", c -> Sql.one(c,
                "SELECT id FROM operator_journal_head WHERE id = 1", rs -> rs.getInt(1)).isPresent());
        if (!exists) {
            try {
                db.transaction("create operator journal head", c -> Sql.update(c,
                        "INSERT INTO operator_journal_head (id, seq, head) VALUES (1, 0, ?)", (Object) ChainHash.genesis()));
            } catch (RuntimeException e) {
                // Another node created it first.
            }
        }
    }

    /**
     * Appends an entry in the caller's transaction.
     *
     * @param actor who did it: an operator's name, or {@link #SYSTEM}
     */
    public void append(Connection c, OperatorAction action, String subject, String detail, String actor, Instant at)
            throws SQLException {
        record Head(long seq, byte[] hash) {
        }
        Head head = Sql.one(c, "SELECT seq, head FROM operator_journal_head WHERE id = 1 FOR UPDATE",
                rs -> new Head(rs.getLong(1), rs.getBytes(2)))
                .orElseThrow(() -> new IllegalStateException("the operator journal has no head row"));
        long seq = head.seq + 1;
        String what = clip(subject, 200);
        String more = clip(detail, 2000);
        String who = clip(actor == null || actor.isBlank() ? SYSTEM : actor, 200);
        byte[] hash = hash(head.hash, seq, action.name(), what, more, who, at);
        Sql.update(c, "INSERT INTO operator_journal (seq, kind, subject, detail, actor, created_at, prev_hash, entry_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", seq, action, what, more, who, at, head.hash, hash);
        Sql.update(c, "UPDATE operator_journal_head SET seq = ?, head = ? WHERE id = 1", seq, hash);
    }

    /** Up to {@code limit} entries after entry {@code afterSeq}, oldest first. */
    public List<OperatorJournalEntry> entries(long afterSeq, int limit) {
        return db.read("read operator journal", c -> Sql.list(c, "SELECT seq, kind, subject, detail, actor, created_at"
                        + " FROM operator_journal WHERE seq > ? ORDER BY seq FETCH FIRST " + limit + " ROWS ONLY",
                rs -> new OperatorJournalEntry(rs.getLong(1), OperatorAction.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), Sql.instant(rs, "created_at")), afterSeq));
    }

    /** The latest {@code limit} entries, newest first. */
    public List<OperatorJournalEntry> latest(int limit) {
        return db.read("read operator journal", c -> Sql.list(c, "SELECT seq, kind, subject, detail, actor, created_at"
                        + " FROM operator_journal ORDER BY seq DESC FETCH FIRST " + limit + " ROWS ONLY",
                rs -> new OperatorJournalEntry(rs.getLong(1), OperatorAction.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), Sql.instant(rs, "created_at"))));
    }

    /** The hash of an operator journal entry following {@code prev}. */
    static byte[] hash(byte[] prev, long seq, String kind, String subject, String detail, String actor, Instant at) {
        return ChainHash.entry(DOMAIN).number(seq).text(kind).text(subject).text(detail).text(actor).time(at)
                .after(prev);
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
