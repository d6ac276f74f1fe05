package org.openpostage.server.model;

import java.time.Instant;
import java.util.List;

/**
 * What checking the journals' hash chains and signed checkpoints found ({@code PostalAdmin.auditJournal()}).
 *
 * @param chains             how many chains were checked (each meter's journal and the operator journal)
 * @param entries            how many chained entries were checked
 * @param unchainedEntries   journal entries written before the chains existed (schema version 6), not covered
 * @param checkpoints        how many signed checkpoints were checked
 * @param lastCheckpointAt   when the last checkpoint was signed, or {@code null} if there is none:
 *                           entries after it are chained but not yet covered by a signature
 * @param problems           each problem found, naming the first entry altered, deleted or reordered
 *                           in each chain, or the checkpoint that fails; empty when all is intact
 */
public record JournalAuditReport(int chains, long entries, long unchainedEntries, int checkpoints,
                                 Instant lastCheckpointAt, List<String> problems) {
    public JournalAuditReport {
        problems = List.copyOf(problems);
    }

    /** Whether nothing was found. */
    public boolean intact() {
        return problems.isEmpty();
    }
}
