package org.openpostage.portal.internal.shop;

import java.time.LocalDate;
import org.openpostage.api.model.MailClass;

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
 */
public record CartItem(String id, MailClass mailClass, int grams, String origin, String destination, long price,
                       String currency, LocalDate dateOfMailing, String background) {
}
