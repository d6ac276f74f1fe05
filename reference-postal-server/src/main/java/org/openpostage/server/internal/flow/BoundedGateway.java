package org.openpostage.server.internal.flow;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.value.Money;
import org.openpostage.server.spi.PaymentGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A card gateway whose calls answer within a time limit: a call still running then counts as
 * {@link Outcome#UNKNOWN} (a lookup reports {@link State#UNKNOWN}), which is what the
 * {@link PaymentGateway} contract says a timeout is. The call itself is interrupted and left to
 * end on its own thread; the payment is then settled through {@link PaymentGateway#lookup}.
 *
 * <p>Why: whoever drives a card payment holds a claim on it for one request lease, and the
 * reconciler may take over a payment whose claim has expired. The limit (a quarter of the lease)
 * keeps a live request's gateway calls inside its claim, so a takeover normally means the request
 * died. Correctness does not rest on the limit, though: every payment state change is a
 * compare-and-set, and a driver that loses one stops and answers from the stored state
 * ({@link CardPayments}).
 */
final class BoundedGateway implements PaymentGateway {
    private static final Logger log = LoggerFactory.getLogger(BoundedGateway.class);
    /** Threads for gateway calls, shared by every core in the JVM; idle ones end after a minute. */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "openpostage-gateway-call");
        t.setDaemon(true);
        return t;
    });

    private final PaymentGateway gateway;
    private final Duration limit;

    BoundedGateway(PaymentGateway gateway, Duration limit) {
        this.gateway = gateway;
        this.limit = limit;
    }

    @Override
    public String name() {
        return gateway.name();
    }

    @Override
    public Result authorize(String paymentId, CardPayment card, Money amount) {
        return bounded("authorization", () -> gateway.authorize(paymentId, card, amount), timedOut());
    }

    @Override
    public Result capture(String gatewayReference, Money amount) {
        return bounded("capture", () -> gateway.capture(gatewayReference, amount), timedOut());
    }

    @Override
    public Result voidAuthorization(String gatewayReference) {
        return bounded("void", () -> gateway.voidAuthorization(gatewayReference), timedOut());
    }

    @Override
    public Result refund(String gatewayReference, Money amount, String refundReference) {
        return bounded("refund", () -> gateway.refund(gatewayReference, amount, refundReference), timedOut());
    }

    @Override
    public Status lookup(String paymentId) {
        return bounded("lookup", () -> gateway.lookup(paymentId),
                new Status(State.UNKNOWN, null, "the card gateway did not answer in time"));
    }

    private static Result timedOut() {
        return Result.unknown("the card gateway did not answer in time");
    }

    private <T> T bounded(String what, Callable<T> call, T timedOut) {
        // The call runs on another thread: it takes the request's trace context and log context along.
        java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
        Callable<T> traced = io.opentelemetry.context.Context.current().wrap(() -> {
            if (mdc != null) {
                org.slf4j.MDC.setContextMap(mdc);
            }
            try {
                return call.call();
            } finally {
                org.slf4j.MDC.clear();
            }
        });
        Future<T> future = CALLS.submit(traced);
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            log.warn("card gateway {}: no {} answer within {}; its outcome is unknown", gateway.name(), what, limit);
            return timedOut;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return timedOut;
        } catch (ExecutionException e) {
            // The flows treat an exception as an unknown outcome, as the SPI contract says.
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }
}
