package org.openpostage.api.value;

import java.util.Locale;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * A postal code (ZIP code, postcode, PLZ), normalized to upper case.
 *
 * <p>3 to 10 characters of letters, digits, single spaces and hyphens, starting and ending with a
 * letter or digit: {@code 94107}, {@code 94107-1234}, {@code SW1A 1AA}, {@code 10115}. It fits the
 * 10-byte field of the indicium format. Leading and trailing blanks are removed.
 *
 * @param value the normalized postal code
 */
public record PostalCode(String value) {
    /** The longest postal code accepted: the width of its indicium field. */
    public static final int MAX_LENGTH = 10;

    public PostalCode {
        Checks.notNull("postalCode", value);
        value = value.strip().toUpperCase(Locale.ROOT);
        if (value.length() < 3 || value.length() > MAX_LENGTH) {
            throw new InvalidArgumentException("postalCode '" + value + "' must have 3 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            boolean separator = c == ' ' || c == '-';
            boolean edge = i == 0 || i == value.length() - 1;
            if (!alnum && !(separator && !edge && !isSeparator(value.charAt(i - 1)))) {
                throw new InvalidArgumentException("postalCode '" + value + "' may hold only letters, digits and single "
                        + "inner spaces or hyphens");
            }
        }
    }

    /** The postal code {@code value}, normalized. */
    public static PostalCode of(String value) {
        return new PostalCode(value);
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-';
    }

    @Override
    public String toString() {
        return value;
    }
}
