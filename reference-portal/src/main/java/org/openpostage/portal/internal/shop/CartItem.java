package org.openpostage.portal.internal.shop;

import java.time.LocalDate;
import org.openpostage.api.model.Address;
import org.openpostage.api.value.MailClass;

/**
 * A stamp in the cart, with the price the user saw when adding it.
 *
 * @param id            the item's id in the cart
 * @param mailClass     the mail class
 * @param grams         the weight
 * @param origin        the origin postal code
 * @param destination   the destination postal code, or {@code null}
 * @param price         the quoted price, minor units
 * @param currency      its currency
 * @param dateOfMailing the date of mailing
 * @param background    {@code catalogue:<id>}, {@code upload:<id>} or {@code null}
 * @param frame         where the picture's subject goes ({@code Frames}), or {@code null} for centred
 * @param sender        the return address, or {@code null}
 * @param recipient     the delivery address, or {@code null}
 */
public record CartItem(String id, MailClass mailClass, int grams, String origin, String destination, long price,
                       String currency, LocalDate dateOfMailing, String background, String frame, Address sender,
                       Address recipient) {
    /** A stamp without addresses or frame. */
    public CartItem(String id, MailClass mailClass, int grams, String origin, String destination, long price,
                    String currency, LocalDate dateOfMailing, String background) {
        this(id, mailClass, grams, origin, destination, price, currency, dateOfMailing, background, null, null, null);
    }

    /** Everything but the id: stamps with equal keys are one line of the cart. */
    public CartItem sameAs() {
        return new CartItem("", mailClass, grams, origin, destination, price, currency, dateOfMailing, background, frame,
                sender, recipient);
    }
}
