package org.openpostage.api.model;

import org.jspecify.annotations.Nullable;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Money;

/**
 * How a purchase was paid, as far as it may be shown: never a full card number.
 *
 * @param kind      card or account
 * @param amount    the amount charged or debited
 * @param cardBrand the card's brand, or {@code null} for account payments
 * @param cardLast4 the card's last four digits, or {@code null} for account payments
 * @param reference the gateway's reference for a card payment, or the journal reference of the debit
 */
public record PaymentSummary(PaymentKind kind, Money amount, @Nullable CardBrand cardBrand, @Nullable String cardLast4,
                             String reference) {
    public PaymentSummary {
        Checks.notNull("payment.kind", kind);
        Checks.notNull("payment.amount", amount);
        if (cardLast4 != null && !cardLast4.matches("[0-9]{4}")) {
            throw new org.openpostage.api.error.InvalidRequestException("payment.cardLast4 must be four digits");
        }
        Checks.token("payment.reference", reference, 128);
    }
}
