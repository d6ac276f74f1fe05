package org.openpostage.api.model;

/** The two ways a purchase can be paid. */
public enum PaymentKind {
    /** The user's card, authorized and captured by the postal server's gateway. */
    CARD,
    /** The portal's prepaid account: the meter's descending register. */
    ACCOUNT,
    /**
     * A value this version of the SDK does not know, sent by a newer server: a client decodes it as
     * this member instead of failing (see docs/api-evolution.md). Never sent by a client.
     */
    UNKNOWN
}
