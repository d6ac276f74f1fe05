package org.openpostage.portal.internal.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pages' templates escape every value for where it stands: element text as the portal always
 * escaped it (quotes too), attribute values by JTE, and a script URL is not written at all.
 */
class TemplatesTest {
    private static final Pages.Frame FRAME = new Pages.Frame("T<i>tle", "Shop & Co", "", "https", null, 0, "csrf\"token",
            "error", "It's <b>\"bad\"</b>");

    @Test
    void textAndAttributesAreEscapedSoNoValueBecomesMarkup() {
        String html = Templates.render("login.jte", Map.of("frame", FRAME,
                "page", new Pages.Login("tok\"en", "\"><script>alert(1)</script>")));
        assertFalse(html.contains("<script>alert"), html);
        assertFalse(html.contains("<b>"), html);
        assertTrue(html.contains("<title>T&lt;i&gt;tle · Shop &amp; Co</title>"), html);
        assertTrue(html.contains("<p class=\"flash error\" role=\"alert\">It's &lt;b&gt;\"bad\"&lt;/b&gt;</p>"),
                html);
        assertTrue(html.contains("<input type=\"hidden\" name=\"_csrf\" value=\"tok&#34;en\">"), html);
        assertTrue(html.contains("value=\"&#34;>&lt;script>alert(1)&lt;/script>\""), html);
    }

    @Test
    void aScriptUrlIsDroppedFromALink() {
        String html = Templates.render("orders.jte", Map.of("frame", FRAME, "page", new Pages.Orders(java.util.List.of(),
                java.util.List.of())));
        assertTrue(html.contains("<p id=\"no-orders\">You have no orders yet.</p>"), html);
        String link = Templates.render("print.jte", Map.of("frame", FRAME, "page", new Pages.Print("Order 1: 1 stamp.",
                "63", "31", "auto", java.util.List.of(), 1, "javascript:alert(1)", "/print/p.js", "sha256-x")));
        assertFalse(link.contains("javascript:"), link);
    }
}
