package org.openpostage.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openpostage.api.model.BackgroundImage;

/**
 * Writes the figures of {@code docs/rendering.md} ({@code docs/images/}) from the code that renders
 * real stamps: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.openpostage.render.DocImages -Dexec.args=../docs/images}.
 */
public final class DocImages {
    private DocImages() {
    }

    /** Writes the sample stamps into the directory {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        StampRenderer renderer = StampRenderer.defaults();
        CatalogueBackgrounds.Entry hills = CatalogueBackgrounds.ENTRIES.get(0);
        byte[] picture = TestPictures.png(hills.draw());
        Background background = BackgroundImages.check(new BackgroundImage(hills.id(), hills.title(), "image/png",
                org.openpostage.api.Bytes.of(picture), CatalogueBackgrounds.WIDTH, CatalogueBackgrounds.HEIGHT));
        Files.write(dir.resolve("stamp-plain.png"), renderer.png(TestIndicia.letter(42)).content().toArray());
        Files.write(dir.resolve("stamp-background.png"),
                renderer.png(TestIndicia.parcel(43), background).content().toArray());
        Files.write(dir.resolve("stamp-specimen.png"), renderer.png(TestIndicia.specimen(44)).content().toArray());
        System.out.println("wrote sample stamps to " + dir.toAbsolutePath());
    }
}
