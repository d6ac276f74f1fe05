package org.openpostage.server.internal.rates;

import org.openpostage.api.value.Money;

/**
 * The price of a piece and where it came from.
 *
 * @param price  the postage
 * @param table  the rate table used
 * @param zone   the zone (0 for unzoned classes)
 */
public record Priced(Money price, RateTable table, int zone) {
}
