package org.openpostage.api.model;

import org.jspecify.annotations.Nullable;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * One issued indicium: the postage on one mail piece.
 *
 * @param indiciumId the postal server's id for it, used to refund it
 * @param data       the signed indicium data in the binary format of
 *                   {@link org.openpostage.api.indicium.IndiciumCodec} (what the Data Matrix carries)
 * @param image      the rendered stamp, or {@code null} when only data was asked for
 */
public record Indicium(String indiciumId, Bytes data, @Nullable RenderedImage image) {
    public Indicium {
        Checks.token("indiciumId", indiciumId, 64);
        Checks.notNull("indicium.data", data);
    }

    /**
     * The decoded data: fields and signature.
     *
     * @throws org.openpostage.api.error.IndiciumFormatException if the data is malformed
     */
    public SignedIndicium decode() {
        return IndiciumCodec.decode(data);
    }
}
