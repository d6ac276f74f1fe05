package org.openpostage.portal.internal.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The portal's JTE templates ({@code src/main/jte}), compiled to Java classes when the portal is
 * built. {@code ContentType.Html} escapes every {@code ${...}} for where it stands (element text,
 * attribute value), so a value can never become markup: pages written this way need no
 * hand-written escaping. Thread-safe.
 */
public final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Templates() {
    }

    /** The HTML of template {@code name} (such as {@code refund-confirm.jte}) for {@code model}. */
    public static String render(String name, Object model) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, model, out);
        return out.toString();
    }
}
