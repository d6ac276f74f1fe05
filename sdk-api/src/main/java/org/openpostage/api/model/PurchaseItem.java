package org.openpostage.api.model;

import java.time.LocalDate;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Money;

/**
 * One indicium to buy: a mail piece, the price the user agreed to, the day of mailing, and
 * optionally the addresses printed with it.
 *
 * <p>The addresses are carried for printing (envelopes, shipping labels) and for the postal
 * server's records; they are not part of the signed indicium. What ties them to it is checked
 * here: the sender's postal code must be the piece's origin (or extend it, as a ZIP+4 extends its
 * ZIP) and, when the piece names a destination, the recipient's postal code must be it. So the
 * postal codes a scanner reads from the signed indicium are the ones printed in the addresses.
 *
 * @param piece         the mail piece
 * @param price         the price shown to the user, from a {@link RateQuote}; the server rejects the
 *                      purchase if the current rate table disagrees
 * @param dateOfMailing the day of mailing printed on the indicium
 * @param sender        the sender's (return) address, or {@code null}
 * @param recipient     the recipient's address, or {@code null}
 */
public record PurchaseItem(MailPiece piece, Money price, LocalDate dateOfMailing, Address sender, Address recipient) {
    public PurchaseItem {
        Checks.notNull("item.piece", piece);
        Checks.notNull("item.price", price);
        if (!price.isPositive()) {
            throw new InvalidArgumentException("item.price must be positive, was " + price);
        }
        Checks.notNull("item.dateOfMailing", dateOfMailing);
        if (sender != null && !sender.hasPostalCode(piece.origin())) {
            throw new InvalidArgumentException("item.sender.postalCode " + (sender.postalCode() == null ? "is missing"
                    : "'" + sender.postalCode() + "' is not") + " the piece's origin " + piece.origin()
                    + ", which the indicium carries");
        }
        if (recipient != null && piece.destination() != null && !recipient.hasPostalCode(piece.destination())) {
            throw new InvalidArgumentException("item.recipient.postalCode " + (recipient.postalCode() == null
                    ? "is missing" : "'" + recipient.postalCode() + "' is not") + " the piece's destination "
                    + piece.destination() + ", which the indicium carries");
        }
    }

    /** An item without addresses. */
    public PurchaseItem(MailPiece piece, Money price, LocalDate dateOfMailing) {
        this(piece, price, dateOfMailing, null, null);
    }

    /** The item that buys exactly what {@code quote} priced. */
    public static PurchaseItem of(RateQuote quote) {
        return new PurchaseItem(quote.piece(), quote.price(), quote.dateOfMailing());
    }

    /** A copy carrying these addresses (either may be {@code null}). */
    public PurchaseItem withAddresses(Address sender, Address recipient) {
        return new PurchaseItem(piece, price, dateOfMailing, sender, recipient);
    }
}
