package org.openpostage.server.model;

/**
 * What one run of the payment reconciler did.
 *
 * @param issued          pending card payments that turned out approved and whose purchase is now issued
 * @param failed          pending card payments that turned out declined (or never reached the gateway)
 * @param stillPending    payments the gateway still cannot tell about
 * @param refundsSettled  card refunds whose gateway call completed in this run
 */
public record Reconciliation(int issued, int failed, int stillPending, int refundsSettled) {
    /** Nothing done. */
    public static final Reconciliation NONE = new Reconciliation(0, 0, 0, 0);

    /** The sum of two runs. */
    public Reconciliation plus(Reconciliation o) {
        return new Reconciliation(issued + o.issued, failed + o.failed, stillPending + o.stillPending,
                refundsSettled + o.refundsSettled);
    }
}
