package org.openpostage.portal.internal.shop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpostage.portal.internal.store.Order;
import org.openpostage.portal.internal.store.OrderStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles pending store-credit orders without waiting for their owners: every pass re-sends each
 * one still within {@link Checkout#CONFIRM_WINDOW} through {@link Checkout#confirm(Order,
 * org.openpostage.api.model.CardPayment, Duration)}, the path "Check again" takes, so under the
 * order's own idempotency key. Card orders are left alone: they need the user's card again.
 *
 * <p>Before re-sending an order a pass claims it in the database with one conditional UPDATE (for
 * {@link #CLAIM}, longer than a call may take) and releases it afterwards, so of several portal
 * nodes sharing the database one sends it at a time; a node that dies mid-call leaves a claim
 * that runs out. A re-send that overlaps another anyway (the user's own "Check again") is
 * harmless: the postal server answers a replay with the first outcome, and a stamp is settled
 * only from {@code PENDING}.
 *
 * <p>A pass takes at most {@code perPass} orders: those never tried first, then those tried least
 * recently (the claim notes the time), so orders that stay pending take turns with newer ones and
 * every pending order is tried again within a few passes.
 */
public final class PendingOrderResolver implements AutoCloseable {
    /** How long a claim holds: well beyond {@link #CALL_TIMEOUT}. */
    static final Duration CLAIM = Duration.ofMinutes(5);
    /** How long one re-send waits for the postal server, retries included. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** The most orders one pass re-sends by default; the next pass takes the rest. */
    static final int PER_PASS = 50;

    private static final Logger log = LoggerFactory.getLogger(PendingOrderResolver.class);

    private final Checkout checkout;
    private final OrderStore store;
    private final int perPass;
    private final String node = UUID.randomUUID().toString();
    private ScheduledExecutorService timer;

    /** A resolver that runs passes only when asked, until {@link #start} is called. */
    public PendingOrderResolver(Checkout checkout, OrderStore store) {
        this(checkout, store, PER_PASS);
    }

    /** {@link #PendingOrderResolver(Checkout, OrderStore)} re-sending at most {@code perPass} orders a pass. */
    public PendingOrderResolver(Checkout checkout, OrderStore store, int perPass) {
        if (perPass < 1) {
            throw new IllegalArgumentException("a pass must take at least one order, not " + perPass);
        }
        this.checkout = checkout;
        this.store = store;
        this.perPass = perPass;
    }

    /** Runs a pass every {@code interval} (the first after one interval) in a daemon thread; zero: never. */
    public synchronized void start(Duration interval) {
        if (interval.isZero() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portal-pending-orders");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(this::scheduledPass, millis, millis, TimeUnit.MILLISECONDS);
        log.info("pending store-credit orders are sent again every {}", interval);
    }

    /**
     * One pass: re-sends the pending store-credit orders within the window that no one has
     * claimed, at most {@code perPass}, least recently tried first, one after the other. Returns
     * how many orders this pass sent again.
     */
    public int runOnce() {
        Instant now = Instant.now();
        List<Long> ids = store.unclaimedPendingCreditOrders(now.minus(Checkout.CONFIRM_WINDOW), now, perPass);
        int sent = 0;
        for (long id : ids) {
            Optional<Order> claimed = store.claimOrder(id, node, Instant.now().plus(CLAIM));
            if (claimed.isEmpty()) {
                continue; // another node has it
            }
            try {
                if (claimed.get().pending()) { // else settled since the query
                    Order order = checkout.confirm(claimed.get(), null, CALL_TIMEOUT);
                    sent++;
                    log.info("order {} sent again in the background: {}", id, order.status());
                }
            } catch (RuntimeException e) {
                log.warn("order {} could not be sent again in the background: {}", id, e.toString());
            } finally {
                store.releaseOrder(id, node);
            }
        }
        return sent;
    }

    private void scheduledPass() {
        try {
            runOnce();
        } catch (RuntimeException e) { // a failed pass must not end the schedule
            log.warn("a pass over pending orders failed: {}", e.toString());
        }
    }

    /** Stops the schedule, waiting briefly for a running pass. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
