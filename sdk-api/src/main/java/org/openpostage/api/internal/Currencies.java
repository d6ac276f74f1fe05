package org.openpostage.api.internal;

import java.util.Currency;
import java.util.HashMap;
import java.util.Map;

/** ISO 4217 numeric codes, looked up once. Not API. */
public final class Currencies {
    private static final Map<Integer, Currency> BY_NUMERIC = new HashMap<>();

    static {
        for (Currency c : Currency.getAvailableCurrencies()) {
            if (c.getNumericCode() > 0 && c.getDefaultFractionDigits() >= 0) {
                BY_NUMERIC.merge(c.getNumericCode(), c, (a, b) -> a.getCurrencyCode().compareTo(b.getCurrencyCode()) <= 0 ? a : b);
            }
        }
    }

    private Currencies() {
    }

    /** The currency with ISO 4217 numeric code {@code code}, or {@code null}. */
    public static Currency byNumericCode(int code) {
        return BY_NUMERIC.get(code);
    }

    /** Whether {@code currency} is the one its numeric code decodes to, so it survives a round trip. */
    public static boolean roundTrips(Currency currency) {
        return currency.equals(BY_NUMERIC.get(currency.getNumericCode()));
    }
}
