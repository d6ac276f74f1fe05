package org.openpostage.server.model;

/**
 * The kinds of journal entry and what each does to a meter's registers (docs/ledger.md).
 */
public enum JournalKind {
    /** Money loaded onto the meter: descending += amount (a top-up, or a card payment for a purchase). */
    FUNDING,
    /** Postage dispensed for one indicium: ascending += amount, descending -= amount. */
    DEBIT,
    /** An unused indicium's value credited back: descending += amount. */
    REFUND,
    /** Money leaving the meter (a refund paid out to the card that funded it): descending -= amount. */
    REVERSAL
}
