package org.openpostage.server.internal.journal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.JournalAuditReport;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;

/**
 * Checks every journal's hash chain and every signed checkpoint (docs/ledger.md, "A tamper-evident
 * journal"), with nothing but the database and the published keys.
 *
 * <p>Per chain, entries are read in the order they were written. The audit recomputes each
 * entry's hash from the content the row holds now; then:
 * <ul>
 *   <li>a row whose stored hash differs from the recomputed one was <b>altered</b>;</li>
 *   <li>a missing sequence number, or a row whose stored previous hash is not the hash of the row
 *       before it, means an entry was <b>deleted</b> or the rows were <b>reordered</b>;</li>
 *   <li>a signed checkpoint whose head for the chain differs from the hash recomputed from the
 *       start of the chain means an entry up to that point was changed after the checkpoint, even
 *       if whoever changed it rewrote every hash after it: the audit names the range between the
 *       last checkpoint that still matches and the first that does not;</li>
 *   <li>a chain shorter than a checkpoint says, or than the head its meter row stores, lost its
 *       last entries.</li>
 * </ul>
 * Checkpoints themselves must be numbered without gaps, each naming its predecessor's hash, and
 * carry a good signature of a published live key. Only the first problem of each chain is reported
 * (what follows an altered entry is usually a consequence).
 */
public final class JournalAudit {
    private final Database db;
    private final Provider bouncyCastle;

    public JournalAudit(Database db, Provider bouncyCastle) {
        this.db = db;
        this.bouncyCastle = bouncyCastle;
    }

    /** A head a checkpoint signed for a chain. */
    private record Claim(long checkpointId, long seq, byte[] head) {
    }

