package org.openpostage.api.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.PostalCode;

/**
 * The address rules of one country: which fields an {@link Address} needs, what its postal codes
 * look like, and how it is printed.
 *
 * <table>
 * <caption>Countries with a structured format</caption>
 * <tr><th>country</th><th>postal code</th><th>region</th><th>printed (last lines)</th></tr>
 * <tr><td>{@code US}</td><td>ZIP {@code 94107} or ZIP+4 {@code 94107-1234}</td><td>state, required</td>
 *     <td>{@code SAN FRANCISCO CA 94107-1234}, all in capitals (USPS Publication 28)</td></tr>
 * <tr><td>{@code CA}</td><td>{@code K1A 0B1}, first letter matching the province</td><td>province, required</td>
 *     <td>{@code OTTAWA ON  K1A 0B1}, all in capitals (Canada Post)</td></tr>
 * <tr><td>{@code GB}</td><td>UK postcode {@code SW1A 1AA}</td><td>none</td>
 *     <td>{@code LONDON} then {@code SW1A 1AA} on a line of its own (Royal Mail)</td></tr>
 * <tr><td>{@code DE}</td><td>five digits {@code 10115}</td><td>none</td>
 *     <td>{@code 10115 Berlin} (Deutsche Post)</td></tr>
 * </table>
 *
 * <p>Every other country takes free lines: name, the lines as written, then postal code and
 * locality if given. On international mail the last line is the destination country's English
 * name in capitals (UPU S42).
 *
 * <p>Immutable and thread-safe.
 */
public final class AddressFormat {
    private static final Set<String> ISO_COUNTRIES = new TreeSet<>(Arrays.asList(Locale.getISOCountries()));

    /** United States: ZIP or ZIP+4, a state (USPS two-letter code). */
    public static final AddressFormat US = new AddressFormat("US", true, "ZIP Code", "94107-1234", "City", "State",
            regions("AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware"
                    + "|DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa"
                    + "|KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota"
                    + "|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey"
                    + "|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon"
                    + "|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah"
                    + "|VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming"
                    + "|AS American Samoa|GU Guam|MP Northern Mariana Islands|PR Puerto Rico|VI U.S. Virgin Islands"
                    + "|FM Micronesia|MH Marshall Islands|PW Palau"
                    + "|AA Armed Forces Americas|AE Armed Forces Europe|AP Armed Forces Pacific"));
    /** Canada: {@code A1A 1A1} postal codes whose first letter belongs to the province. */
    public static final AddressFormat CA = new AddressFormat("CA", true, "Postal code", "K1A 0B1", "City", "Province",
            regions("AB Alberta|BC British Columbia|MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador"
                    + "|NS Nova Scotia|NT Northwest Territories|NU Nunavut|ON Ontario|PE Prince Edward Island"
                    + "|QC Quebec|SK Saskatchewan|YT Yukon"));
    /** United Kingdom: UK postcodes, a post town, no region. */
    public static final AddressFormat GB = new AddressFormat("GB", true, "Postcode", "SW1A 1AA", "Post town", null,
            Map.of());
    /** Germany: five-digit postal codes (PLZ), a town, no region. */
    public static final AddressFormat DE = new AddressFormat("DE", true, "Postleitzahl (PLZ)", "10115", "Ort", null,
            Map.of());

    private static final Pattern US_ZIP = Pattern.compile("([0-9]{5})(?:-?([0-9]{4}))?");
    private static final Pattern CA_CODE = Pattern.compile("([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]) ?([0-9][ABCEGHJ-NPRSTV-Z][0-9])");
    /** The UK postcode pattern (outward code, space, inward code), from the UK government's data standard. */
    private static final Pattern GB_CODE = Pattern.compile("(GIR ?0AA|(?:[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9](?:[0-9]"
            + "|[ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW])) ?([0-9][ABD-HJLNP-UW-Z]{2}))");
    private static final Pattern DE_CODE = Pattern.compile("[0-9]{5}");
    /** Canadian provinces by the first letter of their postal codes. */
    private static final Map<Character, String> CA_LETTERS = Map.ofEntries(Map.entry('A', "NL"), Map.entry('B', "NS"),
            Map.entry('C', "PE"), Map.entry('E', "NB"), Map.entry('G', "QC"), Map.entry('H', "QC"), Map.entry('J', "QC"),
            Map.entry('K', "ON"), Map.entry('L', "ON"), Map.entry('M', "ON"), Map.entry('N', "ON"), Map.entry('P', "ON"),
            Map.entry('R', "MB"), Map.entry('S', "SK"), Map.entry('T', "AB"), Map.entry('V', "BC"), Map.entry('X', "NT NU"),
            Map.entry('Y', "YT"));

