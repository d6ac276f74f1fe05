package org.openpostage.portal.internal.shop;

import java.util.Map;
import org.openpostage.api.value.MailClass;

/**
 * What each kind of mail is and how long it takes, in the shop's words: the protocol carries
 * prices and rate tables, not delivery promises, so these sentences are the shop's own (an
 * operator's shop writes its operator's service standards here).
 */
public final class ServiceDescriptions {
    private static final Map<MailClass, String[]> TEXT = Map.of(
            MailClass.LETTER, new String[] {"Letters and cards in a standard envelope.", "Delivered in 2 to 5 working days"},
            MailClass.LARGE_LETTER, new String[] {"Large envelopes, catalogues and flat items.", "Delivered in 2 to 5 working days"},
            MailClass.PRIORITY_LETTER, new String[] {"Letters handled first.", "Delivered in 1 to 2 working days"},
            MailClass.REGISTERED_LETTER, new String[] {"Tracked and signed for on delivery.", "Delivered in 1 to 3 working days"},
            MailClass.PARCEL, new String[] {"Boxes and packets, priced by distance.", "Delivered in 2 to 8 working days"},
            MailClass.PRIORITY_PARCEL, new String[] {"Tracked parcels handled first.", "Delivered in 1 to 3 working days"});

    private ServiceDescriptions() {
    }

    /** What the service is. */
    public static String description(MailClass mailClass) {
        return TEXT.get(mailClass)[0];
    }

    /** How long delivery takes: {@code Delivered in 2 to 5 working days}. */
    public static String deliveryTime(MailClass mailClass) {
        return TEXT.get(mailClass)[1];
    }
}
