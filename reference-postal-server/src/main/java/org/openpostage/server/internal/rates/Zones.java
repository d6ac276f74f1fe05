package org.openpostage.server.internal.rates;

import org.openpostage.api.value.PostalCode;

/**
 * Derives a zone from origin and destination postal codes, for mail classes priced by zone.
 *
 * <p>The rule (documented in {@code docs/rates.md}): take the first three letters or digits of
 * each code (spaces and hyphens skipped) and count how many leading characters the two agree on.
 * All three: zone 1 (local); two: zone 2; one: zone 3; none: zone 4. Classes without zones
 * (letters in the sample table) are zone 0.
 */
public final class Zones {
    /** The highest zone. */
    public static final int MAX_ZONE = 4;
    /** How many leading characters decide the zone. */
    static final int PREFIX = 3;

    private Zones() {
    }

    /** The zone between {@code origin} and {@code destination}, 1 to {@value #MAX_ZONE}. */
    public static int between(PostalCode origin, PostalCode destination) {
        String a = prefix(origin);
        String b = prefix(destination);
        int common = 0;
        while (common < a.length() && common < b.length() && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        return MAX_ZONE - common;
    }

    /** The first {@value #PREFIX} letters or digits of {@code code}. */
    static String prefix(PostalCode code) {
        StringBuilder sb = new StringBuilder(PREFIX);
        String v = code.value();
        for (int i = 0; i < v.length() && sb.length() < PREFIX; i++) {
            char c = v.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
