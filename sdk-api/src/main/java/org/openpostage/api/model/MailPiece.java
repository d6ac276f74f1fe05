package org.openpostage.api.model;

import org.jspecify.annotations.Nullable;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * A piece of mail to be franked: what a rate depends on.
 *
 * @param mailClass   the class of service
 * @param weight      the weight
 * @param dimensions  the outer size, or {@code null} when the rate does not depend on it
 * @param origin      the postal code it is mailed from (printed on the indicium)
 * @param destination the postal code it is sent to, or {@code null}; rates with zones need it
 */
public record MailPiece(MailClass mailClass, Weight weight, @Nullable Dimensions dimensions, PostalCode origin,
                        @Nullable PostalCode destination) {
    public MailPiece {
        Checks.notNull("piece.mailClass", mailClass);
        Checks.notNull("piece.weight", weight);
        Checks.notNull("piece.origin", origin);
    }

    /** A piece with no dimensions and no destination. */
    public static MailPiece of(MailClass mailClass, Weight weight, PostalCode origin) {
        return new MailPiece(mailClass, weight, null, origin, null);
    }

    /** A copy sent to {@code destination}. */
    public MailPiece withDestination(PostalCode destination) {
        return new MailPiece(mailClass, weight, dimensions, origin, destination);
    }

    /** A copy with {@code dimensions}. */
    public MailPiece withDimensions(Dimensions dimensions) {
        return new MailPiece(mailClass, weight, dimensions, origin, destination);
    }
}
