package org.openpostage.api.model;

import java.util.List;
import java.util.Optional;
import org.openpostage.api.internal.Checks;

/**
 * The background images a postal server offers.
 *
 * @param images the images, in display order
 */
public record BackgroundCatalogue(List<BackgroundImage> images) {
    public BackgroundCatalogue {
        images = Checks.list("images", images, 0, 10_000);
    }

    /** The image with {@code id}. */
    public Optional<BackgroundImage> find(String id) {
        return images.stream().filter(i -> i.id().equals(id)).findFirst();
    }
}
