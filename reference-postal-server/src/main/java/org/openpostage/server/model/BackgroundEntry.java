package org.openpostage.server.model;

import java.time.Instant;
import org.openpostage.api.model.BackgroundImage;

/**
 * An image of the background catalogue as the operator sees it, retired or not.
 *
 * @param image     the image
 * @param sample    whether it ships with the server (else an operator added it)
 * @param addedAt   when an operator added it, or {@code null} for a sample
 * @param retiredAt when it was retired (no longer offered), or {@code null}
 * @param retiredBy who retired it, or {@code null}
 */
public record BackgroundEntry(BackgroundImage image, boolean sample, Instant addedAt, Instant retiredAt,
                              String retiredBy) {
    /** Whether portals are offered the image. */
    public boolean offered() {
        return retiredAt == null;
    }
}
