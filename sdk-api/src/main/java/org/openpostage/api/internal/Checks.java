package org.openpostage.api.internal;

import java.util.List;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.InvalidRequestException;

/**
 * Argument checks shared by the value types. Every failure is an {@link InvalidRequestException}
 * whose message starts with the field's name, so a server can return it to the caller as is.
 * Not API: may change without notice.
 */
public final class Checks {
    private Checks() {
    }

    /** {@code value} itself, or an error naming {@code field} if it is null. */
    public static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new InvalidArgumentException(field + " is required");
        }
        return value;
    }

    /** {@code value}, or an error naming {@code field} if it lies outside {@code [min, max]}. */
    public static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** {@code value}, or an error if it lies outside {@code [min, max]}. */
    public static int range(String field, int value, int min, int max) {
        return (int) range(field, (long) value, min, (long) max);
    }

    /** An identifier: 1 to {@code max} characters of letters, digits, '.', '_', ':' and '-'. */
    public static String token(String field, String value, int max) {
        notNull(field, value);
        if (value.isEmpty() || value.length() > max) {
            throw new InvalidArgumentException(field + " must have 1 to " + max + " characters, had " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                throw new InvalidArgumentException(field + " may hold only letters, digits, '.', '_', ':' and '-'; "
                        + "found " + describe(c) + " at position " + i);
            }
        }
        return value;
    }

    /** 1 to {@code max} visible ASCII characters (0x21 to 0x7E): keys and ids that travel in headers. */
    public static String visibleAscii(String field, String value, int max) {
        notNull(field, value);
        if (value.isEmpty() || value.length() > max) {
            throw new InvalidArgumentException(field + " must have 1 to " + max + " characters, had " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new InvalidArgumentException(field + " may hold only visible ASCII characters; found "
                        + describe(c) + " at position " + i);
            }
        }
        return value;
    }

    /** Human text: not blank, at most {@code max} characters, no control characters. */
    public static String text(String field, String value, int max) {
        notNull(field, value);
        if (value.isBlank()) {
            throw new InvalidArgumentException(field + " must not be blank");
        }
        if (value.length() > max) {
            throw new InvalidArgumentException(field + " must have at most " + max + " characters, had " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidArgumentException(field + " must not contain control characters (position " + i + ")");
            }
        }
        return value;
    }

    /** An immutable copy of {@code list}, or an error if it is null, has nulls, or its size is outside {@code [min, max]}. */
    public static <T> List<T> list(String field, List<T> list, int min, int max) {
        notNull(field, list);
        if (list.size() < min || list.size() > max) {
            throw new InvalidArgumentException(field + " must have " + min + " to " + max + " entries, had " + list.size());
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidArgumentException(field + "[" + i + "] is required");
            }
        }
        return List.copyOf(list);
    }

    private static String describe(char c) {
        return c >= 0x21 && c <= 0x7E ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
