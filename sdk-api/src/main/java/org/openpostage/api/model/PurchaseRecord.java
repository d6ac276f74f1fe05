package org.openpostage.api.model;

import java.util.List;
import org.openpostage.api.internal.Checks;

/**
 * A past purchase as the postal server recorded it: the purchase (its indicia rendered as the
 * lookup asked), the meter it was debited from, and the refunds of its indicia so far.
 *
 * @param purchase the purchase, equal to what the purchase call returned but for the images,
 *                 which follow the lookup's {@link PrintOptions}
 * @param meterId  the meter debited
 * @param refunds  the refunds of its indicia, oldest first (empty if none was refunded)
 */
public record PurchaseRecord(Purchase purchase, long meterId, List<Refund> refunds) {
    public PurchaseRecord {
        Checks.notNull("purchase", purchase);
        Checks.range("meterId", meterId, 1, 0xFFFF_FFFFL);
        refunds = Checks.list("refunds", refunds, 0, PurchaseRequest.MAX_ITEMS);
    }

    /** Whether indicium {@code indiciumId} of this purchase was refunded. */
    public boolean refunded(String indiciumId) {
        return refunds.stream().anyMatch(r -> r.indiciumId().equals(indiciumId));
    }
}
