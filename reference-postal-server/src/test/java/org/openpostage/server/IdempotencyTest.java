package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PriceChangedException;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.spi.Credentials;
import org.openpostage.api.value.Mode;

class IdempotencyTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void open() {
        f = Fixture.h2(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void sameKeyAndRequestReplaysTheFirstPurchaseWithoutASecondDebit() {
        PurchaseRequest request = f.purchase(2, PaymentMethod.account());
        Purchase first = f.core.purchase(request, f.test("order-1"));
        Purchase again = f.core.purchase(request, f.test("order-1"));

        assertEquals(first, again, "a replay returns an equal purchase");
        for (int i = 0; i < 2; i++) {
            assertEquals(first.indicia().get(i).data(), again.indicia().get(i).data(), "same indicium bytes");
        }
        assertEquals(2, f.meter(f.testMeter).piecesIssued());
        assertEquals(156, f.meter(f.testMeter).ascending().minorUnits());
        assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM journal WHERE kind = 'DEBIT'"));
        f.assertBalanced();
    }

    @Test
    void sameKeyWithADifferentRequestIsAConflictAndChargesNothing() {
        f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("order-2"));
        IdempotencyConflictException e = assertThrows(IdempotencyConflictException.class,
                () -> f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("order-2")));
        assertEquals(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.code());
        assertEquals(1, f.meter(f.testMeter).piecesIssued());
    }

    @Test
    void keysAreScopedPerPartner() {
        f.core.admin().createPartner("other", "Other Portal");
        var key = f.core.admin().issueApiKey("other", Mode.TEST);
        long meter = f.core.admin().createMeter("other", Mode.TEST, f.core.currency()).meterId();
        f.core.admin().fundMeter(meter, Fixture.usd(1000), null);
        var other = f.core.authenticator().authenticate(Credentials.apiKey(key.apiKey()));

        Purchase mine = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("shared-key"));
        Purchase theirs = f.core.purchase(f.purchase(2, PaymentMethod.account()),
                CallContext.withKey("shared-key").withCaller(other));
        assertNotEquals(mine.purchaseId(), theirs.purchaseId());
        assertEquals(2, theirs.indicia().size());
    }

    @Test
    void concurrentDuplicatesOnTwoNodesExecuteOnce() throws Exception {
        PostalCore node2 = f.secondNode();
        PurchaseRequest request = f.purchase(3, PaymentMethod.account());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Purchase>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                PostalCore node = i % 2 == 0 ? f.core : node2;
                Callable<Purchase> call = () -> node.purchase(request, f.test("dup-key"));
                results.add(pool.submit(call));
            }
            Purchase first = null;
            for (Future<Purchase> r : results) {
                Purchase p = r.get();
                if (first == null) {
                    first = p;
                }
                assertEquals(first, p, "every duplicate sees the one execution");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, f.meter(f.testMeter).piecesIssued(), "debited once");
        assertEquals(3, Rows.count(f.db, "SELECT COUNT(*) FROM indicia"));
        f.assertBalanced();
    }

    @Test
    void insufficientFundsStaysFailedEvenAfterATopUp() {
        PurchaseRequest tooBig = f.purchase(200, PaymentMethod.account()); // 200 x 0.78 = 156.00 > 100.00
        assertThrows(InsufficientFundsException.class, () -> f.core.purchase(tooBig, f.test("big-order")));

        f.core.admin().fundMeter(f.testMeter, Fixture.usd(100_000), "top-up");
        InsufficientFundsException again = assertThrows(InsufficientFundsException.class,
                () -> f.core.purchase(tooBig, f.test("big-order")));
        assertTrue(again.getMessage().contains("needs USD 156.00"), again.getMessage());
        assertEquals(0, f.meter(f.testMeter).piecesIssued());

        Purchase fresh = f.core.purchase(tooBig, f.test("big-order-2"));
        assertEquals(200, fresh.indicia().size());
        f.assertBalanced();
    }

    @Test
    void aDeclinedCardStaysDeclinedAndReachesTheGatewayOnce() {
        PurchaseRequest request = f.purchase(1, Fixture.card(SimulatedCardGateway.DECLINED));
        assertThrows(PaymentDeclinedException.class, () -> f.core.purchase(request, f.test("card-order")));
        assertThrows(PaymentDeclinedException.class, () -> f.core.purchase(request, f.test("card-order")));
        assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM sim_gateway_transactions"));
        assertEquals(0, f.meter(f.testMeter).piecesIssued());
    }

    @Test
    void aRejectedRequestDoesNotUseUpItsKey() {
        PurchaseItem item = f.letter();
        PurchaseItem wrongPrice = new PurchaseItem(item.piece(), Fixture.usd(50), item.dateOfMailing());
        assertThrows(PriceChangedException.class, () -> f.core.purchase(
                PurchaseRequest.of(List.of(wrongPrice), PaymentMethod.account()), f.test("fix-and-retry")));
        Purchase p = f.core.purchase(PurchaseRequest.of(List.of(item), PaymentMethod.account()), f.test("fix-and-retry"));
        assertEquals(1, p.indicia().size());
    }

    @Test
    void keysAreKeptForTheRetentionPeriodThenPurged() {
        f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("old-key"));
        f.clock.advance(Duration.ofHours(23));
        assertEquals(0, f.core.purgeExpiredIdempotencyKeys());
        assertThrows(IdempotencyConflictException.class,
                () -> f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("old-key")));

        f.clock.advance(Duration.ofHours(2));
        assertEquals(1, f.core.purgeExpiredIdempotencyKeys());
        Purchase reused = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("old-key"));
        assertEquals(2, reused.indicia().size());
    }
}
