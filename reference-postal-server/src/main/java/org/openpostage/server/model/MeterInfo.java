package org.openpostage.server.model;

import org.openpostage.api.model.MeterStatement;

/**
 * A meter as the operator sees it: whose it is and its registers.
 *
 * @param partnerId    the partner it belongs to
 * @param defaultMeter whether purchases of its mode that name no meter debit it
 * @param statement    its registers
 */
public record MeterInfo(String partnerId, boolean defaultMeter, MeterStatement statement) {
    /** The meter's id. */
    public long meterId() {
        return statement.meterId();
    }
}
