package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.value.Mode;

/**
 * Batches issue their account-paid entries together, a chunk of entries per transaction with rows
 * inserted in bulk, while every entry keeps its own key and outcome (docs/ledger.md, "Batches").
 */
class BatchChunkTest {
    @TempDir
    Path dir;
    InMemorySpanExporter spans;
    OpenTelemetrySdk otel;
    Fixture f;

    @BeforeEach
    void open() {
        spans = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        f = Fixture.h2Traced(dir, otel);
    }

    @AfterEach
    void close() {
        f.close();
        otel.close();
    }

    private long transactions(String name) {
        return spans.getFinishedSpanItems().stream().map(SpanData::getName).filter(("ledger " + name)::equals).count();
    }

    private static BatchPurchaseRequest batch(int entries, PurchaseRequest request) {
        List<BatchEntry> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            list.add(new BatchEntry("e" + i, request));
        }
        return new BatchPurchaseRequest(list);
    }

    @Test
    void aBatchOf250IsIssuedInThreeTransactionsAndReplaysEntryByEntry() {
        f.core.admin().fundMeter(f.testMeter, Fixture.usd(1_000_00), "top-up");
        BatchPurchaseRequest batch = batch(250, f.purchase(1, PaymentMethod.account()));
        spans.reset();
        BatchPurchaseResult r = f.core.purchaseBatch(batch, f.test("big-batch"));

        assertEquals(250, r.succeeded());
        assertEquals(3, transactions("purchase"), "one transaction per chunk of 100 entries, not one per entry");
        assertEquals(3, transactions("store signatures"), "the chunk's signatures stored together");
        assertEquals(250, f.meter(f.testMeter).piecesIssued());
        List<Long> serials = r.results().stream().map(x -> x.purchase().indicia().get(0))
                .map(i -> org.openpostage.api.indicium.IndiciumCodec.decode(i.data()).data().pieceSerial()).toList();
        for (int i = 0; i < serials.size(); i++) {
            assertEquals(i + 1, serials.get(i), "entries issued in their order, serials without gaps");
        }

        BatchPurchaseResult again = f.core.purchaseBatch(batch, f.test("big-batch"));
        assertEquals(r.results(), again.results(), "a retried batch replays every entry, byte for byte");
        assertEquals(250, f.meter(f.testMeter).piecesIssued(), "nothing issued twice");
        f.assertBalanced();
    }

    @Test
    void anEntryItsMeterCannotPayFailsAloneAndStaysFailedWhileTheOthersInItsChunkAreIssued() {
        f.core.purchase(f.purchase(125, PaymentMethod.account()), f.test("most-of-the-funds")); // 97.50 of 100.00
        PurchaseItem letter = f.letter();
        BatchPurchaseRequest batch = new BatchPurchaseRequest(List.of(
                entry("a", List.of(letter)),                  // 0.78 of 2.50: 1.72 left
                entry("b", List.of(letter, letter, letter)),  // 2.34 > 1.72: refused
                entry("c", List.of(letter, letter))));        // 1.56 of 1.72: issued
        BatchPurchaseResult r = f.core.purchaseBatch(batch, f.test("tight"));

        assertTrue(r.result("a").orElseThrow().succeeded());
        assertEquals(ErrorCode.INSUFFICIENT_FUNDS, r.result("b").orElseThrow().error().code());
        assertEquals(2, r.result("c").orElseThrow().purchase().indicia().size());
        assertEquals(128, f.meter(f.testMeter).piecesIssued());
        assertEquals(16, f.meter(f.testMeter).descending().minorUnits());
        f.assertBalanced();

        f.core.admin().fundMeter(f.testMeter, Fixture.usd(100_00), "top-up");
        BatchPurchaseResult again = f.core.purchaseBatch(batch, f.test("tight"));
        assertEquals(ErrorCode.INSUFFICIENT_FUNDS, again.result("b").orElseThrow().error().code(), "a failure stays a failure");
        assertEquals(r.result("a"), again.result("a"));
        assertEquals(r.result("c"), again.result("c"));
        assertEquals(128, f.meter(f.testMeter).piecesIssued());
        f.assertBalanced();
    }

    @Test
    void anEntryWhoseKeyWasUsedBeforeIsReplayedAndTheOthersAreIssued() {
        PurchaseRequest one = f.purchase(1, PaymentMethod.account());
        Purchase earlier = f.core.purchase(one, f.test("mixed:a"));
        BatchPurchaseResult r = f.core.purchaseBatch(new BatchPurchaseRequest(List.of(
                new BatchEntry("a", one), new BatchEntry("b", one))), f.test("mixed"));

        assertEquals(earlier, r.result("a").orElseThrow().purchase(), "replayed, not charged again");
        assertTrue(r.result("b").orElseThrow().succeeded());
        assertEquals(2, f.meter(f.testMeter).piecesIssued());
        f.assertBalanced();
    }

    @Test
    void entriesOnSeveralMetersInterleavedKeepEveryMetersSerialsAndRegistersExact() {
        long second = f.core.admin().createMeter(Fixture.PARTNER, Mode.TEST, f.core.currency()).meterId();
        f.core.admin().fundMeter(second, Fixture.usd(50_00), "second meter");
        PurchaseItem letter = f.letter();
        List<BatchEntry> entries = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long meter = i % 3 == 0 ? second : f.testMeter;
            entries.add(new BatchEntry("e" + i, new PurchaseRequest(List.of(letter), PaymentMethod.account(),
                    PrintOptions.dataOnly(), meter)));
        }
        BatchPurchaseResult r = f.core.purchaseBatch(new BatchPurchaseRequest(entries), f.test("two-meters"));

        assertEquals(60, r.succeeded());
        assertEquals(20, f.meter(second).piecesIssued());
        assertEquals(40, f.meter(f.testMeter).piecesIssued());
        assertEquals(50_00 - 20 * letter.price().minorUnits(), f.meter(second).descending().minorUnits());
        List<BatchItemResult> onSecond = r.results().subList(0, 60).stream()
                .filter(x -> Integer.parseInt(x.reference().substring(1)) % 3 == 0).toList();
        for (int k = 0; k < onSecond.size(); k++) {
            assertEquals(k + 1, org.openpostage.api.indicium.IndiciumCodec.decode(
                    onSecond.get(k).purchase().indicia().get(0).data()).data().pieceSerial());
        }
        f.assertBalanced();
    }

    private static BatchEntry entry(String reference, List<PurchaseItem> items) {
        return new BatchEntry(reference, new PurchaseRequest(items, PaymentMethod.account(), PrintOptions.dataOnly(), null));
    }
}
