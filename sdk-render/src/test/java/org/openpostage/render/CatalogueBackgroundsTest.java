package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.value.Bytes;

/** The sample catalogue: the generator's output, and the copy committed to the reference postal server. */
class CatalogueBackgroundsTest {
    private static final Path COMMITTED = Path.of("../reference-postal-server/src/main/resources/backgrounds");

    @Test
    void theGeneratorWritesAValidCatalogue(@TempDir Path dir) throws IOException {
        CatalogueBackgrounds.write(dir);
        assertValidCatalogue(dir);
    }

    @Test
    void theCommittedCatalogueIsValid() throws IOException {
        assumeTrue(Files.isDirectory(COMMITTED), "the reference postal server is not beside this module");
        assertValidCatalogue(COMMITTED);
    }

    /** Every entry is a small, valid PNG of the declared size that a stamp composes with and reads back. */
    private static void assertValidCatalogue(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("catalogue.properties"))) {
            p.load(r);
        }
        String[] ids = p.getProperty("order").split(",");
        assertEquals(4, ids.length);
        StampRenderer renderer = StampRenderer.defaults();
        for (String id : ids) {
            byte[] file = Files.readAllBytes(dir.resolve(p.getProperty(id + ".file")));
            assertTrue(file.length < 150_000, id + " is " + file.length + " bytes");
            BackgroundImage entry = new BackgroundImage(id, p.getProperty(id + ".title"), "image/png", Bytes.of(file),
                    Integer.parseInt(p.getProperty(id + ".width")), Integer.parseInt(p.getProperty(id + ".height")));
            Background background = BackgroundImages.check(entry);
            var indicium = TestIndicia.letter(id.hashCode() & 0xFFFF);
            assertEquals(indicium.encoded(), StampReader.create().readBytes(
                    renderer.png(indicium, background).content().toArray()), id);
        }
    }
}
