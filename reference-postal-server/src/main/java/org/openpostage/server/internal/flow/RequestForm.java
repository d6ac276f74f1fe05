package org.openpostage.server.internal.flow;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

/**
 * The canonical text form of a request: what its idempotency fingerprint is the SHA-256 of, and
 * how a pending card purchase is stored until the reconciler completes it.
 *
 * <p>A card is represented by its brand, last four digits and expiry only: neither the number
 * nor the CVV (nor a hash of them) is ever part of the form. One line per field, fields
 * separated by {@code |}, which no value can contain:
 *
 * <pre>
 * openpostage-purchase v1
 * meter|-
 * payment|CARD|VISA|4242|2030-12
 * print|INDICIUM_DATA|300|-
 * item|LETTER|20|-|94107|10115|2026-07-02|USD|82
 * recipient|DE|Erika Mustermann|Berlin||10115|Heidestrasse 17
 * </pre>
 *
 * <p>An item's addresses follow its {@code item} line, only when it has them (so the forms of
 * requests without addresses are what they always were): country, name, locality, region and
 * postal code ({@code ""} for none: no field may be blank), then the street lines.
 */
public final class RequestForm {
    private static final String PURCHASE_HEADER = "openpostage-purchase v1";

    private RequestForm() {
    }

    /** A request read back from its form: everything needed to issue it, but no card data. */
    public record Stored(List<PurchaseItem> items, PrintOptions print, Long meterId) {
    }

    /** The canonical form of {@code request}. */
    public static String of(PurchaseRequest request) {
        StringBuilder sb = new StringBuilder(PURCHASE_HEADER).append('\n');
        sb.append("meter|").append(request.meterId() == null ? "-" : request.meterId().toString()).append('\n');
        if (request.payment() instanceof CardPayment card) {
            sb.append("payment|CARD|").append(card.brand()).append('|').append(card.last4()).append('|')
                    .append(card.expiry()).append('\n');
        } else {
            sb.append("payment|ACCOUNT\n");
        }
        PrintOptions p = request.print();
        sb.append("print|").append(p.format()).append('|').append(p.dpi()).append('|')
                .append(p.backgroundId() == null ? "-" : p.backgroundId()).append('\n');
        for (PurchaseItem item : request.items()) {
            MailPiece piece = item.piece();
            Dimensions d = piece.dimensions();
            sb.append("item|").append(piece.mailClass()).append('|').append(piece.weight().grams()).append('|')
                    .append(d == null ? "-" : d.lengthMm() + "x" + d.widthMm() + "x" + d.thicknessMm()).append('|')
                    .append(piece.origin().value()).append('|')
                    .append(piece.destination() == null ? "-" : piece.destination().value()).append('|')
                    .append(item.dateOfMailing()).append('|').append(item.price().currency().getCurrencyCode())
                    .append('|').append(item.price().minorUnits()).append('\n');
            address(sb, "sender", item.sender());
            address(sb, "recipient", item.recipient());
        }
        return sb.toString();
    }

    private static void address(StringBuilder sb, String role, Address a) {
        if (a == null) {
            return;
        }
        sb.append(role).append('|').append(a.country()).append('|').append(a.name()).append('|')
                .append(a.locality() == null ? "" : a.locality()).append('|')
                .append(a.region() == null ? "" : a.region()).append('|')
                .append(a.postalCode() == null ? "" : a.postalCode());
        for (String line : a.lines()) {
            sb.append('|').append(line);
        }
        sb.append('\n');
    }

    /** The canonical form of a batch: each entry's reference and the fingerprint of its request. */
    public static String of(BatchPurchaseRequest batch) {
        StringBuilder sb = new StringBuilder("openpostage-batch v1\n");
        for (BatchEntry e : batch.entries()) {
            sb.append("entry|").append(e.reference()).append('|').append(fingerprint(of(e.request()))).append('\n');
        }
        return sb.toString();
    }

    /** The canonical form of a refund request. */
    public static String of(RefundRequest request) {
        return "openpostage-refund v1\nindicium|" + request.indiciumId() + "\n";
    }

    /** The fingerprint of a canonical form: its SHA-256, hex. */
    public static String fingerprint(String form) {
        return Bytes.of(form.getBytes(StandardCharsets.UTF_8)).sha256Hex();
    }

    /**
     * Reads a purchase form back.
     *
     * @throws IllegalArgumentException if {@code form} is not a purchase form
     */
    public static Stored parse(String form) {
        String[] lines = form.split("\n");
        if (lines.length < 4 || !lines[0].equals(PURCHASE_HEADER)) {
            throw new IllegalArgumentException("not a purchase form");
        }
        Long meterId = null;
        PrintOptions print = null;
        List<PurchaseItem> items = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\\|", -1);
            switch (f[0]) {
                case "meter" -> meterId = f[1].equals("-") ? null : Long.valueOf(f[1]);
                case "payment" -> { }
                case "print" -> print = new PrintOptions(OutputFormat.valueOf(f[1]), Integer.parseInt(f[2]),
                        f[3].equals("-") ? null : f[3]);
                case "item" -> items.add(item(f));
                case "sender", "recipient" -> {
                    if (items.isEmpty()) {
                        throw new IllegalArgumentException("an address before the first item in a purchase form");
                    }
                    PurchaseItem last = items.remove(items.size() - 1);
                    Address a = new Address(f[1], f[2], List.of(f).subList(6, f.length), blankToNull(f[3]),
                            blankToNull(f[4]), blankToNull(f[5]));
                    items.add(f[0].equals("sender") ? last.withAddresses(a, last.recipient())
                            : last.withAddresses(last.sender(), a));
                }
                default -> throw new IllegalArgumentException("unknown line '" + f[0] + "' in a purchase form");
            }
        }
        return new Stored(items, print, meterId);
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static PurchaseItem item(String[] f) {
        Dimensions dims = null;
        if (!f[3].equals("-")) {
            String[] d = f[3].split("x");
            dims = new Dimensions(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
        }
        MailPiece piece = new MailPiece(MailClass.valueOf(f[1]), new org.openpostage.api.value.Weight(Integer.parseInt(f[2])),
                dims, PostalCode.of(f[4]), f[5].equals("-") ? null : PostalCode.of(f[5]));
        return new PurchaseItem(piece, Money.of(Long.parseLong(f[8]), f[7]), LocalDate.parse(f[6]));
    }
}
