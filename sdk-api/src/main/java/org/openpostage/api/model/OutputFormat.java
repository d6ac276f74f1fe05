package org.openpostage.api.model;

/**
 * What the postal server returns for each indicium, besides its signed data (which is always
 * returned).
 */
public enum OutputFormat {
    /** The signed indicium data only: the portal renders it itself (see {@code sdk-render}). */
    INDICIUM_DATA("application/octet-stream"),
    /** A bitmap image of the stamp, PNG. */
    PNG("image/png"),
    /** The stamp as a one-page PDF, barcode as vector graphics. */
    PDF("application/pdf"),
    /**
     * The stamp as a ZPL II label for thermal label printers (printable ASCII text): the printer
     * draws the Data Matrix itself. At the requested resolution (203, 300 or 600 dpi); no
     * backgrounds. Added in protocol version 1 as an additive value: servers that predate it refuse
     * it as an unknown format.
     */
    ZPL("application/zpl"),
    /**
     * A value this version of the SDK does not know, sent by a newer server: a client decodes it as
     * this member instead of failing (see docs/api-evolution.md). Never sent by a client.
     */
    UNKNOWN("application/octet-stream");

    private final String mediaType;

    OutputFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The media type of the rendered output. */
    public String mediaType() {
        return mediaType;
    }
}
