package org.openpostage.api.model;

import java.time.Instant;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Money;

/**
 * A completed refund.
 *
 * @param refundId   the postal server's id for the refund
 * @param indiciumId the refunded indicium
 * @param amount     the postage value refunded
 * @param creditedTo where the money went: back to the card, or to the portal's account
 * @param refundedAt when the refund was committed
 */
public record Refund(String refundId, String indiciumId, Money amount, PaymentKind creditedTo, Instant refundedAt) {
    public Refund {
        Checks.token("refundId", refundId, 64);
        Checks.token("indiciumId", indiciumId, 64);
        Checks.notNull("amount", amount);
        Checks.notNull("creditedTo", creditedTo);
        Checks.notNull("refundedAt", refundedAt);
    }
}
