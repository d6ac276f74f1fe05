package org.openpostage.server.internal.rates;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Currency;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import org.openpostage.api.value.MailClass;

/**
 * One version of the rate table: the prices in force from {@code effectiveFrom} until the next
 * table's date.
 *
 * @param version       the version name quotes carry, for example {@code 2026-07}
 * @param currency      the currency of every price
 * @param effectiveFrom the first day of mailing it applies to
 * @param classes       the prices of each mail class sold
 */
public record RateTable(String version, Currency currency, LocalDate effectiveFrom, Map<MailClass, ClassRates> classes) {
    public RateTable {
        classes = Collections.unmodifiableMap(new EnumMap<>(classes));
    }

    /**
     * The prices of one mail class.
     *
     * @param zoned whether prices depend on the zone (then every step has zones 1 to 4)
     * @param steps price per zone (index 0 for unzoned classes, 1 to 4 for zoned ones) by the
     *              step's maximum weight in grams; a piece takes the lightest step it fits in
     */
    public record ClassRates(boolean zoned, NavigableMap<Integer, long[]> steps) {
        /** The heaviest weight the class accepts, in grams. */
        public int maxGrams() {
            return steps.lastKey();
        }
    }
}