    /** Checks everything against {@code keys}, the published key set. */
    public JournalAuditReport run(VerificationKeySet keys) {
        return db.read("audit journal", c -> {
            List<String> problems = new ArrayList<>();
            List<Checkpoints.Checkpoint> checkpoints = Checkpoints.all(c);
            Map<Long, List<Claim>> claims = checkCheckpoints(checkpoints, keys, problems);
            long entries = 0;
            int chains = 0;
            long unchained = Sql.number(c, "SELECT COUNT(*) FROM journal WHERE seq IS NULL");
            for (long meterId : Sql.list(c, "SELECT meter_id FROM meters ORDER BY meter_id", rs -> rs.getLong(1))) {
                entries += checkMeter(c, meterId, claims.getOrDefault(meterId, List.of()), problems);
                chains++;
            }
            entries += checkOperatorJournal(c, claims.getOrDefault(Checkpoints.OPERATOR_CHAIN, List.of()), problems);
            chains++;
            Instant last = checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1).createdAt();
            return new JournalAuditReport(chains, entries, unchained, checkpoints.size(), last, problems);
        });
    }

    // ------------------------------------------------------------------ checkpoints

    private Map<Long, List<Claim>> checkCheckpoints(List<Checkpoints.Checkpoint> checkpoints, VerificationKeySet keys,
                                                    List<String> problems) {
        Map<Long, List<Claim>> claims = new HashMap<>();
        byte[] previous = ChainHash.genesis();
        long expectedId = 1;
        for (Checkpoints.Checkpoint cp : checkpoints) {
            String name = "checkpoint " + cp.checkpointId() + " (signed " + cp.createdAt() + ")";
            if (cp.checkpointId() != expectedId) {
                problems.add("checkpoint " + expectedId + (cp.checkpointId() == expectedId + 1 ? " is" : " to "
                        + (cp.checkpointId() - 1) + " are") + " missing (deleted): the checkpoints jump to "
                        + cp.checkpointId());
            }
            expectedId = cp.checkpointId() + 1;
            Optional<VerificationKey> key = keys.find(cp.keyId());
            if (key.isEmpty() || key.get().mode() != Mode.LIVE) {
                problems.add(name + " names key " + cp.keyId() + ", which is not a published live key");
            } else if (!verifies(key.get(), cp.content(), cp.signature())) {
                problems.add(name + ": its signature does not verify under key " + cp.keyId()
                        + ": the checkpoint was altered");
                previous = ChainHash.sha256().digest(cp.content());
                continue;
            }
            try {
                ChainHash.Reader r = ChainHash.read(cp.content(), Checkpoints.DOMAIN);
                long id = r.number();
                Instant at = r.time();
                byte[] prev = r.bytes();
                long keyId = r.number();
                if (id != cp.checkpointId() || !at.equals(cp.createdAt()) || keyId != cp.keyId()) {
                    problems.add(name + ": its row does not match its signed content (id, time or key changed)");
                }
                if (!Arrays.equals(prev, previous)) {
                    problems.add(name + " does not follow the checkpoint before it (its previous hash differs): a "
                            + "checkpoint before it was removed or replaced");
                }
                long n = r.number();
                for (long i = 0; i < n; i++) {
                    long chain = r.number();
                    long seq = r.number();
                    byte[] head = r.bytes();
                    claims.computeIfAbsent(chain, k -> new ArrayList<>()).add(new Claim(cp.checkpointId(), seq, head));
                }
                if (!r.atEnd()) {
                    problems.add(name + ": unexpected bytes after its last chain");
                }
            } catch (RuntimeException e) {
                problems.add(name + ": its content cannot be read (" + e.getMessage() + ")");
            }
            previous = ChainHash.sha256().digest(cp.content());
        }
        return claims;
    }

    private boolean verifies(VerificationKey key, byte[] content, byte[] signature) {
        try {
            String algorithm = key.algorithm() == SignatureAlgorithm.ECDSA_P256_SHA256 ? "SHA256withPLAIN-ECDSA"
                    : "Ed25519";
            Signature s = Signature.getInstance(algorithm, bouncyCastle);
            s.initVerify(key.toPublicKey());
            s.update(content);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ chains

    /**
     * Walks one chain, row by row in the order they were written, and reports its earliest problem
     * (by position in the chain) at the end.
     */
    private static final class Walk {
        /** A problem found at a position of the chain. */
        private record Finding(long position, String text) {
        }

        /** Sequence numbers skipped at some row, until a later row fills them (a reorder) or the end (a deletion). */
        private record Gap(long from, long to, String at) {
        }

        final String chain;
        final TreeMap<Long, Claim> claims = new TreeMap<>();
        final List<String> problems;
        final List<Finding> findings = new ArrayList<>();
        final List<Gap> gaps = new ArrayList<>();
        byte[] recomputed = ChainHash.genesis();
        byte[] stored = ChainHash.genesis();
        long seq;
        long lastSeq;
        Claim lastGood;

        Walk(String chain, List<Claim> claims, List<String> problems) {
            this.chain = chain;
            this.problems = problems;
            for (Claim c : claims) {
                this.claims.put(c.seq, c);
            }
        }

        /** One row: its name (for the message), seq, stored previous and own hash, and how to hash its content. */
        void entry(String rowName, long rowSeq, byte[] prevHash, byte[] entryHash, HashOf content) {
            if (rowSeq <= seq) {
                findings.add(new Finding(rowSeq, rowName + " is out of order: it was written after entry " + lastSeq
                        + "; entries were reordered"));
                gaps.removeIf(g -> rowSeq >= g.from && rowSeq <= g.to);
            } else {
                if (rowSeq > seq + 1) {
                    gaps.add(new Gap(seq + 1, rowSeq - 1, rowName));
                }
                if (!MessageDigest.isEqual(prevHash, stored)) {
                    findings.add(new Finding(rowSeq, rowName + " does not follow the entry written before it (its "
                            + "previous hash differs): an entry before it was deleted, or the entries were reordered"));
                } else if (!MessageDigest.isEqual(content.after(prevHash), entryHash)) {
                    findings.add(new Finding(rowSeq, rowName + " was altered: its content no longer matches its hash"));
                }
                seq = rowSeq;
            }
            lastSeq = rowSeq;
            stored = entryHash;
            recomputed = content.after(recomputed);
            Claim claim = claims.remove(rowSeq);
            if (claim != null) {
                if (Arrays.equals(claim.head, recomputed)) {
                    lastGood = claim;
                } else {
                    findings.add(new Finding(rowSeq, "differs from checkpoint " + claim.checkpointId + " at entry "
                            + rowSeq + ": an entry " + (lastGood == null ? "up to " + rowSeq : "after " + lastGood.seq
                            + " (checkpoint " + lastGood.checkpointId + ", still intact) and up to " + rowSeq)
                            + " was changed after it was signed, and the hashes after it were rewritten"));
                }
            }
        }

        /** Ends the walk with the head the chain's owner row stores, and reports the earliest finding. */
        void end(long headSeq, byte[] head) {
            for (Gap g : gaps) {
                findings.add(new Finding(g.from, "entry " + g.from + (g.to > g.from ? " to " + g.to : "")
                        + (g.to > g.from ? " are" : " is") + " missing (deleted); the chain goes on at " + g.at));
            }
            if (!claims.isEmpty()) {
                Claim beyond = claims.lastEntry().getValue();
                findings.add(new Finding(seq + 1, "checkpoint " + beyond.checkpointId + " signed entry " + beyond.seq
                        + " but the chain ends at entry " + seq + ": entries " + (seq + 1) + " to " + beyond.seq
                        + " were deleted"));
            }
            if (headSeq > seq) {
                findings.add(new Finding(seq + 1, "its head names entry " + headSeq + " but the chain ends at entry "
                        + seq + ": entries " + (seq + 1) + " to " + headSeq + " were deleted"));
            } else if (headSeq == seq && seq > 0 && !Arrays.equals(head, stored)) {
                findings.add(new Finding(seq, "its head does not match its last entry " + seq
                        + ": that entry was replaced"));
            }
            findings.stream().min(java.util.Comparator.comparingLong(Finding::position))
                    .ifPresent(f -> problems.add(chain + ": " + f.text));
        }
    }

    /** The hash of a row's content after a previous hash. */
    private interface HashOf {
        byte[] after(byte[] prev);
    }

    private static long checkMeter(Connection c, long meterId, List<Claim> claims, List<String> problems)
            throws SQLException {
        Walk w = new Walk("journal of meter " + meterId, claims, problems);
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT entry_id, seq, prev_hash, entry_hash, kind, amount,"
                + " ascending_after, descending_after, purchase_id, indicium_id, payment_id, refund_id, reference,"
                + " created_at FROM journal WHERE meter_id = ? AND seq IS NOT NULL ORDER BY entry_id")) {
            ps.setLong(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong("seq");
                    String kind = rs.getString("kind");
                    long amount = rs.getLong("amount");
                    long ascending = rs.getLong("ascending_after");
                    long descending = rs.getLong("descending_after");
                    String purchaseId = rs.getString("purchase_id");
                    String indiciumId = rs.getString("indicium_id");
                    String paymentId = rs.getString("payment_id");
                    String refundId = rs.getString("refund_id");
                    String reference = rs.getString("reference");
                    Instant at = Sql.instant(rs, "created_at");
                    w.entry("entry " + seq + " (journal row " + rs.getLong("entry_id") + ")", seq, rs.getBytes("prev_hash"),
                            rs.getBytes("entry_hash"), prev -> MeterChain.hash(
                                    prev, meterId, seq, kind, amount, ascending, descending, purchaseId, indiciumId,
                                    paymentId, refundId, reference, at));
                    n++;
                }
            }
        }
        record Head(long seq, byte[] head) {
        }
        Head head = Sql.one(c, "SELECT journal_seq, journal_head FROM meters WHERE meter_id = ?",
                rs -> new Head(rs.getLong(1), rs.getBytes(2)), meterId).orElse(new Head(0, null));
        w.end(head.seq, head.head);
        return n;
    }

    private static long checkOperatorJournal(Connection c, List<Claim> claims, List<String> problems)
            throws SQLException {
        Walk w = new Walk("operator journal", claims, problems);
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, kind, subject, detail, actor, created_at, prev_hash,"
                + " entry_hash FROM operator_journal ORDER BY seq"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long seq = rs.getLong("seq");
                String kind = rs.getString("kind");
                String subject = rs.getString("subject");
                String detail = rs.getString("detail");
                String actor = rs.getString("actor");
                Instant at = Sql.instant(rs, "created_at");
                w.entry("entry " + seq + " (" + kind + " " + subject + ")", seq, rs.getBytes("prev_hash"),
                        rs.getBytes("entry_hash"), prev -> OperatorJournal.hash(prev, seq, kind, subject, detail, actor, at));
                n++;
            }
        }
        record Head(long seq, byte[] head) {
        }
        Head head = Sql.one(c, "SELECT seq, head FROM operator_journal_head WHERE id = 1",
                rs -> new Head(rs.getLong(1), rs.getBytes(2))).orElse(new Head(0, null));
        w.end(head.seq, head.head);
        return n;
    }

    static String hex(byte[] b) {
        return b == null ? "-" : HexFormat.of().formatHex(b);
    }
}
