package org.openpostage.portal.internal.web;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The portal's JTE templates ({@code src/main/jte}), compiled to Java classes when the portal is
 * built: every page ({@code layout.jte} around each) and its fragments. {@code ContentType.Html}
 * escapes every {@code ${...}} for where it stands (element text, attribute value; see
 * {@link PortalHtmlOutput}), so a value can never become markup: no page has hand-written
 * escaping. Thread-safe.
 */
public final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Templates() {
    }

    /**
     * {@code content} with JTE's own element text escaping ({@code & < >}; quotes stay), for the
     * fragments that were JTE templates before the pages were, so their output is unchanged
     * ({@link PortalHtmlOutput}).
     */
    public static Content jteText(Content content) {
        return output -> {
            if (output instanceof PortalHtmlOutput portal) {
                boolean before = portal.quotesInText(false);
                try {
                    content.writeTo(output);
                } finally {
                    portal.quotesInText(before);
                }
            } else {
                content.writeTo(output);
            }
        };
    }

    /** The HTML of template {@code name} (such as {@code cart.jte}) for its named {@code params}. */
    public static String render(String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, params, new PortalHtmlOutput(out));
        return out.toString();
    }
}
