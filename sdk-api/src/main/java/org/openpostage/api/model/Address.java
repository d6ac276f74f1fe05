package org.openpostage.api.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.PostalCode;

/**
 * A postal address: of the sender (the return address) or of the recipient of a mail piece,
 * checked by the rules of its country ({@link AddressFormat}).
 *
 * <p>For the countries with a known format (the United States, Canada, the United Kingdom and
 * Germany) the address is structured: street lines, a locality (city, post town, Ort), a region
 * where the country has them (US state, Canadian province) and a postal code in the country's
 * pattern (US ZIP or ZIP+4, Canadian {@code A1A 1A1}, UK postcode, German five-digit PLZ),
 * normalized ({@code k1a0b1} becomes {@code K1A 0B1}). For every other country the address is
 * free lines: what the sender writes, printed as written, with an optional locality and postal
 * code.
 *
 * <pre>{@code
 * Address to = Address.of("US", "Ada Lovelace", List.of("1600 Pennsylvania Ave NW"),
 *         "Washington", "DC", "20500-0003");
 * to.printedLines("US");   // [ADA LOVELACE, 1600 PENNSYLVANIA AVE NW, WASHINGTON DC 20500-0003]
 * }</pre>
 *
 * <p>Text may use Latin letters (with accents), digits, spaces and common punctuation: what
 * postal operators ask for on international mail and what every renderer can print. Leading and
 * trailing blanks are removed; blank optional fields become {@code null}.
 *
 * @param country    the ISO 3166-1 alpha-2 code, upper case: {@code US}, {@code CA}, {@code GB}, {@code DE}, ...
 * @param name       the person or organisation, 1 to {@value #MAX_TEXT} characters
 * @param lines      1 to {@value #MAX_LINES} street lines (for free-form countries: every line after
 *                   the name), each 1 to {@value #MAX_TEXT} characters
 * @param locality   the city or post town; required where the country's format says so, else optional
 * @param region     the state or province code where the country has them (required there), else {@code null}
 * @param postalCode the postal code, normalized; required where the country's format says so
 */
public record Address(String country, String name, List<String> lines, String locality, String region,
                      String postalCode) {
    /** The most characters in one field. */
    public static final int MAX_TEXT = 60;
    /** The most street lines. */
    public static final int MAX_LINES = 4;
    private static final String PUNCTUATION = " .,-'/#&()+:;";

    public Address {
        Checks.notNull("address.country", country);
        AddressFormat format = AddressFormat.of(country);
        country = format.country();
        name = text("address.name", Checks.notNull("address.name", name));
        Checks.notNull("address.lines", lines);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line != null && !line.isBlank()) {
                kept.add(text("address.lines[" + i + "]", line));
            }
        }
        if (kept.isEmpty() || kept.size() > MAX_LINES) {
            throw new InvalidArgumentException("address.lines must have 1 to " + MAX_LINES + " lines that are not blank, had "
                    + kept.size());
        }
        lines = List.copyOf(kept);
        locality = optional("address.locality", locality);
        region = optional("address.region", region);
        postalCode = optional("address.postalCode", postalCode);
        if (format.structured() && locality == null) {
            throw new InvalidArgumentException("address.locality is required for an address in " + format.countryName()
                    + " (the " + format.localityLabel().toLowerCase(Locale.ROOT) + ")");
        }
        region = format.region(region);
        postalCode = format.postalCode(postalCode, region);
    }

    /** A structured address (see the record's description). */
    public static Address of(String country, String name, List<String> lines, String locality, String region,
                             String postalCode) {
        return new Address(country, name, lines, locality, region, postalCode);
    }

    /** An address of free lines, for a country without a structured format (or any country, with a postal code). */
    public static Address freeForm(String country, String name, List<String> lines) {
        return new Address(country, name, lines, null, null, null);
    }

    /** The rules of this address's country. */
    public AddressFormat format() {
        return AddressFormat.of(country);
    }

    /**
     * The address as printed on a piece mailed from {@code fromCountry}, top to bottom, in the
     * order and case the country's postal operator asks for; the last line is the country's
     * English name in capitals when it differs from {@code fromCountry} (international mail).
     *
     * @param fromCountry the ISO code of the country the piece is mailed from
     */
    public List<String> printedLines(String fromCountry) {
        return format().printedLines(this, AddressFormat.of(fromCountry).country());
    }

    /** Whether this address's postal code is {@code code}, or extends it (a ZIP+4 extends its ZIP). */
    public boolean hasPostalCode(PostalCode code) {
        if (postalCode == null || code == null) {
            return false;
        }
        String mine = postalCode.replace(" ", "");
        String theirs = code.value().replace(" ", "");
        return mine.equals(theirs) || mine.startsWith(theirs + "-");
    }

    private static String text(String field, String value) {
        String v = Checks.text(field, value.strip(), MAX_TEXT);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean latinLetter = Character.isLetter(c) && Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN;
            boolean ok = latinLetter || (c >= '0' && c <= '9') || PUNCTUATION.indexOf(c) >= 0;
            if (!ok) {
                throw new InvalidArgumentException(field + " may hold Latin letters, digits, spaces and . , - ' / # & ( ) + : ;"
                        + " only; found " + (c >= 0x21 && c <= 0x7E ? "'" + c + "'" : String.format("U+%04X", (int) c))
                        + " at position " + i);
            }
        }
        return v;
    }

    private static String optional(String field, String value) {
        return value == null || value.isBlank() ? null : text(field, value);
    }
}
