package org.openpostage.render;

import java.util.Objects;
import org.openpostage.api.indicium.SignedIndicium;

/**
 * One stamp to print: an indicium and, optionally, the background picture it is composed with.
 *
 * @param indicium   the signed indicium
 * @param background the picture, or {@code null} for a plain stamp
 */
public record Stamp(SignedIndicium indicium, Background background) {
    public Stamp {
        Objects.requireNonNull(indicium, "indicium");
    }

    /** A plain stamp. */
    public static Stamp of(SignedIndicium indicium) {
        return new Stamp(indicium, null);
    }

    /** A stamp composed with {@code background} (or plain if it is null). */
    public static Stamp of(SignedIndicium indicium, Background background) {
        return new Stamp(indicium, background);
    }
}
