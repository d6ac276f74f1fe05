package org.openpostage.portal.internal.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The portal's JTE templates ({@code src/main/jte}), compiled to Java classes when the portal is
 * built: every page ({@code layout.jte} around each) and its fragments. JTE's HTML output
 * ({@link OwaspHtmlTemplateOutput}) escapes every {@code ${...}} for where it stands (element text,
 * attribute value, URL), so a value can never become markup: nothing in the portal escapes by
 * hand. Thread-safe.
 */
public final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Templates() {
    }

    /** The HTML of template {@code name} (such as {@code cart.jte}) for its named {@code params}. */
    public static String render(String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, params, new OwaspHtmlTemplateOutput(out));
        return out.toString();
    }
}
