package org.openpostage.server.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;

/**
 * A rate table as the operator sees it (docs/rates.md): where it came from, when it takes effect,
 * and its prices.
 *
 * @param version       the version quotes carry
 * @param currency       the currency of every price
 * @param effectiveFrom the first day of mailing it prices
 * @param origin        {@code configured} (rates.file or the samples) or {@code uploaded}
 * @param uploadedBy    the operator who uploaded it, or {@code null} for a configured table
 * @param uploadedAt    when it was uploaded, or {@code null}
 * @param withdrawnAt   when an upload was withdrawn before its date, or {@code null}
 * @param inForceToday  whether it prices pieces mailed today
 * @param rows          its prices, by class, weight step and zone
 */
public record RateTableInfo(String version, String currency, LocalDate effectiveFrom, String origin, String uploadedBy,
                            Instant uploadedAt, Instant withdrawnAt, boolean inForceToday, List<Row> rows) {
    /**
     * One price.
     *
     * @param maxGrams the heaviest piece of the step
     * @param zone     0 for unzoned classes, else 1 to 4
     */
    public record Row(MailClass mailClass, int maxGrams, int zone, Money price) {
    }
}
