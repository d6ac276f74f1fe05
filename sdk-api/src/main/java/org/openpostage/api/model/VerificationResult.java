package org.openpostage.api.model;

import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.internal.Checks;

/**
 * What verifying an indicium found.
 *
 * @param verdict        the overall verdict
 * @param indicium       the decoded fields
 * @param signatureValid whether the signature checks against the published key it names
 * @param refunded       whether the indicium was refunded
 * @param previousScans  how many times this piece was verified before this call
 * @param detail         a sentence explaining the verdict
 */
public record VerificationResult(Verdict verdict, IndiciumData indicium, boolean signatureValid, boolean refunded,
                                 int previousScans, String detail) {
    public VerificationResult {
        Checks.notNull("verdict", verdict);
        Checks.notNull("indicium", indicium);
        Checks.range("previousScans", previousScans, 0, Integer.MAX_VALUE);
        Checks.notNull("detail", detail);
    }

    /** Whether the indicium is good postage. */
    public boolean valid() {
        return verdict == Verdict.VALID;
    }
}
