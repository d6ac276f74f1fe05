package org.openpostage.server.model;

import java.time.Instant;
import org.openpostage.api.value.Money;

/**
 * One entry of the append-only journal: a movement of money on one meter, with the registers
 * after it.
 *
 * @param entryId         the entry's id, ascending in commit order per meter
 * @param meterId         the meter
 * @param kind            what the entry does to the registers
 * @param amount          the amount moved, positive
 * @param ascendingAfter  the ascending register after the entry, in minor units
 * @param descendingAfter the descending register after the entry, in minor units
 * @param purchaseId      the purchase it belongs to, or {@code null}
 * @param indiciumId      the indicium it belongs to, or {@code null}
 * @param reference       a payment, refund or operator reference, or {@code null}
 * @param createdAt       when it was committed
 */
public record JournalEntry(long entryId, long meterId, JournalKind kind, Money amount, long ascendingAfter,
                           long descendingAfter, String purchaseId, String indiciumId, String reference,
                           Instant createdAt) {
}
