package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;

/** Batches through the core: each entry succeeds or fails on its own, and a repeated batch replays. */
class BatchPurchaseTest {
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
    void aBatchWithFailingEntriesIssuesTheOthersAndReplaysAsAWhole() {
        PurchaseItem letter = f.letter();
        PurchaseItem stale = new PurchaseItem(letter.piece(), Fixture.usd(50), letter.dateOfMailing());
        BatchPurchaseRequest batch = new BatchPurchaseRequest(List.of(
                entry("a", List.of(letter, letter), PaymentMethod.account()),
                entry("b", List.of(stale), PaymentMethod.account()),
                entry("c", List.of(letter), Fixture.card(SimulatedCardGateway.DECLINED)),
                entry("d", List.of(letter), Fixture.card(SimulatedCardGateway.APPROVED_VISA))));

        BatchPurchaseResult r = f.core.purchaseBatch(batch, f.test("batch-1"));
        assertEquals(List.of("a", "b", "c", "d"), r.results().stream().map(BatchItemResult::reference).toList());
        assertEquals(2, r.succeeded());
        assertEquals(ErrorCode.PRICE_CHANGED, r.result("b").orElseThrow().error().code());
        assertEquals(ErrorCode.PAYMENT_DECLINED, r.result("c").orElseThrow().error().code());
        assertTrue(r.result("b").orElseThrow().error().message().contains("items[0].price"));
        assertEquals(2, r.result("a").orElseThrow().purchase().indicia().size());
        assertEquals(3, f.meter(f.testMeter).piecesIssued(), "a and d only");
        assertEquals(Fixture.FUNDS - 156, f.meter(f.testMeter).descending().minorUnits(), "the card funded d itself");

        BatchPurchaseResult again = f.core.purchaseBatch(batch, f.test("batch-1"));
        assertEquals(r.result("a").orElseThrow().purchase(), again.result("a").orElseThrow().purchase());
        assertEquals(r.result("d").orElseThrow().purchase(), again.result("d").orElseThrow().purchase());
        assertEquals(ErrorCode.PAYMENT_DECLINED, again.result("c").orElseThrow().error().code());
        assertEquals(3, f.meter(f.testMeter).piecesIssued(), "nothing issued twice");
        assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "no card charged twice");

        BatchPurchaseRequest other = new BatchPurchaseRequest(List.of(entry("a", List.of(letter), PaymentMethod.account())));
        IdempotencyConflictException e = assertThrows(IdempotencyConflictException.class,
                () -> f.core.purchaseBatch(other, f.test("batch-1")));
        assertEquals(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.code());
        assertFalse(e.retryable());
        f.assertBalanced();
    }

    private static BatchEntry entry(String reference, List<PurchaseItem> items, PaymentMethod payment) {
        return new BatchEntry(reference, new PurchaseRequest(items, payment, PrintOptions.dataOnly(), null));
    }
}
