package org.openpostage.api.model;

import java.time.Instant;
import java.util.List;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Mode;

/**
 * A partner's meters and their registers, as of one instant.
 *
 * @param partnerId the partner
 * @param mode      the mode of the key that asked: a test key sees test meters, a live key live ones
 * @param meters    the partner's meters in that mode
 * @param asOf      when the registers were read
 */
public record AccountStatement(String partnerId, Mode mode, List<MeterStatement> meters, Instant asOf) {
    public AccountStatement {
        Checks.token("partnerId", partnerId, 64);
        Checks.notNull("mode", mode);
        meters = Checks.list("meters", meters, 0, 10_000);
        Checks.notNull("asOf", asOf);
    }
}
