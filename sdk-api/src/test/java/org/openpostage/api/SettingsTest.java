package org.openpostage.api;

import org.openpostage.api.error.ConfigurationException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
