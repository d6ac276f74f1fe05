package org.openpostage.api.internal;

/** The Luhn check digit test of ISO/IEC 7812-1. Not API. */
public final class Luhn {
    private Luhn() {
    }

    /** Whether {@code digits} (ASCII digits only) passes the Luhn check. */
    public static boolean valid(CharSequence digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return digits.length() > 0 && sum % 10 == 0;
    }
}
