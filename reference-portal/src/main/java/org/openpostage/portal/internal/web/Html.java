package org.openpostage.portal.internal.web;

import java.math.BigDecimal;
import org.openpostage.api.model.Money;

/** Tiny helpers for writing HTML by hand: escaping, amounts. */
public final class Html {
    private Html() {
    }

    /** {@code s} escaped for element content and quoted attribute values; null is empty. */
    public static String esc(Object s) {
        if (s == null) {
            return "";
        }
        String v = s.toString();
        StringBuilder b = new StringBuilder(v.length() + 16);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** An amount such as {@code USD 0.78}. */
    public static String money(long minor, String currency) {
        return esc(Money.of(minor, currency).toString());
    }

    /** A millimetre value as JavaScript prints the same number: {@code 63}, {@code 215.9}. */
    public static String mm(double mm) {
        return BigDecimal.valueOf(mm).stripTrailingZeros().toPlainString();
    }
}
