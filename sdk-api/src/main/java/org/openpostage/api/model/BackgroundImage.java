package org.openpostage.api.model;

import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * A background image from the postal server's catalogue, onto which a stamp can be composed.
 *
 * @param id        the id to name in {@link PrintOptions#withBackground(String)}
 * @param title     a title to show users
 * @param mediaType {@code image/png} or {@code image/jpeg}
 * @param content   the image file's bytes
 * @param widthPx   the image's width in pixels
 * @param heightPx  the image's height in pixels
 */
public record BackgroundImage(String id, String title, String mediaType, Bytes content, int widthPx, int heightPx) {
    public BackgroundImage {
        Checks.token("background.id", id, 64);
        Checks.text("background.title", title, 200);
        if (!"image/png".equals(mediaType) && !"image/jpeg".equals(mediaType)) {
            throw new InvalidArgumentException("background.mediaType must be image/png or image/jpeg, was " + mediaType);
        }
        Checks.notNull("background.content", content);
        Checks.range("background.widthPx", widthPx, 1, 20_000);
        Checks.range("background.heightPx", heightPx, 1, 20_000);
    }
}
