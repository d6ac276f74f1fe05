package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.h2.jdbcx.JdbcDataSource;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.value.Money;
import org.openpostage.server.spi.PaymentGateway;

/**
 * A card gateway for tests, around a real one: its first call of one kind can hang until the test
 * releases it, it can refuse refunds or leave them unanswered ({@code null}); it counts refund calls.
 */
final class ControlledGateway implements PaymentGateway {
    private final PaymentGateway gateway;
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile String blockOn = "";
    final AtomicInteger refunds = new AtomicInteger();
    volatile boolean refuseRefunds;
    /** Refunds of the payments whose gateway reference this accepts get no answer ({@code null}). */
    volatile Predicate<String> unansweredRefunds = reference -> false;

    ControlledGateway(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    void block(String call) {
        blockOn = call;
        armed.set(true);
    }

    void awaitBlocked() throws InterruptedException {
        assertTrue(blocked.await(20, TimeUnit.SECONDS), "the request reached the gateway");
    }

    void release() {
        released.countDown();
    }

    private void hangIf(String call) {
        if (blockOn.equals(call) && armed.compareAndSet(true, false)) {
            blocked.countDown();
            try {
                released.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String name() {
        return "blocking " + gateway.name();
    }

    @Override
    public Result authorize(String paymentId, CardPayment card, Money amount) {
        hangIf("authorize");
        return gateway.authorize(paymentId, card, amount);
    }

    @Override
    public Result capture(String gatewayReference, Money amount) {
        hangIf("capture");
        return gateway.capture(gatewayReference, amount);
    }

    @Override
    public Result voidAuthorization(String gatewayReference) {
        return gateway.voidAuthorization(gatewayReference);
    }

    @Override
    public Result refund(String gatewayReference, Money amount, String refundReference) {
        refunds.incrementAndGet();
        hangIf("refund");
        if (unansweredRefunds.test(gatewayReference)) {
            return null;
        }
        if (refuseRefunds) {
            return new Result(Outcome.DECLINED, gatewayReference, "refund refused by the test");
        }
        return gateway.refund(gatewayReference, amount, refundReference);
    }

    @Override
    public Status lookup(String paymentId) {
        return gateway.lookup(paymentId);
    }

    /** A controlled simulated gateway on the H2 database {@code db}. */
    static ControlledGateway simulated(TestDatabase db, Clock clock) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(db.url);
        return new ControlledGateway(new SimulatedCardGateway(ds, clock));
    }
}
