package org.openpostage.server.internal.flow;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.openpostage.api.Caller;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Mode;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification of scanned indicia: decode, check the signature against the published keys, look
 * up the issued record, and record the scan.
 *
 * <p>A good signature under a revoked key, or under a retired key but dated after its last date
 * of mailing, is not trusted offline; this server, which keeps every indicium it issued, answers
 * from its records instead: a piece it issued keeps its verdict, anything else signed with the
 * key is {@link Verdict#NOT_ISSUED}. The detail names the key's state.
 *
 * <p>Only a <em>scanner</em> (an API key of mail processing, {@code api_keys.scanner}) records
 * scans, and only of indicia of its own mode: its call counts as one scan of the piece (meter and
 * serial), so the second scan of a genuine piece reports {@link Verdict#DUPLICATE} and a scanned
 * piece can no longer be refunded. Any other call (a portal showing its user that a stamp is
 * valid, a test key looking at live postage) checks the piece the same way and changes nothing.
 */
public final class VerifyFlow {
    private static final Logger log = LoggerFactory.getLogger(VerifyFlow.class);

    private final CoreContext ctx;

    public VerifyFlow(CoreContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Verifies {@code request}.
     *
     * @throws org.openpostage.api.error.IndiciumFormatException if the bytes are malformed
     */
    public VerificationResult verify(Caller caller, VerifyRequest request, String requestId) {
        SignedIndicium signed = IndiciumCodec.decode(request.indicium());
        IndiciumData d = signed.data();
        SignatureCheck check = ctx.signingKeys().verify(signed);
        Instant now = Time.now(ctx.clock());
        boolean records = recordsScans(caller, d);
        if (!check.signatureMatches()) {
            Verdict verdict = check == SignatureCheck.UNKNOWN_KEY ? Verdict.UNKNOWN_KEY : Verdict.BAD_SIGNATURE;
            int previous = foreignScan(caller, d, verdict, requestId, now, records);
            String detail = verdict == Verdict.UNKNOWN_KEY
                    ? "signed with key " + d.keyId() + ", which this postal server never published"
                    : "the signature does not match the data under key " + d.keyId() + ": the indicium was altered or forged";
            log.warn("verification by partner {}: meter {} serial {}: {}", caller.partnerId(), d.meterId(),
                    d.pieceSerial(), verdict);
            return new VerificationResult(verdict, d, false, false, previous, detail);
        }
        record Issued(boolean refunded, int previousScans) {
        }
        record Stored(byte[] payload, boolean refunded, int scans) {
        }
        Optional<Issued> issued = ctx.db().transaction("verify", c -> {
            // The recorded data, signed or still waiting for its signature: a good signature over it is this
            // server's, whichever signing attempt made it.
            Optional<Stored> row = Sql.one(c, "SELECT payload, refunded_at, scan_count FROM indicia WHERE meter_id = ?"
                            + " AND serial = ?" + (records ? " FOR UPDATE" : ""),
                    rs -> new Stored(rs.getBytes(1), rs.getObject(2) != null, rs.getInt(3)), d.meterId(), d.pieceSerial());
            if (row.isEmpty() || !Arrays.equals(row.get().payload, signed.signedPart())) {
                return Optional.<Issued>empty();
            }
            Stored s = row.get();
            if (!records) {
                return Optional.of(new Issued(s.refunded, s.scans));
            }
            Sql.update(c, "UPDATE indicia SET scan_count = scan_count + 1, first_scanned_at = COALESCE(first_scanned_at, ?)"
                    + " WHERE meter_id = ? AND serial = ?", now, d.meterId(), d.pieceSerial());
            insertScan(c, caller, d, verdict(d.testMode() || check == SignatureCheck.TEST_KEY, s.refunded, s.scans),
                    requestId, now);
            return Optional.of(new Issued(s.refunded, s.scans));
        });
        String keyNote = keyNote(check, d);
        if (issued.isEmpty()) {
            int previous = foreignScan(caller, d, Verdict.NOT_ISSUED, requestId, now, records);
            log.warn("verification by partner {}: meter {} serial {} has a good signature but was never issued{}",
                    caller.partnerId(), d.meterId(), d.pieceSerial(), keyNote);
            return new VerificationResult(Verdict.NOT_ISSUED, d, true, false, previous,
                    "the signature is good but this postal server has no record of issuing meter " + d.meterId()
                            + " serial " + d.pieceSerial() + keyNote);
        }
        Issued i = issued.get();
        Verdict verdict = verdict(d.testMode() || check == SignatureCheck.TEST_KEY, i.refunded, i.previousScans);
        String detail = switch (verdict) {
            case TEST_INDICIUM -> "a genuine test indicium: never valid postage";
            case REFUNDED -> "a genuine indicium that was refunded: no longer valid postage";
            case DUPLICATE -> "a genuine indicium already scanned " + i.previousScans + " time(s): this piece is a copy";
            default -> "valid postage: " + d.postage() + ", meter " + d.meterId() + " serial " + d.pieceSerial();
        } + keyNote;
        log.debug("verification by partner {}: meter {} serial {}: {}{}{}", caller.partnerId(), d.meterId(),
                d.pieceSerial(), verdict, keyNote, records ? " (scan recorded)" : "");
        return new VerificationResult(verdict, d, true, i.refunded, i.previousScans, detail);
    }

    /**
     * For a good signature under a key that offline verifiers no longer trust for this piece, a
     * note for the detail sentence (empty otherwise).
     */
    private String keyNote(SignatureCheck check, IndiciumData d) {
        return switch (check) {
            case REVOKED_KEY -> " (signed with revoked key " + d.keyId() + ")";
            case OUTSIDE_KEY_PERIOD -> " (signed with retired key " + d.keyId() + " but dated after its last date of"
                    + " mailing" + ctx.signingKeys().find(d.keyId()).map(k -> " " + k.lastDateOfMailing()).orElse("")
                    + ")";
            default -> "";
        };
    }

    private static Verdict verdict(boolean testMode, boolean refunded, int previousScans) {
        if (testMode) {
            return Verdict.TEST_INDICIUM;
        }
        if (refunded) {
            return Verdict.REFUNDED;
        }
        return previousScans > 0 ? Verdict.DUPLICATE : Verdict.VALID;
    }

    /**
     * Whether this call records a scan: the caller's key is a scanner, still valid, and of the
     * indicium's mode (a test key never changes live pieces, nor a live key test ones).
     */
    private boolean recordsScans(Caller caller, IndiciumData d) {
        Mode pieceMode = d.testMode() ? Mode.TEST : Mode.LIVE;
        if (caller.mode() != pieceMode) {
            return false;
        }
        return ctx.db().read("read scanner key", c -> Sql.one(c, "SELECT scanner FROM api_keys WHERE key_id = ?"
                        + " AND partner_id = ? AND mode = ? AND revoked_at IS NULL", rs -> rs.getBoolean(1),
                caller.credentialId(), caller.partnerId(), caller.mode())).orElse(false);
    }

    /**
     * How often a piece that was not issued as presented was scanned before; records this scan
     * too when {@code records}.
     */
    private int foreignScan(Caller caller, IndiciumData d, Verdict verdict, String requestId, Instant now,
                            boolean records) {
        return ctx.db().transaction("record scan", c -> {
            int previous = (int) Sql.number(c, "SELECT COUNT(*) FROM scans WHERE meter_id = ? AND serial = ? AND verdict = ?",
                    d.meterId(), d.pieceSerial(), verdict);
            if (records) {
                insertScan(c, caller, d, verdict, requestId, now);
            }
            return previous;
        });
    }

    private static void insertScan(java.sql.Connection c, Caller caller, IndiciumData d, Verdict verdict,
                                   String requestId, Instant now) throws java.sql.SQLException {
        Sql.update(c, "INSERT INTO scans (meter_id, serial, key_id, verdict, partner_id, request_id, scanned_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", d.meterId(), d.pieceSerial(), d.keyId(), verdict, caller.partnerId(),
                requestId, now);
    }
}
