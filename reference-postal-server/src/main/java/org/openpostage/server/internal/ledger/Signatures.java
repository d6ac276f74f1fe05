package org.openpostage.server.internal.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.signing.SigningKeys;
import org.openpostage.server.internal.util.GroupCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the indicia a committed purchase recorded ({@link Ledger#debit}) and stores the signed
 * bytes, so that every later answer (a replay, a reprint) returns exactly them.
 *
 * <p>An indicium is signed only after its debit and its data committed, outside the meter's lock,
 * and stored before it is handed out. If the device fails, or this node stops, in between, the
 * purchase stays paid with its indicia waiting: the next request for it (a retry under the same
 * idempotency key, on any node) signs them. Two nodes signing the same indicium at once both sign
 * the same recorded data; the first to store wins and the other answers with the stored bytes, so
 * the caller always gets the one signature the ledger keeps.
 */
public final class Signatures {
    private static final Logger log = LoggerFactory.getLogger(Signatures.class);

    private final Database db;
    private final SigningKeys keys;
    /** Signatures of concurrent callers, stored together; a round holds at most 100 callers. */
    private final GroupCommit<Map<String, SignedIndicium>, Map<String, byte[]>> stores =
            new GroupCommit<>(this::storeTogether, 100);

    public Signatures(Database db, SigningKeys keys) {
        this.db = db;
        this.keys = keys;
    }

    /**
     * {@code issued} with every indicium signed: those still waiting are signed now and stored.
     *
     * @throws ServiceUnavailableException if the signing device cannot sign now (the purchase stays
     *                                     paid; retrying the request signs it)
     */
    public Ledger.Issued complete(Ledger.Issued issued) {
        Ledger.Issued done = completeAll(List.of(issued)).get(0);
        if (!done.isSigned()) {
            throw unsigned(issued.purchaseId());
        }
        return done;
    }

    /**
     * Every purchase of {@code issued} with its indicia signed, the new signatures stored in one
     * transaction. A purchase whose indicia the device cannot sign now comes back unsigned (it stays
     * paid; the request for it signs it later, {@link #unsigned} is its answer meanwhile); the others
     * are signed and stored all the same. Returns once they, and everything committed before, are on
     * disk ({@link Database#durable}): the signatures' own commit sees to it, or, when there was
     * nothing to store, an explicit {@code durable()}.
     */
    public List<Ledger.Issued> completeAll(List<Ledger.Issued> issued) {
        Map<String, SignedIndicium> signed = new HashMap<>();
        boolean[] failed = new boolean[issued.size()];
        for (int k = 0; k < issued.size(); k++) {
            Ledger.Issued purchase = issued.get(k);
            Map<String, SignedIndicium> mine = new HashMap<>();
            try {
                for (Ledger.IssuedIndicium i : purchase.indicia()) {
                    if (!i.isSigned()) {
                        mine.put(i.indiciumId(), IndiciumCodec.sign(i.data(),
                                keys.signer(i.data().keyId(), i.data().algorithm())));
                    }
                }
                signed.putAll(mine);
            } catch (RuntimeException e) {
                failed[k] = true;
                log.warn("purchase {}: the signing device could not sign its {} indicia ({}); they stay recorded and are "
                        + "signed when the purchase is asked for again", purchase.purchaseId(), purchase.indicia().size(),
                        e.getClass().getSimpleName());
            }
        }
        Map<String, byte[]> stored;
        if (signed.isEmpty()) {
            // Nothing new to store, so no commit of ours brings to disk what leaves from here: a
            // purchase read back already signed (a replay, a lookup), or a round of refused purchases.
            db.durable();
            stored = Map.of();
        } else {
            stored = store(signed);
        }
        List<Ledger.Issued> result = new ArrayList<>(issued.size());
        for (int k = 0; k < issued.size(); k++) {
            Ledger.Issued purchase = issued.get(k);
            if (failed[k] || purchase.isSigned()) {
                result.add(purchase);
                continue;
            }
            List<Ledger.IssuedIndicium> all = new ArrayList<>(purchase.indicia().size());
            for (Ledger.IssuedIndicium i : purchase.indicia()) {
                if (i.isSigned()) {
                    all.add(i);
                } else {
                    SignedIndicium s = IndiciumCodec.decode(stored.get(i.indiciumId()));
                    all.add(new Ledger.IssuedIndicium(i.indiciumId(), s.data(), s));
                }
            }
            result.add(purchase.withIndicia(all));
        }
        return result;
    }

    /** The answer for a purchase that is paid and recorded but whose indicia the device could not sign. */
    public static ServiceUnavailableException unsigned(String purchaseId) {
        return new ServiceUnavailableException("purchase " + purchaseId + " is paid and recorded, but the "
                + "signing device cannot sign its indicia right now; retry with the same idempotency key to receive "
                + "them");
    }

    /**
     * Stores the signed bytes of indicia that have none yet and returns, for each, the bytes the
     * ledger now holds: these, or those another node stored first. Concurrent callers share one
     * transaction ({@link GroupCommit}); a failed write fails each of them.
     */
    private Map<String, byte[]> store(Map<String, SignedIndicium> signed) {
        return stores.submit(signed);
    }

    /** One transaction for the signatures of a round of callers; each caller gets the whole map. */
    private List<Map<String, byte[]>> storeTogether(List<Map<String, SignedIndicium>> round) {
        Map<String, SignedIndicium> all = new HashMap<>();
        for (Map<String, SignedIndicium> signed : round) {
            all.putAll(signed);
        }
        Map<String, byte[]> stored = db.transaction("store signatures", c -> update(c, all));
        return Collections.nCopies(round.size(), stored);
    }

    private static Map<String, byte[]> update(Connection c, Map<String, SignedIndicium> signed) throws SQLException {
        Map<String, byte[]> result = new HashMap<>();
        List<String> ids = new ArrayList<>(signed.keySet());
        ids.sort(null); // rows in one order: two nodes storing the same indicia never deadlock
        int[] counts;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE indicia SET data = ? WHERE indicium_id = ? AND data IS NULL")) {
            for (String id : ids) {
                Sql.bind(ps, signed.get(id).encoded().toArray(), id);
                ps.addBatch();
            }
            counts = ps.executeBatch();
        }
        for (int k = 0; k < ids.size(); k++) {
            String id = ids.get(k);
            if (counts[k] == 1) {
                result.put(id, signed.get(id).encoded().toArray());
            } else {
                result.put(id, Sql.one(c, "SELECT data FROM indicia WHERE indicium_id = ?", rs -> rs.getBytes(1), id)
                        .orElseThrow(() -> new IllegalStateException("indicium " + id + " is missing")));
            }
        }
        return result;
    }
}
