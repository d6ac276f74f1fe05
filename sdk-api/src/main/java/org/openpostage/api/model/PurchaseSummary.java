package org.openpostage.api.model;

import java.time.Instant;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Money;

/**
 * One purchase in a {@link PurchasePage}: what it cost, how it was paid and how many of its
 * indicia were refunded. {@link org.openpostage.api.PostalService#lookupPurchase} gives the rest.
 *
 * @param purchaseId    the purchase's id
 * @param meterId       the meter debited
 * @param issuedAt      when it was committed
 * @param total         the total postage
 * @param payment       how it was paid
 * @param indiciumCount how many indicia it issued
 * @param refundedCount how many of them were refunded so far
 */
public record PurchaseSummary(String purchaseId, long meterId, Instant issuedAt, Money total, PaymentSummary payment,
                              int indiciumCount, int refundedCount) {
    public PurchaseSummary {
        Checks.token("purchaseId", purchaseId, 64);
        Checks.range("meterId", meterId, 1, 0xFFFF_FFFFL);
        Checks.notNull("issuedAt", issuedAt);
        Checks.notNull("total", total);
        Checks.notNull("payment", payment);
        Checks.range("indiciumCount", indiciumCount, 1, PurchaseRequest.MAX_ITEMS);
        Checks.range("refundedCount", refundedCount, 0, indiciumCount);
    }
}
