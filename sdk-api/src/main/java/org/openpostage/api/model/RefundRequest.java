package org.openpostage.api.model;

import org.openpostage.api.internal.Checks;

/**
 * Asks to refund an unused indicium.
 *
 * @param indiciumId the indicium's id, from {@link Indicium#indiciumId()}
 */
public record RefundRequest(String indiciumId) {
    public RefundRequest {
        Checks.token("indiciumId", indiciumId, 64);
    }
}
