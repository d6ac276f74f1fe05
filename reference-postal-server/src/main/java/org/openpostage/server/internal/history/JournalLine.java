package org.openpostage.server.internal.history;

import java.time.Instant;

/**
 * One journal entry as an export shows it.
 *
 * @param seq       its place in its meter's hash chain, or {@code null} for entries older than the chain
 * @param kind      FUNDING, DEBIT, REFUND or REVERSAL
 * @param amount    minor units of {@code currency}
 * @param reference the operator's reference of a funding (or the gateway reference of a reversal), or {@code null}
 */
public record JournalLine(long entryId, long meterId, Long seq, String kind, long amount, String currency,
                          long ascendingAfter, long descendingAfter, String purchaseId, String indiciumId,
                          String refundId, String reference, Instant createdAt) {
}
