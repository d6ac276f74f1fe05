package org.openpostage.portal.internal.web;

import gg.jte.TemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;

/**
 * How the portal's templates write values: JTE's own HTML output, with element text escaped the
 * way the portal's pages always escaped it ({@code & < > " '} as {@code &amp; &lt; &gt; &quot;
 * &#39;}). Attribute values and the insides of {@code script} and {@code style} are left to JTE
 * (attribute escaping, unsafe URLs dropped, JavaScript escaping); the portal has no inline script
 * or style (its Content-Security-Policy forbids them).
 *
 * <p>The four fragments that were JTE templates before the pages were ({@code address-fields},
 * {@code order-print}, {@code refund-confirm}, {@code top-up}) wrap themselves in
 * {@link Templates#jteText(Content)} and keep JTE's own element text escaping ({@code & < >} only), so
 * their output is what it was. Both are safe: text can never become markup either way.
 */
final class PortalHtmlOutput extends OwaspHtmlTemplateOutput {
    private final TemplateOutput out;
    private String tagName;
    private String attributeName;
    private boolean quotesInText = true;

    PortalHtmlOutput(TemplateOutput out) {
        super(out);
        this.out = out;
    }

    @Override
    public void setContext(String tagName, String attributeName) {
        super.setContext(tagName, attributeName);
        this.tagName = tagName;
        this.attributeName = attributeName;
    }

    @Override
    public void writeUserContent(String value) {
        if (!quotesInText || attributeName != null || "script".equalsIgnoreCase(tagName)
                || "style".equalsIgnoreCase(tagName)) {
            super.writeUserContent(value);
        } else if (value != null) {
            out.writeContent(escape(value));
        }
    }

    /** Whether element text escapes quotes too (else as JTE does); see {@link Templates#jteText}. */
    boolean quotesInText(boolean on) {
        boolean before = quotesInText;
        quotesInText = on;
        return before;
    }

    /** {@code s} escaped for element text. */
    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            String e = switch (s.charAt(i)) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (e != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (e != null) {
                    b.append(e);
                } else {
                    b.append(s.charAt(i));
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
