package org.openpostage.portal.internal.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openpostage.render.PrintComponents;

/** The print component's stylesheet, read from its script (the browser test checks the hash against Chromium). */
class PrintStyleTest {
    @Test
    void theCurrentComponentsStylesheetIsReadForAnySize() {
        PrintStyle style = PrintStyle.of(new String(PrintComponents.current().script().toArray(), StandardCharsets.UTF_8));
        String css = style.css("63", "27.5");
        assertTrue(css.startsWith("@page { size: 63mm 27.5mm; margin: 0; }\n#openpostage-print-root { display: none; }\n"), css);
        assertTrue(css.contains("body > *:not(#openpostage-print-root) { display: none !important; }"), css);
        assertTrue(css.endsWith("}\n"), css);
        assertTrue(style.cspHash("210", "297").matches("sha256-[A-Za-z0-9+/]{43}="));
    }

    @Test
    void aStylesheetBuiltInAnotherWayIsRefusedLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PrintStyle.of("function css(w, h) {\n  return `@page { size: ${w}mm }`;\n}\n"));
        assertTrue(e.getMessage().contains("cannot evaluate"), e.getMessage());
        assertEquals("the print component has no function css(widthMm, heightMm)",
                assertThrows(IllegalStateException.class, () -> PrintStyle.of("export const VERSION = '2';")).getMessage());
    }
}
