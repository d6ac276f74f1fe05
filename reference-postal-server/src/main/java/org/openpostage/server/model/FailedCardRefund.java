package org.openpostage.server.model;

import java.time.Instant;
import org.openpostage.api.value.Money;

/**
 * A refund whose money the card gateway refused to pay back to the card. The meter's journal
 * already shows the refund and its REVERSAL, so the ledger balances, but the card holder is owed
 * {@link #amount()}: resolve it with the acquirer, then retry it with
 * {@link org.openpostage.server.PostalAdmin#retryCardRefund(String)} or pay it back by other means.
 *
 * @param refundId         the refund's id
 * @param indiciumId       the indicium refunded
 * @param partnerId        the partner that asked for it
 * @param paymentId        the card payment it pays back
 * @param gatewayReference the gateway's reference of that payment
 * @param amount           what the card is owed
 * @param refundedAt       when the refund was granted
 * @param failedAt         when the gateway refused it
 */
public record FailedCardRefund(String refundId, String indiciumId, String partnerId, String paymentId,
                               String gatewayReference, Money amount, Instant refundedAt, Instant failedAt) {
}
