package org.openpostage.portal.internal.store;

import java.time.Instant;

/**
 * One movement of a user's store credit.
 *
 * @param amount    minor units, positive for credit, negative for a charge
 * @param currency  the ISO currency code
 * @param reason    what it was for
 * @param orderId   the order concerned, or {@code null}
 * @param createdAt when
 */
public record CreditEntry(long amount, String currency, String reason, Long orderId, Instant createdAt) {
}
