package org.openpostage.api.model;

import java.time.Instant;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * The journal of a partner's meters for a period, as a document to keep or to load into the books.
 *
 * @param format     the document's format
 * @param from       the start of the period, inclusive
 * @param to         the end of the period, exclusive
 * @param entryCount how many journal entries the document holds
 * @param content    the document (UTF-8)
 */
public record JournalExport(ExportFormat format, Instant from, Instant to, int entryCount, Bytes content) {
    /** The most entries one export holds; a longer period is refused, to be exported in parts. */
    public static final int MAX_ENTRIES = 50_000;

    public JournalExport {
        Checks.notNull("format", format);
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        Checks.range("entryCount", entryCount, 0, MAX_ENTRIES);
        Checks.notNull("content", content);
    }

    /** The document's media type, such as {@code text/csv}. */
    public String mediaType() {
        return format.mediaType();
    }
}
