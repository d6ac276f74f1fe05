package org.openpostage.api.model;

/** The format of a {@link JournalExport}. */
public enum ExportFormat {
    /**
     * Comma-separated values (RFC 4180) with a header line, UTF-8: one line per journal entry. The
     * columns are listed in docs/protocol/xml.md ("Journal export").
     */
    CSV("text/csv"),
    /** An {@code <accountJournal>} document of the protocol's schema ({@code openpostage-v1.xsd}), UTF-8. */
    XML("application/xml"),
    /**
     * A value this version of the SDK does not know, sent by a newer server: a client decodes it as
     * this member instead of failing (see docs/api-evolution.md). Never sent by a client.
     */
    UNKNOWN("application/octet-stream");

    private final String mediaType;

    ExportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The media type of an export in this format. */
    public String mediaType() {
        return mediaType;
    }
}
