package org.openpostage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ConfigurationException;

/** One rule per type for every configuration: durations carry their unit, switches, whole numbers. */
class SettingsTest {

    @Test
    void durationsCarryTheirUnitOrAreIso8601() {
        assertEquals(Duration.ofMillis(500), Settings.duration("k", "500ms"));
        assertEquals(Duration.ofSeconds(30), Settings.duration("k", "30s"));
        assertEquals(Duration.ofMinutes(15), Settings.duration("k", " 15M "));
        assertEquals(Duration.ofHours(2), Settings.duration("k", "2h"));
        assertEquals(Duration.ofDays(1), Settings.duration("k", "1d"));
        assertEquals(Duration.ofSeconds(30), Settings.duration("k", "PT30S"));
        assertEquals(Duration.ofSeconds(30), Settings.duration("k", "pt30s"));
        assertEquals(Duration.ofDays(30), Settings.duration("k", "P30D"));
        assertEquals(Duration.ZERO, Settings.duration("k", "0"));
    }

    @Test
    void aBareNumberIsRefusedSayingHowToWriteIt() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Settings.duration("requestTimeout", "30"));
        assertEquals("requestTimeout '30' is not a duration: a bare number has no unit; write 30s or 30ms (a number "
                + "with a unit such as 500ms, 30s, 15m, 2h or 1d, or ISO-8601 such as PT30S)", e.getMessage());
        for (String bad : new String[] {"", "soon", "30 seconds", "PT", "1.5s", "-5s", "99999999999999999999d"}) {
            ConfigurationException refused = assertThrows(ConfigurationException.class,
                    () -> Settings.duration("node.dead-after", bad), bad);
            assertTrue(refused.getMessage().startsWith("node.dead-after '" + bad + "' is not a duration"),
                    refused.getMessage());
        }
    }

    @Test
    void switchesAndWholeNumbers() {
        for (String on : new String[] {"true", "YES", "on", "1"}) {
            assertTrue(Settings.bool("demo", on));
        }
        for (String off : new String[] {"false", "No", "OFF", "0"}) {
            assertFalse(Settings.bool("demo", off));
        }
        assertEquals("demo 'maybe' is not a switch (true or false)",
                assertThrows(ConfigurationException.class, () -> Settings.bool("demo", "maybe")).getMessage());
        assertEquals(5, Settings.integer("n", " 5 ", 1, 10));
        assertEquals("n '11' must be a whole number from 1 to 10",
                assertThrows(ConfigurationException.class, () -> Settings.integer("n", "11", 1, 10)).getMessage());
        assertThrows(ConfigurationException.class, () -> Settings.integer("n", "five", 1, 10));
    }

    @Test
    void aFileThenTheEnvironmentWhereABlankVariableIsIgnoredWithAWarning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "# comment\ntls.client-auth = require\njdbc.url=jdbc:h2:mem:x\nname = Zoë\n",
                StandardCharsets.UTF_8);
        Map<String, String> settings = new LinkedHashMap<>(Settings.readFile(file));
        assertEquals(Map.of("tls.client-auth", "require", "jdbc.url", "jdbc:h2:mem:x", "name", "Zoë"), settings);
        List<String> warnings = new ArrayList<>();
        settings.putAll(Settings.fromEnvironment(List.of("tls.client-auth", "jdbc.url", "jdbc.pool-size"), "APP_",
                Map.of("APP_TLS_CLIENT_AUTH", "  ", "APP_JDBC_POOL_SIZE", "20", "OTHER", "x"), warnings::add));
        assertEquals("require", settings.get("tls.client-auth"), "an empty variable keeps the file's value");
        assertEquals("20", settings.get("jdbc.pool-size"));
        assertEquals(List.of("environment variable APP_TLS_CLIENT_AUTH is set but empty; ignored, so tls.client-auth"
                + " keeps the value of the configuration file or its default"), warnings);
        assertEquals("OPENPOSTAGE_JDBC_POOL_SIZE", Settings.environmentName("OPENPOSTAGE_", "jdbc.pool-size"));
    }

    @Test
    void aFileThatIsNamedMustExist(@TempDir Path dir) {
        Path missing = dir.resolve("missing.properties");
        assertEquals("configuration file " + missing + " does not exist",
                assertThrows(ConfigurationException.class, () -> Settings.readFile(missing)).getMessage());
        assertEquals("configuration file " + dir + " is a directory",
                assertThrows(ConfigurationException.class, () -> Settings.readFile(dir)).getMessage());
        ConfigurationException bad = assertThrows(ConfigurationException.class, () -> {
            Files.writeString(dir.resolve("bad.properties"), "key = \\u12");
            Settings.readFile(dir.resolve("bad.properties"));
        });
        assertTrue(bad.getMessage().startsWith("cannot read the configuration file "), bad.getMessage());
    }
}
