package org.openpostage.api.model;

import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;

/**
 * The registers of one meter.
 *
 * <p>The ascending register is all postage ever dispensed by the meter; the descending register
 * is the funds left. Their sum is the control total: all funds ever credited to the meter, less
 * any withdrawn. The constructor enforces {@code ascending + descending = controlTotal}.
 *
 * @param meterId      the meter's id, as printed in its indicia
 * @param mode         whether it is a test or a live meter
 * @param ascending    the ascending register
 * @param descending   the descending register (never negative)
 * @param controlTotal ascending + descending
 * @param piecesIssued how many indicia the meter has issued: its last piece serial
 */
public record MeterStatement(long meterId, Mode mode, Money ascending, Money descending, Money controlTotal,
                             long piecesIssued) {
    public MeterStatement {
        Checks.range("meterId", meterId, 1, 0xFFFF_FFFFL);
        Checks.notNull("mode", mode);
        Checks.notNull("ascending", ascending);
        Checks.notNull("descending", descending);
        Checks.notNull("controlTotal", controlTotal);
        if (ascending.isNegative() || descending.isNegative()) {
            throw new InvalidArgumentException("meter " + meterId + " registers must not be negative");
        }
        if (!ascending.plus(descending).equals(controlTotal)) {
            throw new InvalidArgumentException("meter " + meterId + " registers do not balance: " + ascending + " + "
                    + descending + " != " + controlTotal);
        }
        Checks.range("piecesIssued", piecesIssued, 0, 0xFFFF_FFFFL);
    }
}