    private final String country;
    private final boolean structured;
    private final String postalCodeLabel;
    private final String postalCodeExample;
    private final String localityLabel;
    private final String regionLabel;
    private final Map<String, String> regions;

    private AddressFormat(String country, boolean structured, String postalCodeLabel, String postalCodeExample,
                          String localityLabel, String regionLabel, Map<String, String> regions) {
        this.country = country;
        this.structured = structured;
        this.postalCodeLabel = postalCodeLabel;
        this.postalCodeExample = postalCodeExample;
        this.localityLabel = localityLabel;
        this.regionLabel = regionLabel;
        this.regions = regions;
    }

    /**
     * The rules of {@code country}, an ISO 3166-1 alpha-2 code in any case.
     *
     * @throws InvalidRequestException if it is not an ISO 3166-1 country code
     */
    public static AddressFormat of(String country) {
        String c = country == null ? "" : country.strip().toUpperCase(Locale.ROOT);
        if ("UK".equals(c)) {
            throw new InvalidArgumentException("address.country 'UK' is not an ISO 3166-1 code: the United Kingdom is 'GB'");
        }
        return switch (c) {
            case "US" -> US;
            case "CA" -> CA;
            case "GB" -> GB;
            case "DE" -> DE;
            default -> {
                if (!ISO_COUNTRIES.contains(c)) {
                    throw new InvalidArgumentException("address.country '" + (country == null ? "" : country.strip())
                            + "' is not an ISO 3166-1 alpha-2 country code such as US, CA, GB or DE");
                }
                yield new AddressFormat(c, false, "Postal code", null, "City", null, Map.of());
            }
        };
    }

    /** The countries with a structured format: US, CA, GB, DE. */
    public static List<AddressFormat> structuredFormats() {
        return List.of(US, CA, GB, DE);
    }

    /** Every ISO 3166-1 alpha-2 code the JDK knows, sorted. */
    public static Set<String> countryCodes() {
        return ISO_COUNTRIES;
    }

    /** The ISO 3166-1 alpha-2 code. */
    public String country() {
        return country;
    }

    /** The country's English name: {@code United States}, {@code Germany}. */
    public String countryName() {
        return new Locale("", country).getDisplayCountry(Locale.ENGLISH);
    }

    /** Whether addresses here are structured (locality and postal code required and checked) or free lines. */
    public boolean structured() {
        return structured;
    }

    /** What the postal code is called: {@code ZIP Code}, {@code Postcode}, {@code Postleitzahl (PLZ)}. */
    public String postalCodeLabel() {
        return postalCodeLabel;
    }

    /** An example postal code, or {@code null} for free-form countries. */
    public String postalCodeExample() {
        return postalCodeExample;
    }

    /** What the locality is called: {@code City}, {@code Post town}, {@code Ort}. */
    public String localityLabel() {
        return localityLabel;
    }

    /** What the region is called ({@code State}, {@code Province}), or {@code null} where addresses have none. */
    public String regionLabel() {
        return regionLabel;
    }

    /** The region codes and their names, in a stable order; empty where addresses have no region. */
    public Map<String, String> regions() {
        return regions;
    }

    /**
     * {@code value} as a postal code of this country, normalized ({@code k1a0b1} is {@code K1A 0B1},
     * {@code 941071234} is {@code 94107-1234}).
     *
     * @throws InvalidRequestException naming the country's pattern, with an example
     */
    public String checkPostalCode(String value) {
        return postalCode(value == null || value.isBlank() ? null : value.strip(), null);
    }

    /** The region, checked and upper case; for {@link Address}. */
    String region(String value) {
        if (regionLabel == null) {
            if (value != null && structured) {
                throw new InvalidArgumentException("address.region must be empty for an address in " + countryName()
                        + ", which has no " + "states or provinces in its addresses");
            }
            return value;
        }
        if (value == null) {
            throw new InvalidArgumentException("address.region is required for an address in " + countryName()
                    + ": the " + regionLabel.toLowerCase(Locale.ROOT) + " code, such as " + regions.keySet().iterator().next());
        }
        String code = value.toUpperCase(Locale.ROOT);
        if (!regions.containsKey(code)) {
            for (Map.Entry<String, String> e : regions.entrySet()) {
                if (e.getValue().equalsIgnoreCase(value)) {
                    return e.getKey();
                }
            }
            throw new InvalidArgumentException("address.region '" + value + "' is not a " + regionLabel.toLowerCase(Locale.ROOT)
                    + " of " + countryName() + " (use its two-letter code, such as " + regions.keySet().iterator().next() + ")");
        }
        return code;
    }

