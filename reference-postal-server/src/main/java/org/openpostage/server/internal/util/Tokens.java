package org.openpostage.server.internal.util;

import org.openpostage.api.error.InvalidRequestException;

/** Checks identifiers the server creates from operator input (partner ids, for example). */
public final class Tokens {
    private Tokens() {
    }

    /**
     * {@code value}, if it is 1 to {@code max} letters, digits, '.', '_', ':' or '-' (the rule of
     * every id in the OpenPostage protocol).
     *
     * @throws InvalidRequestException naming {@code field} otherwise
     */
    public static String require(String field, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max || !value.matches("[A-Za-z0-9._:-]+")) {
            throw new InvalidRequestException(field + " must be 1 to " + max
                    + " letters, digits, '.', '_', ':' or '-', was '" + value + "'");
        }
        return value;
    }
}
