package org.openpostage.api.model;

import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * A rendered stamp as returned by the postal server.
 *
 * @param format  {@link OutputFormat#PNG}, {@link OutputFormat#PDF} or {@link OutputFormat#ZPL}
 * @param content the file's bytes
 * @param dpi     the resolution a PNG or ZPL label was rendered at (PDFs are vector and report the default)
 */
public record RenderedImage(OutputFormat format, Bytes content, int dpi) {
    public RenderedImage {
        Checks.notNull("image.format", format);
        if (format == OutputFormat.INDICIUM_DATA) {
            throw new InvalidArgumentException("image.format must be PNG, PDF or ZPL");
        }
        Checks.notNull("image.content", content);
        if (content.isEmpty()) {
            throw new InvalidArgumentException("image.content must not be empty");
        }
        Checks.range("image.dpi", dpi, 72, 2400);
    }

    /** The media type: {@code image/png}, {@code application/pdf} or {@code application/zpl}. */
    public String mediaType() {
        return format.mediaType();
    }
}
