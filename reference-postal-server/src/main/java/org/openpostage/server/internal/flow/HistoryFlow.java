package org.openpostage.server.internal.flow;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.Caller;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentSummary;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseSummary;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Money;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.history.JournalDocuments;
import org.openpostage.server.internal.history.JournalLine;
import org.openpostage.server.internal.ledger.Ledger;

/**
 * A partner's lookup and history (protocol v1's {@code lookupPurchase}, {@code listPurchases} and
 * {@code exportJournal}): read-only views of the ledger, limited to the caller's partner and mode.
 * A purchase found is rendered again from its stored, signed data, as a replay is: nothing is
 * charged and no indicium is issued again.
 */
public final class HistoryFlow {
    /** The prefix of the page tokens this server issues (a version, so that the format may change). */
    private static final String TOKEN_PREFIX = "p1.";

    private final CoreContext ctx;

    public HistoryFlow(CoreContext ctx) {
        this.ctx = ctx;
    }

    // ------------------------------------------------------------------ lookup

    /**
     * The caller's purchase {@code request.purchaseId()}, rendered per the request's print options,
     * with the refunds of its indicia.
     *
     * @throws NotFoundException if the caller (partner and mode) has no such purchase, or the background does not exist
     */
    public PurchaseRecord lookup(Caller caller, PurchaseLookupRequest request) {
        PrintOptions print = request.print();
        if (print.format() != OutputFormat.INDICIUM_DATA && !ctx.imaging().available()) {
            throw new ServiceUnavailableException("rendering is not configured on this postal server; look the purchase "
                    + "up with print format INDICIUM_DATA");
        }
        BackgroundImage background = null;
        if (print.backgroundId() != null) {
            background = ctx.backgrounds().find(print.backgroundId()).orElseThrow(() -> new NotFoundException(
                    "print.backgroundId '" + print.backgroundId() + "' is not in the background catalogue"));
        }
        String id = request.purchaseId();
        boolean owned = ctx.db().read("find purchase", c -> Sql.one(c,
                "SELECT 1 FROM purchases WHERE purchase_id = ? AND partner_id = ? AND mode = ?",
                rs -> rs.getInt(1), id, caller.partnerId(), caller.mode()).isPresent());
        Optional<Ledger.Issued> stored = owned ? ctx.ledger().loadPurchase(id) : Optional.empty();
        if (stored.isEmpty()) {
            throw new NotFoundException("purchase '" + id + "' was not issued to this partner in " + caller.mode()
                    + " mode");
        }
        // Indicia still waiting for their signatures (their request failed after the commit) are signed first.
        Ledger.Issued issued = ctx.signatures().complete(stored.get());
        List<Indicium> indicia = new ArrayList<>(issued.indicia().size());
        for (Ledger.IssuedIndicium i : issued.indicia()) {
            RenderedImage image = print.format() == OutputFormat.INDICIUM_DATA ? null
                    : ctx.imaging().render(i.signed(), print, background);
            indicia.add(new Indicium(i.indiciumId(), i.signed().encoded(), image));
        }
        Purchase purchase = new Purchase(issued.purchaseId(), indicia, issued.total(), issued.payment(), issued.mode(),
                issued.issuedAt());
        List<Refund> refunds = ctx.db().read("read refunds of purchase", c -> Sql.list(c,
                "SELECT r.refund_id, r.indicium_id, r.amount, r.currency, r.credited_to, r.refunded_at FROM refunds r"
                        + " JOIN indicia i ON i.indicium_id = r.indicium_id WHERE i.purchase_id = ?"
                        + " ORDER BY r.refunded_at, r.refund_id",
                rs -> new Refund(rs.getString(1), rs.getString(2), Money.of(rs.getLong(3), rs.getString(4).strip()),
                        PaymentKind.valueOf(rs.getString(5)), Sql.instant(rs, "refunded_at")), id));
        return new PurchaseRecord(purchase, issued.meterId(), refunds);
    }

    // ------------------------------------------------------------------ list

    /** One page of the caller's purchases committed in the request's period, oldest first (then by id). */
    public PurchasePage list(Caller caller, PurchaseListRequest request) {
        Position after = request.pageToken() == null ? null : Position.parse(request.pageToken(), request);
        int size = request.pageSize();
        List<PurchaseSummary> rows = ctx.db().read("list purchases", c -> {
            String sql = "SELECT p.purchase_id, p.meter_id, p.currency, p.total, p.item_count, p.payment_kind,"
                    + " p.payment_reference, p.card_brand, p.card_last4, p.issued_at,"
                    + " (SELECT COUNT(*) FROM indicia i WHERE i.purchase_id = p.purchase_id AND i.refund_id IS NOT NULL)"
                    + " AS refunded FROM purchases p WHERE p.partner_id = ? AND p.mode = ? AND p.issued_at >= ?"
                    + " AND p.issued_at < ?"
                    + (after == null ? "" : " AND (p.issued_at > ? OR (p.issued_at = ? AND p.purchase_id > ?))")
                    + " ORDER BY p.issued_at, p.purchase_id FETCH FIRST " + (size + 1) + " ROWS ONLY";
            Object[] args = after == null
                    ? new Object[] {caller.partnerId(), caller.mode(), request.from(), request.to()}
                    : new Object[] {caller.partnerId(), caller.mode(), request.from(), request.to(), after.issuedAt,
                            after.issuedAt, after.purchaseId};
            return Sql.list(c, sql, rs -> {
                Money total = Money.of(rs.getLong("total"), rs.getString("currency").strip());
                String brand = rs.getString("card_brand");
                String last4 = rs.getString("card_last4");
                PaymentSummary payment = new PaymentSummary(PaymentKind.valueOf(rs.getString("payment_kind")), total,
                        brand == null ? null : CardBrand.valueOf(brand), last4 == null ? null : last4.strip(),
                        rs.getString("payment_reference"));
                return new PurchaseSummary(rs.getString("purchase_id"), rs.getLong("meter_id"),
                        Sql.instant(rs, "issued_at"), total, payment, rs.getInt("item_count"), rs.getInt("refunded"));
            }, args);
        });
        if (rows.size() <= size) {
            return new PurchasePage(rows, null);
        }
        List<PurchaseSummary> page = rows.subList(0, size);
        PurchaseSummary last = page.get(size - 1);
        return new PurchasePage(List.copyOf(page), new Position(last.issuedAt(), last.purchaseId()).token());
    }

