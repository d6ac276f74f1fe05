package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.server.config.AppConfig;

/** {@code stamp.operator-mark} is read, trimmed and checked before the server starts. */
class OperatorMarkConfigTest {
    @Test
    void theOperatorMarkIsASetting() {
        assertNull(AppConfig.fromProperties(Map.of()).operatorMark());
        assertEquals("US POSTAGE", AppConfig.fromProperties(Map.of("stamp.operator-mark", " US POSTAGE ")).operatorMark());
        var e = assertThrows(ConfigurationException.class,
                () -> AppConfig.fromProperties(Map.of("stamp.operator-mark", "A MARK FAR TOO LONG TO PRINT")));
        assertEquals("stamp.operator-mark = 'A MARK FAR TOO LONG TO PRINT' cannot be used: 1 to 20 printable ASCII"
                + " characters, such as US POSTAGE", e.getMessage());
        assertEquals("US POSTAGE", AppConfig.load(null, Map.of("OPENPOSTAGE_STAMP_OPERATOR_MARK", "US POSTAGE"))
                .operatorMark());
    }
}
