package org.openpostage.api.model;

/**
 * Pay from the portal's prepaid account: the postage is debited from the descending register of
 * the meter the purchase uses, which must cover it. The portal charges its user by its own means.
 */
public record AccountPayment() implements PaymentMethod {
    static final AccountPayment INSTANCE = new AccountPayment();

    @Override
    public PaymentKind kind() {
        return PaymentKind.ACCOUNT;
    }
}
