package org.openpostage.server.internal.flow;

import java.time.Instant;
import java.util.List;
import org.openpostage.server.Reconciliation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles card payments whose outcome was unknown, finishes those whose request died mid-way, and
 * repeats card refunds the gateway did not confirm. Every node runs it; claims in the database
 * make sure each payment is driven by one node at a time.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final CoreContext ctx;
    private final PurchaseFlow purchases;
    private final RefundFlow refunds;

    public Reconciler(CoreContext ctx, PurchaseFlow purchases, RefundFlow refunds) {
        this.ctx = ctx;
        this.purchases = purchases;
        this.refunds = refunds;
    }

    /** One pass over everything unsettled. */
    public Reconciliation run() {
        Instant staleBefore = ctx.clock().instant().minus(ctx.config().requestLease());
        List<String> ids = ctx.payments().unsettled(staleBefore, 100);
        int issued = 0;
        int failed = 0;
        int pending = 0;
        for (String id : ids) {
            switch (purchases.settle(id)) {
                case ISSUED -> issued++;
                case FAILED -> failed++;
                case PENDING -> pending++;
                case BUSY, ALREADY_SETTLED -> { }
            }
        }
        int refundsSettled = refunds.settlePendingPayouts();
        Reconciliation r = new Reconciliation(issued, failed, pending, refundsSettled);
        if (!r.equals(Reconciliation.NONE)) {
            log.info("reconciliation: {} payments issued, {} failed, {} still pending, {} card refunds paid",
                    issued, failed, pending, refundsSettled);
        }
        return r;
    }
}
