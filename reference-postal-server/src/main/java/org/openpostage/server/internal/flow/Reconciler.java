package org.openpostage.server.internal.flow;

import java.time.Instant;
import java.util.List;
import org.openpostage.server.model.Reconciliation;
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
    private final CardPayments payments;
    private final RefundFlow refunds;

    public Reconciler(CoreContext ctx, CardPayments payments, RefundFlow refunds) {
        this.ctx = ctx;
        this.payments = payments;
        this.refunds = refunds;
    }

    /**
     * One pass over everything unsettled. Each payment and each card refund is handled on its own:
     * one that fails (a database or gateway error) is logged and left for the next pass, and the
     * others are still handled.
     */
    public Reconciliation run() {
        Instant staleBefore = ctx.clock().instant().minus(ctx.config().requestLease());
        int issued = 0;
        int failed = 0;
        int pending = 0;
        for (String id : list("unsettled payments", () -> ctx.payments().unsettled(staleBefore, 100))) {
            try {
                switch (payments.settle(id)) {
                    case ISSUED -> issued++;
                    case FAILED -> failed++;
                    case PENDING -> pending++;
                    case BUSY, ALREADY_SETTLED -> { }
                }
            } catch (RuntimeException e) {
                log.warn("reconciliation: payment {} could not be settled now ({}); the next pass retries it", id,
                        describe(e));
            }
        }
        // Payments that ended while their key was left open by a node that stopped: settle() repairs the key.
        for (String id : list("payments with open keys", () -> ctx.payments().endedWithOpenKey(100))) {
            try {
                payments.settle(id);
            } catch (RuntimeException e) {
                log.warn("reconciliation: the idempotency key of payment {} could not be repaired now ({}); the next "
                        + "pass retries it", id, describe(e));
            }
        }
        int refundsSettled = 0;
        try {
            refundsSettled = refunds.settlePendingPayouts();
        } catch (RuntimeException e) {
            log.warn("reconciliation: pending card refunds could not be listed now ({}); the next pass retries them",
                    describe(e));
        }
        Reconciliation r = new Reconciliation(issued, failed, pending, refundsSettled);
        if (!r.equals(Reconciliation.NONE)) {
            log.info("reconciliation: {} payments issued, {} failed, {} still pending, {} card refunds paid",
                    issued, failed, pending, refundsSettled);
        }
        return r;
    }

    private static List<String> list(String what, java.util.function.Supplier<List<String>> query) {
        try {
            return query.get();
        } catch (RuntimeException e) {
            log.warn("reconciliation: could not list {} ({}); the next pass retries", what, describe(e));
            return List.of();
        }
    }

    static String describe(RuntimeException e) {
        return Failures.describe(e);
    }
}
