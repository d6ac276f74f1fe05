package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.openpostage.api.model.PrintComponent;

class PrintComponentsTest {
    @Test
    void theComponentCarriesItsVersionAndDigest() throws Exception {
        PrintComponent component = PrintComponents.current();
        String script = new String(component.script().toArray(), StandardCharsets.UTF_8);
        assertTrue(script.contains("export const VERSION = '" + component.version() + "';"));
        assertEquals("text/javascript", component.mediaType());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(component.script().toArray());
        assertEquals("sha256-" + Base64.getEncoder().encodeToString(digest), component.integrity());
        assertTrue(script.contains("export function print(options)"));
        assertTrue(java.util.regex.Pattern.compile("(?m)^\\s*import[\\s{(]").matcher(script).results().findAny().isEmpty(),
                "no dependencies");
    }

    @Test
    void theComponentAddsNoInlineStyleThatAContentSecurityPolicyWouldBlock() {
        String script = new String(PrintComponents.current().script().toArray(), StandardCharsets.UTF_8);
        for (String inline : new String[] {"createElement('style')", "\"style\"", "'style'", ".style.", "cssText",
                "innerHTML", "insertAdjacentHTML"}) {
            assertTrue(!script.contains(inline), "the script uses " + inline);
        }
        assertTrue(script.contains("adoptedStyleSheets"), "styles come from a constructed stylesheet");
    }
}