    /** The postal code, checked and normalized; {@code region} (checked) for Canada's first letter. */
    String postalCode(String value, String region) {
        if (value == null) {
            if (structured) {
                throw new InvalidArgumentException("address.postalCode is required for an address in " + countryName()
                        + ": the " + postalCodeLabel + ", such as " + postalCodeExample);
            }
            return null;
        }
        String v = value.toUpperCase(Locale.ROOT);
        String normalized = switch (country) {
            case "US" -> {
                var m = US_ZIP.matcher(v);
                yield m.matches() && !m.group(1).equals("00000")
                        ? m.group(1) + (m.group(2) == null ? "" : "-" + m.group(2)) : null;
            }
            case "CA" -> {
                var m = CA_CODE.matcher(v);
                yield m.matches() ? m.group(1) + " " + m.group(2) : null;
            }
            case "GB" -> {
                var m = GB_CODE.matcher(v.replaceAll("\\s+", " "));
                yield !m.matches() ? null : m.group(2) == null ? "GIR 0AA"
                        : m.group(1).substring(0, m.group(1).length() - 3).strip() + " " + m.group(2);
            }
            case "DE" -> DE_CODE.matcher(v).matches() ? v : null;
            default -> {
                try {
                    yield PostalCode.of(v).value();
                } catch (InvalidRequestException e) {
                    yield null;
                }
            }
        };
        if (normalized == null) {
            throw new InvalidArgumentException("address.postalCode '" + value + "' is not a " + describePostalCode());
        }
        if (country.equals("CA") && region != null) {
            String provinces = CA_LETTERS.get(normalized.charAt(0));
            if (provinces != null && !provinces.contains(region)) {
                throw new InvalidArgumentException("address.postalCode '" + normalized + "' belongs to "
                        + regions.get(provinces.substring(0, 2)) + ", not to " + regions.get(region));
            }
        }
        return normalized;
    }

    /** What a postal code here looks like, for messages: {@code ZIP Code of the United States (5 digits or ZIP+4, such as 94107-1234)}. */
    public String describePostalCode() {
        return switch (country) {
            case "US" -> "ZIP Code of the United States (5 digits, or ZIP+4 such as 94107-1234)";
            case "CA" -> "postal code of Canada (letter digit letter, digit letter digit, such as K1A 0B1)";
            case "GB" -> "UK postcode (such as SW1A 1AA)";
            case "DE" -> "German postal code (5 digits, such as 10115)";
            default -> "postal code (3 to 10 letters and digits)";
        };
    }

    /** The printed lines of {@code a}, mailed from {@code fromCountry}. */
    List<String> printedLines(Address a, String fromCountry) {
        List<String> out = new ArrayList<>();
        boolean capitals = country.equals("US") || country.equals("CA");
        out.add(a.name());
        out.addAll(a.lines());
        switch (country) {
            case "US" -> out.add(a.locality() + " " + a.region() + " " + a.postalCode());
            case "CA" -> out.add(a.locality() + " " + a.region() + "  " + a.postalCode());
            case "GB" -> {
                out.add(a.locality().toUpperCase(Locale.ROOT));
                out.add(a.postalCode());
            }
            case "DE" -> out.add(a.postalCode() + " " + a.locality());
            default -> {
                String last = ((a.postalCode() == null ? "" : a.postalCode() + " ")
                        + (a.locality() == null ? "" : a.locality() + " ") + (a.region() == null ? "" : a.region())).strip();
                if (!last.isEmpty()) {
                    out.add(last);
                }
            }
        }
        if (capitals) {
            out.replaceAll(s -> s.toUpperCase(Locale.ROOT));
        }
        if (!country.equals(fromCountry)) {
            out.add(countryName().toUpperCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }

    private static Map<String, String> regions(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String entry : spec.split("\\|")) {
            m.put(entry.substring(0, 2), entry.substring(3));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "AddressFormat[" + country + (structured ? ", structured" : ", free lines") + "]";
    }
}
