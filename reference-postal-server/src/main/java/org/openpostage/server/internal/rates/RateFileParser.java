package org.openpostage.server.internal.rates;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Weight;

/**
 * Reads the rate file format of {@code docs/rates.md}:
 *
 * <pre>
 * # comment
 * table version=2026-07 currency=USD effective-from=2026-07-01
 * # class   max-grams  zone  price (minor units)
 * LETTER    20         0     82
 * PARCEL    500        1     470
 * </pre>
 *
 * <p>A file holds one or more tables, each starting with a {@code table} line. A class whose rows
 * all have zone 0 is unzoned; otherwise every weight step of the class needs zones 1 to 4. Every
 * problem is reported with its line number.
 */
final class RateFileParser {
    private RateFileParser() {
    }

    static List<RateTable> parse(String text, String source) {
        List<RateTable> tables = new ArrayList<>();
        Builder current = null;
        Set<String> versions = new HashSet<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if (f[0].equals("table")) {
                    if (current != null) {
                        tables.add(current.build());
                    }
                    current = header(f, lineNo);
                    if (!versions.add(current.version)) {
                        throw new IllegalArgumentException("version " + current.version + " appears twice");
                    }
                } else if (current == null) {
                    throw new IllegalArgumentException("a 'table version=... currency=... effective-from=...' line "
                            + "must come before the rates");
                } else {
                    current.row(f, lineNo);
                }
            } catch (IllegalArgumentException | InvalidRequestException e) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (current != null) {
            try {
                tables.add(current.build());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            }
        }
        return tables;
    }

    private static Builder header(String[] f, int lineNo) {
        Map<String, String> attrs = new HashMap<>();
        for (int i = 1; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, found '" + f[i] + "'");
            }
            attrs.put(f[i].substring(0, eq), f[i].substring(eq + 1));
        }
        String version = required(attrs, "version");
        if (!version.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("version '" + version + "' must be 1 to 64 letters, digits, '.', '_', ':' or '-'");
        }
        String code = required(attrs, "currency");
        Currency currency;
        try {
            currency = Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency '" + code + "' is not an ISO 4217 code");
        }
        LocalDate from;
        try {
            from = LocalDate.parse(required(attrs, "effective-from"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("effective-from '" + attrs.get("effective-from") + "' is not a date (YYYY-MM-DD)");
        }
        return new Builder(version, currency, from, lineNo);
    }

    private static String required(Map<String, String> attrs, String key) {
        String v = attrs.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("the table line needs " + key + "=...");
        }
        return v;
    }

    /** Collects one table's rows and checks them. */
    private static final class Builder {
        private final String version;
        private final Currency currency;
        private final LocalDate effectiveFrom;
        private final int headerLine;
        private final Map<MailClass, TreeMap<Integer, long[]>> steps = new EnumMap<>(MailClass.class);
        private final Map<MailClass, Boolean> zoned = new EnumMap<>(MailClass.class);

        Builder(String version, Currency currency, LocalDate effectiveFrom, int headerLine) {
            this.version = version;
            this.currency = currency;
            this.effectiveFrom = effectiveFrom;
            this.headerLine = headerLine;
        }

        void row(String[] f, int lineNo) {
            if (f.length != 4) {
                throw new IllegalArgumentException("expected '<class> <max-grams> <zone> <price>', found " + f.length + " fields");
            }
            MailClass mailClass = MailClass.parse(f[0]);
            int maxGrams = integer(f[1], "max-grams", 1, Weight.MAX_GRAMS);
            int zone = integer(f[2], "zone", 0, Zones.MAX_ZONE);
            long price = integer(f[3], "price", 1, Integer.MAX_VALUE);
            boolean isZoned = zone > 0;
            Boolean known = zoned.putIfAbsent(mailClass, isZoned);
            if (known != null && known != isZoned) {
                throw new IllegalArgumentException(mailClass + " mixes zone 0 with zones 1 to " + Zones.MAX_ZONE
                        + ": a class is either unzoned or zoned");
            }
            long[] prices = steps.computeIfAbsent(mailClass, c -> new TreeMap<>())
                    .computeIfAbsent(maxGrams, g -> new long[Zones.MAX_ZONE + 1]);
            if (prices[zone] != 0) {
                throw new IllegalArgumentException(mailClass + " " + maxGrams + " g zone " + zone + " is priced twice");
            }
            prices[zone] = price;
        }

        RateTable build() {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("table " + version + " (line " + headerLine + ") has no rates");
            }
            Map<MailClass, RateTable.ClassRates> classes = new EnumMap<>(MailClass.class);
            for (var e : steps.entrySet()) {
                boolean isZoned = zoned.get(e.getKey());
                for (var step : e.getValue().entrySet()) {
                    for (int z = 1; isZoned && z <= Zones.MAX_ZONE; z++) {
                        if (step.getValue()[z] == 0) {
                            throw new IllegalArgumentException("table " + version + ": " + e.getKey() + " "
                                    + step.getKey() + " g has no price for zone " + z);
                        }
                    }
                }
                classes.put(e.getKey(), new RateTable.ClassRates(isZoned, Collections.unmodifiableNavigableMap(e.getValue())));
            }
            return new RateTable(version, currency, effectiveFrom, classes);
        }

        private static int integer(String s, String field, int min, int max) {
            try {
                int v = Integer.parseInt(s);
                if (v < min || v > max) {
                    throw new IllegalArgumentException(field + " " + v + " must be between " + min + " and " + max);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + " '" + s + "' is not a whole number");
            }
        }
    }
}
