package org.openpostage.api.model;

import org.openpostage.api.InvalidArgumentException;
import java.time.LocalDate;
import org.openpostage.api.internal.Checks;

/**
 * One indicium to buy: a mail piece, the price the user agreed to, and the day of mailing.
 *
 * @param piece         the mail piece
 * @param price         the price shown to the user, from a {@link RateQuote}; the server rejects the
 *                      purchase if the current rate table disagrees
 * @param dateOfMailing the day of mailing printed on the indicium
 */
public record PurchaseItem(MailPiece piece, Money price, LocalDate dateOfMailing) {
    public PurchaseItem {
        Checks.notNull("item.piece", piece);
        Checks.notNull("item.price", price);
        if (!price.isPositive()) {
            throw new InvalidArgumentException("item.price must be positive, was " + price);
        }
        Checks.notNull("item.dateOfMailing", dateOfMailing);
    }

    /** The item that buys exactly what {@code quote} priced. */
    public static PurchaseItem of(RateQuote quote) {
        return new PurchaseItem(quote.piece(), quote.price(), quote.dateOfMailing());
    }
}
