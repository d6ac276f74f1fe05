package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseSummary;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.transport.xml.XmlProtocol;

/** A partner's lookup and history on the ledger: keyset pages, exports that tools can read, the caller's own data only. */
class HistoryTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void pagesNeitherSkipNorRepeatPurchasesCommittedInTheSameMillisecond(TestDatabase.Kind kind) {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            List<String> bought = new ArrayList<>();
            for (int i = 0; i < 7; i++) { // the fixture's clock stands still: all seven share one issued_at
                bought.add(f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("same-" + i)).purchaseId());
            }
            f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("a-live-one"));
            Instant from = Fixture.START.minusSeconds(1);
            PurchaseListRequest request = PurchaseListRequest.of(from, Fixture.START.plusSeconds(3600)).withPageSize(3);
            List<String> listed = new ArrayList<>();
            PurchasePage page = f.core.listPurchases(request, f.test("l1"));
            listed.addAll(ids(page));
            // Purchases committed while a partner pages (later, as time goes on) land after its position.
            f.clock.advance(Duration.ofSeconds(5));
            String later = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("later")).purchaseId();
            int pages = 1;
            while (page.nextPageToken() != null) {
                page = f.core.listPurchases(request.nextPage(page.nextPageToken()), f.test("l"));
                listed.addAll(ids(page));
                pages++;
            }
            assertEquals(3, pages, "7 + 1 purchases in pages of 3");
            List<String> expected = new ArrayList<>(bought.stream().sorted().toList());
            expected.add(later);
            assertEquals(expected, listed, "ties in time are ordered by id; no purchase twice, none left out");
            assertEquals(1, f.core.listPurchases(PurchaseListRequest.of(from, Fixture.START.plusSeconds(3600)),
                    f.live("l")).purchases().size(), "a live key lists live purchases only");
            assertThrows(InvalidRequestException.class, () -> f.core.listPurchases(PurchaseListRequest.of(
                    Fixture.START.plusSeconds(3600), Fixture.START.plusSeconds(7200)).nextPage(
                    "p1." + Fixture.START.getEpochSecond() + ".0.x"), f.test("l")), "a token of another period");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void exportsAreValidXmlAndCsvThatSpreadsheetsCannotTurnIntoFormulas(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            String reference = "=HYPERLINK(\"http://evil\"), \"quoted\"; ünïcode";
            f.core.admin().fundMeter(f.testMeter, Fixture.usd(500), reference);
            Purchase p = f.core.purchase(f.purchase(2, PaymentMethod.account()), f.test("buy"));
            f.core.refund(new RefundRequest(p.indicia().get(0).indiciumId()), f.test("refund"));
            Instant from = Fixture.START;
            Instant to = Fixture.START.plusSeconds(1);
            JournalExportRequest request = JournalExportRequest.of(from, to, ExportFormat.CSV);
            JournalExport csv = f.core.exportJournal(request, f.test("csv"));
            long journal = Rows.count(f.db, "SELECT COUNT(*) FROM journal WHERE meter_id = ?", f.testMeter);
            assertEquals(journal, csv.entryCount(), "fixture funding, the funding above, two debits and a refund");
            assertEquals(5, csv.entryCount());

            CsvMapper mapper = new CsvMapper();
            List<Map<String, String>> rows = new ArrayList<>();
            try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(csv.content().toArray())) {
                it.forEachRemaining(rows::add);
            }
            assertEquals(5, rows.size());
            assertEquals(List.of("entry_id", "meter_id", "seq", "kind", "amount", "currency", "ascending_after",
                    "descending_after", "purchase_id", "indicium_id", "refund_id", "reference", "created_at"),
                    List.copyOf(rows.get(0).keySet()));
            Map<String, String> funding = rows.get(1);
            assertEquals("FUNDING", funding.get("kind"));
            assertEquals("'" + reference, funding.get("reference"), "commas and quotes survive; the formula is defused");
            assertEquals("500", funding.get("amount"));
            assertEquals(2, rows.stream().filter(r -> r.get("kind").equals("DEBIT")
                    && r.get("purchase_id").equals(p.purchaseId())).count());

            JournalExport xml = f.core.exportJournal(new JournalExportRequest(from, to, ExportFormat.XML, f.testMeter),
                    f.test("xml"));
            assertEquals(5, xml.entryCount());
            try (InputStream schema = XmlProtocol.openSchema()) {
                SchemaFactory sf = SchemaFactory.newDefaultInstance();
                sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                sf.newSchema(new StreamSource(schema)).newValidator()
                        .validate(new StreamSource(xml.content().newInputStream()));
            }
            String text = new String(xml.content().toArray(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("&quot;quoted&quot;") || text.contains("\"quoted\""), text);
            assertTrue(text.contains("ünïcode"), "UTF-8 throughout");

            assertEquals(0, f.core.exportJournal(JournalExportRequest.of(to, to.plusSeconds(60), ExportFormat.XML),
                    f.test("empty")).entryCount());
            assertThrows(PermissionDeniedException.class, () -> f.core.exportJournal(
                    new JournalExportRequest(from, to, ExportFormat.CSV, f.liveMeter), f.test("other-mode")));
            assertThrows(NotFoundException.class, () -> f.core.exportJournal(
                    new JournalExportRequest(from, to, ExportFormat.CSV, 999_999L), f.test("no-meter")));
        }
    }

    @Test
    void aLookupFindsOldPurchasesAfterTheirKeysExpired() {
        try (Fixture f = Fixture.h2(dir)) {
            Purchase p = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("old"));
            f.clock.advance(Duration.ofDays(40));
            assertTrue(f.core.purgeExpiredIdempotencyKeys() >= 1, "the key is gone");
            assertEquals(p, f.core.lookupPurchase(PurchaseLookupRequest.of(p.purchaseId()), f.test("look")).purchase());
            assertThrows(NotFoundException.class, () -> f.core.lookupPurchase(PurchaseLookupRequest.of(p.purchaseId()),
                    f.live("look")), "a test purchase is not found with a live key");
            PurchaseSummary listed = f.core.listPurchases(PurchaseListRequest.of(Fixture.START, Fixture.START
                    .plusSeconds(1)), f.test("list")).purchases().get(0);
            assertEquals(p.purchaseId(), listed.purchaseId());
            assertNotNull(listed.payment());
            assertNull(f.core.listPurchases(PurchaseListRequest.of(Fixture.START, Fixture.START.plusSeconds(1)),
                    f.test("list")).nextPageToken());
            assertEquals(1, new HashSet<>(List.of(listed.meterId())).size());
        }
    }

    private static List<String> ids(PurchasePage page) {
        return page.purchases().stream().map(PurchaseSummary::purchaseId).toList();
    }
}
