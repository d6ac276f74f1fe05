package org.openpostage.api.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * Asks for the journal of the caller's meters in a period: every funding, debit, refund and
 * reversal, as the postal server recorded them, for a partner's books. The caller sees the meters
 * of its own mode only.
 *
 * @param from    the start of the period, inclusive
 * @param to      the end of the period, exclusive; after {@code from}
 * @param format  {@link ExportFormat#CSV} or {@link ExportFormat#XML}
 * @param meterId one meter of the caller's, or {@code null} for all of them
 */
public record JournalExportRequest(Instant from, Instant to, ExportFormat format, @Nullable Long meterId) {
    public JournalExportRequest {
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        if (!to.isAfter(from)) {
            throw new InvalidArgumentException("to (" + to + ") must be after from (" + from + ")");
        }
        Checks.notNull("format", format);
        if (format == ExportFormat.UNKNOWN) {
            throw new InvalidArgumentException("format UNKNOWN stands for a value a newer server sent; ask for CSV "
                    + "or XML");
        }
        if (meterId != null) {
            Checks.range("meterId", meterId, 1, 0xFFFF_FFFFL);
        }
    }

    /** The journal of every meter of the caller from {@code from} (inclusive) to {@code to} (exclusive). */
    public static JournalExportRequest of(Instant from, Instant to, ExportFormat format) {
        return new JournalExportRequest(from, to, format, null);
    }

    /** A copy limited to meter {@code meterId}. */
    public JournalExportRequest forMeter(long meterId) {
        return new JournalExportRequest(from, to, format, meterId);
    }
}
