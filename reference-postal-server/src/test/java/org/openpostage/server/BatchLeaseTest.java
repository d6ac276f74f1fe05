package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.value.Money;
import org.openpostage.server.spi.PaymentGateway;

/**
 * A batch that runs longer than the request lease keeps its key: nobody takes it over while it is
 * still working, because it renews the lease as it goes.
 */
class BatchLeaseTest {
    private static final Duration PER_AUTHORIZATION = Duration.ofSeconds(40); // lease: 60 s

    @TempDir
    Path dir;
    Fixture f;
    BatchPurchaseRequest batch;
    /** What a retry of the batch, made while its second entry is being paid, got. */
    final List<String> retries = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aBatchLongerThanTheLeaseIsNotTakenOverWhileItRuns() {
        AtomicInteger authorizations = new AtomicInteger();
        f = Fixture.h2WithLiveGateway(dir, (db, clock) -> new SlowGateway(ControlledGateway.simulated(db, clock), () -> {
            f.clock.advance(PER_AUTHORIZATION); // each card payment takes 40 s of the clock
            if (authorizations.incrementAndGet() == 2) { // 80 s in: past the first lease, within a renewed one
                try {
                    f.core.purchaseBatch(batch, f.live("long-batch"));
                    retries.add("took the batch over");
                } catch (PostageException e) {
                    retries.add(e.code().name());
                }
            }
        }));
        batch = new BatchPurchaseRequest(List.of(entry("a"), entry("b"), entry("c")));

        BatchPurchaseResult result = f.core.purchaseBatch(batch, f.live("long-batch"));

        assertEquals(3, result.succeeded());
        assertEquals(List.of(ErrorCode.REQUEST_IN_PROGRESS.name()), retries, "the running batch kept its key");
        assertEquals(3, authorizations.get(), "each entry paid once");
        assertEquals(3, f.meter(f.liveMeter).piecesIssued());
        f.assertBalanced();
    }

    private BatchEntry entry(String reference) {
        return new BatchEntry(reference, new PurchaseRequest(List.of(f.letter()),
                Fixture.card(SimulatedCardGateway.APPROVED_VISA), PrintOptions.dataOnly(), null));
    }

    /** A gateway whose authorizations run {@code onAuthorize} first. */
    private record SlowGateway(PaymentGateway gateway, Runnable onAuthorize) implements PaymentGateway {
        @Override
        public String name() {
            return "slow " + gateway.name();
        }

        @Override
        public Result authorize(String paymentId, CardPayment card, Money amount) {
            onAuthorize.run();
            return gateway.authorize(paymentId, card, amount);
        }

        @Override
        public Result capture(String gatewayReference, Money amount) {
            return gateway.capture(gatewayReference, amount);
        }

        @Override
        public Result voidAuthorization(String gatewayReference) {
            return gateway.voidAuthorization(gatewayReference);
        }

        @Override
        public Result refund(String gatewayReference, Money amount, String refundReference) {
            return gateway.refund(gatewayReference, amount, refundReference);
        }

        @Override
        public Status lookup(String paymentId) {
            return gateway.lookup(paymentId);
        }
    }
}
