package org.openpostage.api.model;

import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * Asks the postal server to verify indicium data, as scanned from a mail piece.
 *
 * @param indicium the indicium bytes (what the Data Matrix carries)
 */
public record VerifyRequest(Bytes indicium) {
    public VerifyRequest {
        Checks.notNull("indicium", indicium);
        if (indicium.isEmpty() || indicium.size() > IndiciumCodec.MAX_LENGTH) {
            throw new InvalidArgumentException("indicium must have 1 to " + IndiciumCodec.MAX_LENGTH
                    + " bytes, had " + indicium.size());
        }
    }
}
