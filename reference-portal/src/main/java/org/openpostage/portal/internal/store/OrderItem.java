package org.openpostage.portal.internal.store;

import java.time.LocalDate;
import org.openpostage.api.model.Address;

/**
 * One stamp of an order.
 *
 * @param id            the item id (0 before it is stored)
 * @param position      its place in the order
 * @param mailClass     the {@code MailClass} name
 * @param grams         the weight
 * @param origin        the origin postal code
 * @param destination   the destination postal code, or {@code null}
 * @param price         the price in minor units, as recomputed by the portal at checkout
 * @param dateOfMailing the date of mailing
 * @param background    {@code catalogue:<id>}, {@code upload:<id>} or {@code null}
 * @param status        {@code PENDING}, {@code ISSUED}, {@code FAILED} or {@code REFUNDED}
 * @param message       why it failed, for the user, or {@code null}
 * @param indiciumId    the postal server's indicium id, once issued
 * @param indicium      the signed indicium bytes, once issued
 * @param image         the PNG the postal server rendered, or {@code null} when the portal composes it
 * @param refundId      the postal server's refund id, once refunded
 * @param frame         where the picture's subject goes ({@code Frames}), or {@code null} for centred
 * @param sender        the return address, or {@code null}
 * @param recipient     the delivery address, or {@code null}
 */
public record OrderItem(long id, int position, String mailClass, int grams, String origin, String destination,
                        long price, LocalDate dateOfMailing, String background, String status, String message,
                        String indiciumId, byte[] indicium, byte[] image, String refundId, String frame,
                        Address sender, Address recipient) {
    /** A new item, before it is stored. */
    public static OrderItem of(String mailClass, int grams, String origin, String destination, long price,
                               LocalDate dateOfMailing, String background) {
        return of(mailClass, grams, origin, destination, price, dateOfMailing, background, null, null, null);
    }

    /** A new item with a picture frame and addresses, before it is stored. */
    public static OrderItem of(String mailClass, int grams, String origin, String destination, long price,
                               LocalDate dateOfMailing, String background, String frame, Address sender,
                               Address recipient) {
        return new OrderItem(0, 0, mailClass, grams, origin, destination, price, dateOfMailing, background,
                "PENDING", null, null, null, null, null, frame, sender, recipient);
    }

    /** Whether it was refunded. */
    public boolean refunded() {
        return "REFUNDED".equals(status);
    }

    /** Whether the postal server's answer for it is not known yet. */
    public boolean pending() {
        return "PENDING".equals(status);
    }

    /** Whether it was issued and not refunded. */
    public boolean issued() {
        return "ISSUED".equals(status);
    }
}
