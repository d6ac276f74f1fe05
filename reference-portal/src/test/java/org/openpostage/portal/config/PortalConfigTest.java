package org.openpostage.portal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ConfigurationException;

/** The portal reads its file and environment by the same rule as the postal server (Settings). */
class PortalConfigTest {
    private static final String FILE = "postal.endpoint = grpcs://postal.example:9443\npostal.api-key = pk_test_1\n"
            + "portal.name = Paper Shop\nportal.colour = #1f5f8b\n";

    /** Failed before the portal used Settings: an empty variable turned the file's name back to the default. */
    @Test
    void aBlankVariableKeepsTheFilesValue(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("portal.properties"), FILE);
        PortalConfig config = PortalConfig.load(file, Map.of("PORTAL_PORTAL_NAME", " ", "PORTAL_PORTAL_COLOUR", "#00AA00"));
        assertEquals("Paper Shop", config.name());
        assertEquals("#00aa00", config.colour(), "a variable that is set overrides the file");
    }

    @Test
    void aNamedFileMustExist(@TempDir Path dir) {
        Path missing = dir.resolve("portal.properties");
        assertEquals("configuration file " + missing + " does not exist",
                assertThrows(ConfigurationException.class, () -> PortalConfig.load(missing, Map.of())).getMessage());
    }
}
