package org.openpostage.api.model;

/** Card brands, told apart by the number's issuer prefix (IIN). */
public enum CardBrand {
    /** Visa: numbers starting 4. */
    VISA,
    /** Mastercard: 51 to 55 and 2221 to 2720. */
    MASTERCARD,
    /** American Express: 34 and 37. */
    AMEX,
    /** Discover: 6011 and 65. */
    DISCOVER,
    /** Any other issuer. */
    OTHER,
    /**
     * A value this version of the SDK does not know, sent by a newer server: a client decodes it as
     * this member instead of failing (see docs/api-evolution.md). Never sent by a client.
     */
    UNKNOWN;

    /** The brand of card number {@code digits}. */
    public static CardBrand of(String digits) {
        if (digits.startsWith("4")) {
            return VISA;
        }
        if (digits.length() >= 4) {
            int two = Integer.parseInt(digits.substring(0, 2));
            int four = Integer.parseInt(digits.substring(0, 4));
            if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
                return MASTERCARD;
            }
            if (two == 34 || two == 37) {
                return AMEX;
            }
            if (four == 6011 || two == 65) {
                return DISCOVER;
            }
        }
        return OTHER;
    }
}
