package org.openpostage.portal.internal.web;

/**
 * The print-only stylesheet the print component (version 1.0.0) puts into the page, rebuilt here
 * so that the page's Content-Security-Policy can allow exactly it by hash, and no other inline
 * style. The browser test checks that printing raises no CSP violation, so a new component
 * version with another stylesheet fails loudly rather than printing unstyled.
 */
final class PrintStyle {
    private static final String ROOT = "openpostage-print-root";

    private PrintStyle() {
    }

    /** The stylesheet for a page of {@code w} × {@code h} millimetres, numbers as JavaScript prints them. */
    static String css(String widthMm, String heightMm) {
        String w = widthMm + "mm";
        String h = heightMm + "mm";
        return "@page { size: " + w + " " + h + "; margin: 0; }\n"
                + "#" + ROOT + " { display: none; }\n"
                + "@media print {\n"
                + "  html, body { margin: 0 !important; padding: 0 !important; width: " + w + " !important;"
                + " height: " + h + " !important; min-height: 0 !important; overflow: hidden !important;"
                + " background: #fff !important; }\n"
                + "  body > *:not(#" + ROOT + ") { display: none !important; }\n"
                + "  #" + ROOT + " { display: block !important; position: absolute !important; left: 0 !important;"
                + " top: 0 !important; width: " + w + " !important; height: " + h + " !important; margin: 0 !important;"
                + " padding: 0 !important; overflow: hidden !important; break-inside: avoid; }\n"
                + "  #" + ROOT + " img { display: block !important; width: " + w + " !important; height: " + h
                + " !important; max-width: none !important; max-height: none !important; margin: 0 !important;"
                + " padding: 0 !important; border: 0 !important; object-fit: fill !important;"
                + " print-color-adjust: exact; -webkit-print-color-adjust: exact; }\n"
                + "}\n";
    }
}