    /** Where a page ends: the last purchase's commit time and id. */
    private record Position(Instant issuedAt, String purchaseId) {
        String token() {
            return TOKEN_PREFIX + issuedAt.getEpochSecond() + "." + issuedAt.getNano() + "." + purchaseId;
        }

        static Position parse(String token, PurchaseListRequest request) {
            String[] parts = token.startsWith(TOKEN_PREFIX) ? token.substring(TOKEN_PREFIX.length()).split("\\.", 3)
                    : new String[0];
            Position p;
            try {
                if (parts.length != 3 || parts[2].isEmpty()) {
                    throw new IllegalArgumentException();
                }
                p = new Position(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
            } catch (RuntimeException e) {
                throw new InvalidRequestException("pageToken '" + token + "' is not one this server issued: send the "
                        + "nextPageToken of the page before, or none for the first page");
            }
            if (p.issuedAt.isBefore(request.from()) || !p.issuedAt.isBefore(request.to())) {
                throw new InvalidRequestException("pageToken '" + token + "' belongs to another period than from "
                        + request.from() + " to " + request.to() + ": page with the period of the first page");
            }
            return p;
        }
    }

    // ------------------------------------------------------------------ export

    /**
     * The journal of the caller's meters (of its mode; one of them if the request names it) in the
     * request's period, as CSV or XML.
     *
     * @throws NotFoundException         if the request names a meter the caller does not have
     * @throws PermissionDeniedException if it names the caller's meter of the other mode
     * @throws InvalidRequestException   if the period holds more than {@link JournalExport#MAX_ENTRIES} entries
     */
    public JournalExport export(Caller caller, JournalExportRequest request) {
        List<Ledger.Meter> meters;
        if (request.meterId() != null) {
            Ledger.Meter m = ctx.ledger().meter(request.meterId()).filter(x -> x.partnerId().equals(caller.partnerId()))
                    .orElseThrow(() -> new NotFoundException("meter " + request.meterId() + " does not exist for "
                            + "partner '" + caller.partnerId() + "'"));
            if (m.mode() != caller.mode()) {
                throw new PermissionDeniedException("meter " + m.meterId() + " is a " + m.mode() + " meter; a "
                        + caller.mode() + " key sees only " + caller.mode() + " meters");
            }
            meters = List.of(m);
        } else {
            meters = ctx.ledger().meters(caller.partnerId(), caller.mode());
        }
        List<JournalLine> lines = meters.isEmpty() ? List.of()
                : ctx.db().read("export journal", c -> lines(c, meters, request.from(), request.to()));
        String text = JournalDocuments.write(request.format(), caller.partnerId(), caller.mode(), request.from(),
                request.to(), lines);
        return new JournalExport(request.format(), request.from(), request.to(), lines.size(),
                Bytes.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<JournalLine> lines(Connection c, List<Ledger.Meter> meters, Instant from, Instant to)
            throws SQLException {
        String in = String.join(", ", Collections.nCopies(meters.size(), "?"));
        List<Object> args = new ArrayList<>();
        meters.forEach(m -> args.add(m.meterId()));
        args.add(from);
        args.add(to);
        String where = " FROM journal j WHERE j.meter_id IN (" + in + ") AND j.created_at >= ? AND j.created_at < ?";
        long count = Sql.number(c, "SELECT COUNT(*)" + where, args.toArray());
        if (count > JournalExport.MAX_ENTRIES) {
            throw new InvalidRequestException("the period from " + from + " to " + to + " holds " + count
                    + " journal entries, more than the " + JournalExport.MAX_ENTRIES + " one export may hold: export it "
                    + "in shorter periods");
        }
        return Sql.list(c, "SELECT j.entry_id, j.meter_id, j.seq, j.kind, j.amount, j.ascending_after,"
                + " j.descending_after, j.purchase_id, j.indicium_id, j.refund_id, j.reference, j.created_at,"
                + " (SELECT m.currency FROM meters m WHERE m.meter_id = j.meter_id) AS currency" + where
                + " ORDER BY j.entry_id", rs -> new JournalLine(rs.getLong("entry_id"), rs.getLong("meter_id"),
                Sql.nullableLong(rs, "seq"), rs.getString("kind"), rs.getLong("amount"),
                rs.getString("currency").strip(), rs.getLong("ascending_after"), rs.getLong("descending_after"),
                rs.getString("purchase_id"), rs.getString("indicium_id"), rs.getString("refund_id"),
                rs.getString("reference"), Sql.instant(rs, "created_at")), args.toArray());
    }
}
