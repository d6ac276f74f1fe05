package org.openpostage.server.model;

import java.util.List;

/**
 * The result of checking one meter's registers against its journal and its indicia.
 *
 * @param meterId    the meter
 * @param ascending  its ascending register
 * @param descending its descending register
 * @param lastSerial its last piece serial
 * @param problems   every rule broken, in words; empty when the meter balances
 */
public record MeterAudit(long meterId, long ascending, long descending, long lastSerial, List<String> problems) {
    public MeterAudit {
        problems = List.copyOf(problems);
    }

    /** Whether every rule holds. */
    public boolean balanced() {
        return problems.isEmpty();
    }
}
