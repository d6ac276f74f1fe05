package org.openpostage.server.internal.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;

/**
 * Signed checkpoints of the journals (table {@code journal_checkpoints}): the head of every chain
 * that grew since the previous checkpoint (each meter's journal, and the operator journal as chain
 * 0), signed by the signing device with the active live key. A database superuser can rewrite
 * rows and recompute their hashes, but cannot sign: the audit ({@link JournalAudit}) finds any
 * change to what a checkpoint covers. Each checkpoint names the previous one's hash, so none can be
 * dropped from the middle either.
 *
 * <p>Canonical content ({@link ChainHash}, domain {@value #DOMAIN}): the checkpoint id, its time,
 * the previous checkpoint's hash (SHA-256 of its content; 32 zero bytes for the first), the key id,
 * the number of chains, then per chain its id, sequence number and head hash. The signature is
 * the device's raw signature over the content (ECDSA: {@code r || s}).
 */
public final class Checkpoints {
    /** The domain of a checkpoint's canonical content. */
    public static final String DOMAIN = "openpostage journal checkpoint v1";
    /** The chain id of the operator journal; meters' chains use their meter id. */
    public static final long OPERATOR_CHAIN = 0;

    /** A stored checkpoint. */
    public record Checkpoint(long checkpointId, Instant createdAt, long keyId, byte[] content, byte[] signature,
                             int chains) {
    }

    private record Head(long chainId, long seq, byte[] head) {
    }

    private final Database db;
    private final CheckpointKey key;
    private final Clock clock;

    public Checkpoints(Database db, CheckpointKey key, Clock clock) {
        this.db = db;
        this.key = key;
        this.clock = clock;
    }

    /**
     * Signs a checkpoint of the chains that grew since the last one; empty if none did. Safe on
     * several nodes at once: the operator journal's head row serializes them.
     */
    public Optional<Checkpoint> sign() {
        return db.transaction("sign journal checkpoint", c -> {
            Head operator = Sql.one(c, "SELECT seq, head FROM operator_journal_head WHERE id = 1 FOR UPDATE",
                    rs -> new Head(OPERATOR_CHAIN, rs.getLong(1), rs.getBytes(2))).orElse(null);
            Map<Long, Long> marks = new HashMap<>();
            for (Head m : Sql.list(c, "SELECT chain_id, seq, head FROM journal_chain_marks",
                    rs -> new Head(rs.getLong(1), rs.getLong(2), rs.getBytes(3)))) {
                marks.put(m.chainId, m.seq);
            }
            List<Head> grown = new ArrayList<>();
            if (operator != null && operator.seq > marks.getOrDefault(OPERATOR_CHAIN, 0L)) {
                grown.add(operator);
            }
            for (Head m : Sql.list(c, "SELECT meter_id, journal_seq, journal_head FROM meters WHERE journal_seq > 0"
                    + " ORDER BY meter_id", rs -> new Head(rs.getLong(1), rs.getLong(2), rs.getBytes(3)))) {
                if (m.seq > marks.getOrDefault(m.chainId, 0L)) {
                    grown.add(m);
                }
            }
            if (grown.isEmpty()) {
                return Optional.<Checkpoint>empty();
            }
            record Last(long id, byte[] content) {
            }
            Last last = Sql.one(c, "SELECT checkpoint_id, content FROM journal_checkpoints ORDER BY checkpoint_id DESC"
                    + " FETCH FIRST 1 ROWS ONLY", rs -> new Last(rs.getLong(1), rs.getBytes(2))).orElse(null);
            long id = last == null ? 1 : last.id + 1;
            byte[] previous = last == null ? ChainHash.genesis() : ChainHash.sha256().digest(last.content);
            CheckpointKey.Signing signing = key.current(c);
            Instant now = Time.now(clock);
            ChainHash content = ChainHash.entry(DOMAIN).number(id).time(now).bytes(previous).number(signing.keyId())
                    .number(grown.size());
            for (Head h : grown) {
                content.number(h.chainId).number(h.seq).bytes(h.head);
            }
            byte[] bytes = content.canonical();
            byte[] signature = signing.signer().sign(bytes);
            Sql.update(c, "INSERT INTO journal_checkpoints (checkpoint_id, created_at, key_id, content, signature)"
                    + " VALUES (?, ?, ?, ?, ?)", id, now, signing.keyId(), bytes, signature);
            for (Head h : grown) {
                if (marks.containsKey(h.chainId)) {
                    Sql.update(c, "UPDATE journal_chain_marks SET seq = ?, head = ? WHERE chain_id = ?", h.seq, h.head,
                            h.chainId);
                } else {
                    Sql.update(c, "INSERT INTO journal_chain_marks (chain_id, seq, head) VALUES (?, ?, ?)", h.chainId,
                            h.seq, h.head);
                }
            }
            return Optional.of(new Checkpoint(id, now, signing.keyId(), bytes, signature, grown.size()));
        });
    }

    /** Every checkpoint, oldest first. */
    public List<Checkpoint> all() {
        return db.read("read checkpoints", Checkpoints::all);
    }

    static List<Checkpoint> all(Connection c) throws SQLException {
        return Sql.list(c, "SELECT checkpoint_id, created_at, key_id, content, signature FROM journal_checkpoints"
                + " ORDER BY checkpoint_id", rs -> new Checkpoint(rs.getLong(1), Sql.instant(rs, "created_at"),
                rs.getLong(3), rs.getBytes(4), rs.getBytes(5), -1));
    }
}
