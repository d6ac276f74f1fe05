package org.openpostage.api.model;

import java.time.LocalDate;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Money;

/**
 * The price of a mail piece, as computed by the postal server from a named rate table.
 *
 * <p>Pass it to {@link PurchaseItem#of(RateQuote)} to buy the postage: the server recomputes
 * the price at purchase and rejects the purchase with a
 * {@link org.openpostage.api.error.PriceChangedException} if it no longer matches.
 *
 * @param piece            the mail piece priced
 * @param price            the postage, positive
 * @param rateTableVersion the version of the rate table used, for example {@code "2026-07"}
 * @param zone             the zone derived from origin and destination (0 when the class has no zones)
 * @param dateOfMailing    the day of mailing the price holds for
 */
public record RateQuote(MailPiece piece, Money price, String rateTableVersion, int zone, LocalDate dateOfMailing) {
    public RateQuote {
        Checks.notNull("piece", piece);
        Checks.notNull("price", price);
        if (!price.isPositive()) {
            throw new InvalidArgumentException("price must be positive, was " + price);
        }
        Checks.token("rateTableVersion", rateTableVersion, 64);
        Checks.range("zone", zone, 0, 99);
        Checks.notNull("dateOfMailing", dateOfMailing);
    }
}
