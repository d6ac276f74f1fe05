package org.openpostage.api.model;

import java.time.YearMonth;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.internal.Luhn;

/**
 * Pay with the user's card. The portal passes the card to the postal server, which authorizes and
 * captures the postage amount with its gateway.
 *
 * <p>Card data is sensitive (PCI DSS): {@link #toString()} shows only the brand and the last four
 * digits, and neither the portal nor the postal server may log or store the number or the CVV.
 * The constructor checks the number's length, digits and Luhn check digit, so a mistyped number
 * fails before any gateway sees it; whether the card has expired depends on the day and is
 * checked by the server.
 *
 * @param number     12 to 19 digits; spaces and hyphens are removed
 * @param expiry     the expiry month printed on the card
 * @param cvv        the 3 or 4 digit security code
 * @param holderName the name on the card, or {@code null}
 */
public record CardPayment(String number, YearMonth expiry, String cvv, @Nullable String holderName) implements PaymentMethod {
    public CardPayment {
        Checks.notNull("card.number", number);
        number = number.replace(" ", "").replace("-", "");
        if (number.length() < 12 || number.length() > 19 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidArgumentException("card.number must be 12 to 19 digits");
        }
        if (!Luhn.valid(number)) {
            throw new InvalidArgumentException("card.number fails the Luhn check: a digit is mistyped");
        }
        Checks.notNull("card.expiry", expiry);
        Checks.notNull("card.cvv", cvv);
        if (cvv.length() < 3 || cvv.length() > 4 || !cvv.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidArgumentException("card.cvv must be 3 or 4 digits");
        }
        if (holderName != null) {
            Checks.text("card.holderName", holderName, 100);
        }
    }

    @Override
    public PaymentKind kind() {
        return PaymentKind.CARD;
    }

    /** The last four digits: all that may be shown, logged or stored. */
    public String last4() {
        return number.substring(number.length() - 4);
    }

    /** The card brand from the number's issuer prefix. */
    public CardBrand brand() {
        return CardBrand.of(number);
    }

    /** Whether the card has expired on {@code today}'s month. */
    public boolean expiredAt(YearMonth today) {
        return expiry.isBefore(today);
    }

    /** Brand and last four digits only, never the number or the CVV. */
    @Override
    public String toString() {
        return "CardPayment[" + brand() + " ending " + last4() + ", expires " + expiry + "]";
    }
}
