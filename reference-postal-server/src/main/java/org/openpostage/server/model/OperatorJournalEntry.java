package org.openpostage.server.model;

import java.time.Instant;

/**
 * One entry of the operator journal: an action on the postal server's keys or administration, by
 * whom and when. Entries are chained by hash like the meters' journals (docs/ledger.md).
 *
 * @param seq       its place in the journal, from 1
 * @param action    what was done
 * @param subject   to what (for example {@code key 3}, {@code partner acme})
 * @param detail    more words, or {@code null}
 * @param actor     who: an operator's name, or {@code openpostage-server} for what the server did itself
 * @param createdAt when
 */
public record OperatorJournalEntry(long seq, OperatorAction action, String subject, String detail, String actor,
                                   Instant createdAt) {
}
