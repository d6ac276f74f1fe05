package org.openpostage.api.model;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * How the postal server should render the indicia of a purchase.
 *
 * @param format       what to return besides the signed data
 * @param dpi          the resolution for {@link OutputFormat#PNG} and {@link OutputFormat#ZPL}: 203, 300
 *                     or 600 (ignored for PDF, but must still be one of these)
 * @param backgroundId the id of a background image from the server's catalogue to compose the stamp
 *                     onto, or {@code null} for none; needs {@code PNG} or {@code PDF}
 */
public record PrintOptions(OutputFormat format, int dpi, @Nullable String backgroundId) {
    /** The resolutions a postal server renders at. */
    public static final Set<Integer> SUPPORTED_DPI = Set.of(203, 300, 600);
    /** The resolution used when none is named. */
    public static final int DEFAULT_DPI = 300;

    public PrintOptions {
        Checks.notNull("print.format", format);
        if (format == OutputFormat.UNKNOWN) {
            throw new InvalidArgumentException("print.format UNKNOWN stands for a value a newer server sent; ask for "
                    + "INDICIUM_DATA, PNG or PDF");
        }
        if (!SUPPORTED_DPI.contains(dpi)) {
            throw new InvalidArgumentException("print.dpi must be 203, 300 or 600, was " + dpi);
        }
        if (backgroundId != null) {
            Checks.token("print.backgroundId", backgroundId, 64);
            if (format == OutputFormat.INDICIUM_DATA) {
                throw new InvalidArgumentException("print.backgroundId needs format PNG or PDF: "
                        + "with INDICIUM_DATA the portal composes the stamp itself");
            }
            if (format == OutputFormat.ZPL) {
                throw new InvalidArgumentException("print.backgroundId needs format PNG or PDF: "
                        + "thermal labels (ZPL) have no background pictures");
            }
        }
    }

    /** Signed data only. */
    public static PrintOptions dataOnly() {
        return new PrintOptions(OutputFormat.INDICIUM_DATA, DEFAULT_DPI, null);
    }

    /** A PNG at {@code dpi}. */
    public static PrintOptions png(int dpi) {
        return new PrintOptions(OutputFormat.PNG, dpi, null);
    }

    /** A PDF. */
    public static PrintOptions pdf() {
        return new PrintOptions(OutputFormat.PDF, DEFAULT_DPI, null);
    }

    /** A ZPL label for a thermal printer at {@code dpi}. */
    public static PrintOptions zpl(int dpi) {
        return new PrintOptions(OutputFormat.ZPL, dpi, null);
    }

    /** A copy composed onto catalogue background {@code backgroundId}. */
    public PrintOptions withBackground(String backgroundId) {
        return new PrintOptions(format, dpi, backgroundId);
    }
}
