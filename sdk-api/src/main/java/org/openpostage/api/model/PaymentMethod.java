package org.openpostage.api.model;

/**
 * How a purchase is paid: by the user's card, passed through the portal to the postal server
 * ({@link CardPayment}), or from the portal's own prepaid account ({@link AccountPayment}).
 */
public sealed interface PaymentMethod permits CardPayment, AccountPayment {
    /** The kind of payment, for summaries and logs. */
    PaymentKind kind();

    /** Payment from the portal's prepaid account. */
    static AccountPayment account() {
        return AccountPayment.INSTANCE;
    }
}
