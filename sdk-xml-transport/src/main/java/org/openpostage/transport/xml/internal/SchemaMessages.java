package org.openpostage.transport.xml.internal;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rephrases the schema validator's messages for people: no {@code cvc-} codes, no namespaces, the
 * element's position first, and never the value of a card field.
 */
final class SchemaMessages {
    private static final String NAME = "'\\{?([^'}]*)\\}?'";
    private static final Pattern UNEXPECTED = Pattern.compile(
            "Invalid content was found starting with element " + NAME + "\\. One of '\\{([^}]*)\\}' is expected\\.");
    private static final Pattern NO_MORE = Pattern.compile(
            "Invalid content was found starting with element " + NAME + "\\. No child element is expected at this point\\.");
    private static final Pattern INCOMPLETE = Pattern.compile(
            "The content of element '([^']*)' is not complete\\. One of '\\{([^}]*)\\}' is expected\\.");
    private static final Pattern NOT_TYPE = Pattern.compile("'(.*)' is not a valid value for '([^']*)'\\.", Pattern.DOTALL);
    private static final Pattern ENUMERATION = Pattern.compile(
            "Value '(.*)' is not facet-valid with respect to enumeration '\\[([^]]*)]'\\..*", Pattern.DOTALL);
    private static final Pattern MIN = Pattern.compile(
            "Value '(.*)' is not facet-valid with respect to minInclusive '([^']*)'.*", Pattern.DOTALL);
    private static final Pattern MAX = Pattern.compile(
            "Value '(.*)' is not facet-valid with respect to maxInclusive '([^']*)'.*", Pattern.DOTALL);
    private static final Pattern LENGTH = Pattern.compile(
            "Value '.*' with length = '(\\d+)' is not facet-valid with respect to (min|max)Length '(\\d+)'.*",
            Pattern.DOTALL);
    private static final Pattern PATTERN = Pattern.compile(
            "Value '(.*)' is not facet-valid with respect to pattern '.*' for type '([^']*)'\\.", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("^cvc-[a-zA-Z0-9.\\-]+: ");

    /** Elements that hold amounts in minor units. */
    private static final Set<String> AMOUNTS = Set.of("price", "amount", "total", "postage", "ascending", "descending",
            "controlTotal");

    /** What each card element must hold: said instead of repeating the value. */
    private static final Map<String, String> CARD_RULES = Map.of(
            "number", "must be 12 to 19 digits, optionally grouped by single spaces or hyphens",
            "expiry", "must be a year and month such as 2028-12",
            "cvv", "must be 3 or 4 digits",
            "holderName", "must be 1 to 100 characters of text without control characters");

    private SchemaMessages() {
    }

    /**
     * The message for a violation reported by the validator while at {@code path} (the current
     * element) below {@code parentPath}.
     */
    static String describe(String path, String parentPath, String validatorMessage) {
        String m = CODE.matcher(validatorMessage.replace("\"" + Wire.NS + "\":", "")).replaceFirst("").strip();
        Matcher x;
        if ((x = UNEXPECTED.matcher(m)).matches()) {
            return parentPath + ": found <" + x.group(1) + "> where " + elements(x.group(2)) + " is expected";
        }
        if ((x = NO_MORE.matcher(m)).matches()) {
            return parentPath + ": found <" + x.group(1) + "> where no further element is allowed";
        }
        if ((x = INCOMPLETE.matcher(m)).matches()) {
            return path + ": incomplete, " + elements(x.group(2)) + " is missing";
        }
        String element = path.substring(path.lastIndexOf('/') + 1).replaceAll("\\[\\d+]$", "");
        if (path.contains("/card/")) {
            return path + ": " + CARD_RULES.getOrDefault(element, "is not valid");
        }
        if ((x = NOT_TYPE.matcher(m)).matches()) {
            String hint = x.group(2).equals("integer") && AMOUNTS.contains(element)
                    ? " (amounts are whole minor units: USD 1.25 is written 125)" : "";
            return path + ": '" + abbreviate(x.group(1)) + "' is not a valid " + typeName(x.group(2)) + hint;
        }
        if ((x = ENUMERATION.matcher(m)).matches()) {
            return path + ": '" + abbreviate(x.group(1)) + "' is not one of " + x.group(2);
        }
        if ((x = MIN.matcher(m)).matches()) {
            return path + ": " + abbreviate(x.group(1)) + " is less than the minimum " + x.group(2);
        }
        if ((x = MAX.matcher(m)).matches()) {
            return path + ": " + abbreviate(x.group(1)) + " is more than the maximum " + x.group(2);
        }
        if ((x = LENGTH.matcher(m)).matches()) {
            return path + ": has " + x.group(1) + " characters, " + (x.group(2).equals("min") ? "at least " : "at most ")
                    + x.group(3) + " allowed";
        }
        if ((x = PATTERN.matcher(m)).matches()) {
            return path + ": '" + abbreviate(x.group(1)) + "' is not a valid " + x.group(2);
        }
        return path + ": " + m;
    }

    private static String typeName(String xsdType) {
        return switch (xsdType) {
            case "integer", "long", "int", "unsignedInt", "unsignedShort" -> "whole number";
            case "date" -> "date such as 2026-07-01";
            case "dateTime" -> "timestamp such as 2026-07-01T10:15:30Z";
            case "boolean" -> "boolean (true or false)";
            case "base64Binary" -> "base64 value";
            default -> xsdType;
        };
    }

    private static String elements(String list) {
        String[] names = list.split(",\\s*");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(i == names.length - 1 ? " or " : ", ");
            }
            sb.append('<').append(names[i].strip()).append('>');
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
