package org.openpostage.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.InsufficientFundsException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.PermissionDeniedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.PriceChangedException;
import org.openpostage.api.error.RefundNotAllowedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.PurchaseSummary;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * The behaviour every {@link PostalService} must show, whatever implements it and however it is
 * reached. Extend this class, return a {@link ConformanceFixture} from {@link #createFixture()}, and
 * run it with JUnit 5:
 *
 * <pre>{@code
 * class MyServerConformanceTest extends PostalServiceContract {
 *     protected ConformanceFixture createFixture() {
 *         return ConformanceFixture.builder().service(client).unauthenticated(badClient).build();
 *     }
 * }
 * }</pre>
 *
 * <p>To run it against a remote endpoint without writing code, use {@link ConformanceRunner}.
 *
 * <p>The suite checks registers before and after each money-moving call, so the test meter must not
 * be used by anything else while it runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PostalServiceContract {
    private ConformanceFixture f;

    /** The fixture for the server under test; called once per test class. */
    protected abstract ConformanceFixture createFixture();

    @BeforeAll
    final void setUpFixture() {
        f = createFixture();
    }

    /** The fixture in use. */
    protected final ConformanceFixture fixture() {
        return f;
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("quote")
    class Quotes {
        @Test
        @DisplayName("prices a piece from a named rate table")
        void pricesAPiece() {
            RateQuote q = quote();
            assertEquals(f.samplePiece(), q.piece());
            assertTrue(q.price().isPositive());
            assertFalse(q.rateTableVersion().isBlank());
            assertNotNull(q.dateOfMailing());
            assertEquals(q, quote(), "a quote is a pure function of the piece and the day");
        }

        @Test
        @DisplayName("refuses a piece the rate table does not cover")
        void refusesAnUnsellablePiece() {
            MailPiece tooHeavy = new MailPiece(f.samplePiece().mailClass(), Weight.ofGrams(Weight.MAX_GRAMS), null,
                    f.samplePiece().origin(), f.samplePiece().destination());
            var e = assertThrows(InvalidRequestException.class, () -> f.service().quote(QuoteRequest.of(tooHeavy), ctx()));
            assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("purchase from the portal's account")
    class AccountPurchases {
        @Test
        @DisplayName("debits the meter once per indicium, before handing them out")
        void debitsExactlyOnce() {
            RateQuote q = quote();
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(q), PurchaseItem.of(q)),
                    PaymentMethod.account());
            Ledger before = Ledger.of(f.service());
            Purchase p = f.service().purchase(request, ctx());
            assertEquals(2, p.indicia().size());
            assertEquals(q.price().times(2), p.total());
            assertEquals(PaymentKind.ACCOUNT, p.payment().kind());
            assertEquals(Mode.TEST, p.mode());

            IndiciumData first = p.indicia().get(0).decode().data();
            IndiciumData second = p.indicia().get(1).decode().data();
            MeterStatement was = before.meter(first.meterId());
            MeterStatement now = Ledger.of(f.service()).meter(first.meterId());
            assertEquals(was.ascending().plus(p.total()), now.ascending(), "ascending register grows by the total");
            assertEquals(was.descending().minus(p.total()), now.descending(), "descending register falls by the total");
            assertEquals(was.controlTotal(), now.controlTotal(), "an account purchase moves no new money in");
            assertEquals(was.piecesIssued() + 2, now.piecesIssued());

            assertEquals(first.meterId(), second.meterId());
            assertEquals(first.pieceSerial() + 1, second.pieceSerial(), "piece serials are consecutive");
            assertEquals(now.piecesIssued(), second.pieceSerial());
            assertEquals(now.ascending().minorUnits(), second.ascendingRegister(), "the indicium carries the registers after its own debit");
            assertEquals(now.descending().minorUnits(), second.descendingRegister());
            assertEquals(first.ascendingRegister() + q.price().minorUnits(), second.ascendingRegister());
            assertEquals(q.price(), first.postage());
            assertEquals(f.samplePiece().mailClass(), first.mailClass());
            assertEquals(f.samplePiece().origin(), first.origin());
            assertTrue(first.testMode(), "a test key issues test indicia");
            VerificationKeySet keys = f.service().verificationKeys(ctx());
            for (Indicium i : p.indicia()) {
                assertEquals(SignatureCheck.TEST_KEY, keys.verify(i.decode()),
                        "test indicia are signed with a test key (ids from 2^31), never with a live key");
            }
        }

        @Test
        @DisplayName("replays the first result for the same idempotency key, with no second debit")
        void replays() {
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote())), PaymentMethod.account());
            CallContext key = ctx();
            Purchase first = f.service().purchase(request, key);
            Ledger after = Ledger.of(f.service());
            Purchase again = f.service().purchase(request, key.withRequestId(null));
            assertEquals(first, again);
            assertEquals(first.indicia().get(0).data(), again.indicia().get(0).data(), "the same indicium bytes");
            after.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("refuses the same key for a different request")
        void refusesKeyReuse() {
            RateQuote q = quote();
            CallContext key = ctx();
            f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(q)), PaymentMethod.account()), key);
            Ledger after = Ledger.of(f.service());
            var e = assertThrows(IdempotencyConflictException.class, () -> f.service().purchase(
                    PurchaseRequest.of(List.of(PurchaseItem.of(q), PurchaseItem.of(q)), PaymentMethod.account()), key));
            assertEquals(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.code());
            assertFalse(e.retryable());
            after.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("executes concurrent duplicates once")
        void concurrentDuplicatesRunOnce() throws Exception {
            RateQuote q = quote();
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(q)), PaymentMethod.account());
            CallContext key = ctx();
            Ledger before = Ledger.of(f.service());
            List<Object> outcomes = runConcurrently(8, () -> f.service().purchase(request, key));
            Set<Purchase> purchases = new HashSet<>();
            for (Object o : outcomes) {
                if (o instanceof Purchase p) {
                    purchases.add(p);
                } else if (!(o instanceof IdempotencyConflictException e && e.code() == ErrorCode.REQUEST_IN_PROGRESS)) {
                    fail("a concurrent duplicate may only replay or report REQUEST_IN_PROGRESS, got " + o);
                }
            }
            assertTrue(purchases.size() <= 1, "all successful duplicates return one purchase");
            Purchase p = purchases.isEmpty() ? f.service().purchase(request, key) : purchases.iterator().next();
            long meterId = p.indicia().get(0).decode().data().meterId();
            assertEquals(before.meter(meterId).ascending().plus(q.price()),
                    Ledger.of(f.service()).meter(meterId).ascending(), "exactly one debit");
        }

        @Test
        @DisplayName("treats calls without a key as distinct purchases")
        void noKeyMeansDistinctCalls() {
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote())), PaymentMethod.account());
            Purchase a = f.service().purchase(request, CallContext.empty());
            Purchase b = f.service().purchase(request, CallContext.empty());
            assertNotEquals(a.purchaseId(), b.purchaseId());
        }

        @Test
        @DisplayName("refuses a price that no longer matches the rate table")
        void refusesAChangedPrice() {
            RateQuote q = quote();
            PurchaseItem stale = new PurchaseItem(q.piece(), q.price().plus(new Money(1, q.price().currency())),
                    q.dateOfMailing());
            Ledger before = Ledger.of(f.service());
            var e = assertThrows(PriceChangedException.class, () -> f.service().purchase(
                    PurchaseRequest.of(List.of(stale), PaymentMethod.account()), ctx()));
            assertEquals(ErrorCode.PRICE_CHANGED, e.code());
            before.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("refuses a meter of the other mode")
        void refusesTheOtherModesMeter() {
            assumeTrue(f.otherModeMeterId() != null, "the fixture names no meter of the other mode");
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote())), PaymentMethod.account())
                    .withMeter(f.otherModeMeterId());
            assertThrows(PermissionDeniedException.class, () -> f.service().purchase(request, ctx()));
        }

        @Test
        @DisplayName("renders PNG and PDF on request")
        void rendersImages() {
            PurchaseItem item = PurchaseItem.of(quote());
            Purchase png = f.service().purchase(PurchaseRequest.of(List.of(item), PaymentMethod.account())
                    .withPrint(PrintOptions.png(300)), ctx());
            var image = png.indicia().get(0).image();
            assertNotNull(image, "PNG was asked for");
            assertEquals(OutputFormat.PNG, image.format());
            assertEquals(300, image.dpi());
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head(image.content().toArray(), 4));
            Purchase pdf = f.service().purchase(PurchaseRequest.of(List.of(item), PaymentMethod.account())
                    .withPrint(PrintOptions.pdf()), ctx());
            assertArrayEquals(new byte[] {'%', 'P', 'D', 'F'}, head(pdf.indicia().get(0).image().content().toArray(), 4));
            Purchase data = f.service().purchase(PurchaseRequest.of(List.of(item), PaymentMethod.account()), ctx());
            assertEquals(null, data.indicia().get(0).image(), "data only means no image");
        }

        @Test
        @DisplayName("renders ZPL for thermal label printers on request")
        void rendersZpl() {
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(quote())), PaymentMethod.account())
                    .withPrint(PrintOptions.zpl(203)), ctx());
            var image = p.indicia().get(0).image();
            assertNotNull(image, "ZPL was asked for");
            assertEquals(OutputFormat.ZPL, image.format());
            assertEquals(203, image.dpi());
            String zpl = new String(image.content().toArray(), java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(zpl.startsWith("^XA") && zpl.strip().endsWith("^XZ"), "one ZPL label: " + zpl);
            assertTrue(zpl.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7F)), "ZPL is printable ASCII");
            assertThrows(InvalidRequestException.class, () -> PrintOptions.zpl(203).withBackground("any"),
                    "thermal labels have no backgrounds");
        }

        @Test
        @DisplayName("carries sender and recipient addresses, and counts them as part of the request")
        void carriesAddresses() {
            RateQuote q = quote();
            MailPiece piece = q.piece();
            Address sender = address(piece.origin(), "Ada Lovelace");
            Address recipient = piece.destination() == null ? Address.freeForm("JP", "Yamada Taro",
                    List.of("1-1 Chiyoda", "Tokyo 100-0001")) : address(piece.destination(), "Grace Hopper");
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(q).withAddresses(sender, recipient)),
                    PaymentMethod.account());
            CallContext key = ctx();
            Purchase p = f.service().purchase(request, key);
            IndiciumData data = p.indicia().get(0).decode().data();
            assertEquals(piece.origin(), data.origin(), "the signed origin is the sender's postal code");
            assertEquals(p, f.service().purchase(request, key), "a replay with the same addresses");
            PurchaseRequest other = PurchaseRequest.of(List.of(PurchaseItem.of(q).withAddresses(sender,
                    address(piece.destination() == null ? piece.origin() : piece.destination(), "Someone Else"))),
                    PaymentMethod.account());
            Ledger after = Ledger.of(f.service());
            assertThrows(IdempotencyConflictException.class, () -> f.service().purchase(other, key),
                    "other addresses under a used key are another request");
            after.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("composes a catalogue background, and refuses an unknown one")
        void composesBackgrounds() {
            BackgroundCatalogue catalogue = f.service().backgrounds(ctx());
            PurchaseRequest unknown = PurchaseRequest.of(List.of(PurchaseItem.of(quote())), PaymentMethod.account())
                    .withPrint(PrintOptions.png(300).withBackground("no-such-background"));
            Ledger before = Ledger.of(f.service());
            assertThrows(NotFoundException.class, () -> f.service().purchase(unknown, ctx()));
            before.assertUnchanged(f.service());
            assumeTrue(!catalogue.images().isEmpty(), "the server offers no backgrounds");
            String id = catalogue.images().get(0).id();
            Purchase p = f.service().purchase(unknown.withPrint(PrintOptions.png(300).withBackground(id)), ctx());
            assertEquals(OutputFormat.PNG, p.indicia().get(0).image().format());
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("purchase by the user's card")
    class CardPurchases {
        @Test
        @DisplayName("funds the meter with the captured amount and debits it in the same purchase")
        void approved() {
            RateQuote q = quote();
            Ledger before = Ledger.of(f.service());
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(q)),
                    f.cards().approved()), ctx());
            assertEquals(PaymentKind.CARD, p.payment().kind());
            assertEquals(f.cards().approved().last4(), p.payment().cardLast4());
            assertEquals(f.cards().approved().brand(), p.payment().cardBrand());
            assertEquals(q.price(), p.payment().amount());
            long meterId = p.indicia().get(0).decode().data().meterId();
            MeterStatement was = before.meter(meterId);
            MeterStatement now = Ledger.of(f.service()).meter(meterId);
            assertEquals(was.ascending().plus(q.price()), now.ascending());
            assertEquals(was.descending(), now.descending(), "the card's money is debited at once");
            assertEquals(was.controlTotal().plus(q.price()), now.controlTotal());
        }

        @Test
        @DisplayName("reports a decline, and the decline stays on retry")
        void declined() {
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote())), f.cards().declined());
            CallContext key = ctx();
            Ledger before = Ledger.of(f.service());
            var e = assertThrows(PaymentDeclinedException.class, () -> f.service().purchase(request, key));
            assertFalse(e.retryable());
            assertThrows(PaymentDeclinedException.class, () -> f.service().purchase(request, key));
            before.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("reports insufficient funds")
        void insufficientFunds() {
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote())),
                    f.cards().insufficientFunds());
            Ledger before = Ledger.of(f.service());
            var e = assertThrows(InsufficientFundsException.class, () -> f.service().purchase(request, ctx()));
            assertEquals(ErrorCode.INSUFFICIENT_FUNDS, e.code());
            before.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("refuses an expired card before charging it")
        void expired() {
            CardPayment approved = f.cards().approved();
            CardPayment expired = new CardPayment(approved.number(), YearMonth.now().minusMonths(1), approved.cvv(),
                    approved.holderName());
            Ledger before = Ledger.of(f.service());
            var e = assertThrows(InvalidRequestException.class, () -> f.service().purchase(
                    PurchaseRequest.of(List.of(PurchaseItem.of(quote())), expired), ctx()));
            assertTrue(e.getMessage().contains("expir"), e.getMessage());
            before.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("issues nothing while the payment is pending, then exactly once when it settles")
        void pendingThenSettled() throws InterruptedException {
            assumeTrue(f.cards().pending() != null, "the fixture has no card whose gateway call times out");
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(quote())), f.cards().pending());
            CallContext key = ctx();
            Ledger before = Ledger.of(f.service());
            Purchase p = null;
            try {
                p = f.service().purchase(request, key);
                // A client that retries retryable errors may have waited out the pending payment
                // itself; then the purchase must still have been issued and debited once (below).
            } catch (PaymentPendingException pending) {
                assertTrue(pending.retryable());
                before.assertUnchanged(f.service());
            }
            long deadline = System.nanoTime() + f.settleTimeout().toNanos();
            while (p == null) {
                if (f.reconcile() != null) {
                    f.reconcile().run();
                }
                try {
                    p = f.service().purchase(request, key);
                } catch (PaymentPendingException stillPending) {
                    if (System.nanoTime() > deadline) {
                        fail("the payment did not settle within " + f.settleTimeout());
                    }
                    Thread.sleep(500);
                }
            }
            assertEquals(p, f.service().purchase(request, key), "once settled, retries replay the purchase");
            long meterId = p.indicia().get(0).decode().data().meterId();
            assertEquals(before.meter(meterId).ascending().plus(p.total()),
                    Ledger.of(f.service()).meter(meterId).ascending(), "issued and debited once");
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("batch purchase")
    class Batches {
        @Test
        @DisplayName("reports each entry on its own, and replays them all")
        void partialFailure() {
            RateQuote q = quote();
            PurchaseItem item = PurchaseItem.of(q);
            PurchaseItem stale = new PurchaseItem(q.piece(), q.price().plus(new Money(1, q.price().currency())),
                    q.dateOfMailing());
            BatchPurchaseRequest batch = new BatchPurchaseRequest(List.of(
                    new BatchEntry("alice", PurchaseRequest.of(List.of(item), PaymentMethod.account())),
                    new BatchEntry("bob", PurchaseRequest.of(List.of(item), f.cards().declined())),
                    new BatchEntry("carol", PurchaseRequest.of(List.of(stale), PaymentMethod.account())),
                    new BatchEntry("dave", PurchaseRequest.of(List.of(item, item), f.cards().approved()))));
            CallContext key = ctx();
            Ledger before = Ledger.of(f.service());
            BatchPurchaseResult result = f.service().purchaseBatch(batch, key);
            assertEquals(List.of("alice", "bob", "carol", "dave"),
                    result.results().stream().map(BatchItemResult::reference).toList(), "results in request order");
            assertEquals(2, result.succeeded());
            assertEquals(ErrorCode.PAYMENT_DECLINED, result.result("bob").orElseThrow().error().code());
            assertEquals(ErrorCode.PRICE_CHANGED, result.result("carol").orElseThrow().error().code());
            assertEquals(2, result.result("dave").orElseThrow().purchase().indicia().size());
            long meterId = result.result("alice").orElseThrow().purchase().indicia().get(0).decode().data().meterId();
            assertEquals(before.meter(meterId).ascending().plus(q.price().times(3)),
                    Ledger.of(f.service()).meter(meterId).ascending(), "three indicia debited");

            Ledger after = Ledger.of(f.service());
            assertEquals(result, f.service().purchaseBatch(batch, key), "a retried batch replays every entry");
            after.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("carries a batch of 500 indicia with images")
        void large() {
            RateQuote q = quote();
            List<BatchEntry> entries = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                entries.add(new BatchEntry("entry-" + i, PurchaseRequest.of(List.of(PurchaseItem.of(q)),
                        PaymentMethod.account()).withPrint(PrintOptions.png(203))));
            }
            Ledger before = Ledger.of(f.service());
            BatchPurchaseResult result = f.service().purchaseBatch(new BatchPurchaseRequest(entries), ctx());
            assertEquals(500, result.succeeded(), () -> "failures: " + result.results().stream()
                    .filter(r -> !r.succeeded()).limit(3).map(r -> r.error().toString()).toList());
            Set<Long> serials = new HashSet<>();
            long meterId = 0;
            for (BatchItemResult r : result.results()) {
                Indicium i = r.purchase().indicia().get(0);
                assertNotNull(i.image());
                IndiciumData d = i.decode().data();
                meterId = d.meterId();
                serials.add(d.pieceSerial());
            }
            assertEquals(500, serials.size(), "500 distinct piece serials");
            assertEquals(before.meter(meterId).ascending().plus(q.price().times(500)),
                    Ledger.of(f.service()).meter(meterId).ascending());
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("refund")
    class Refunds {
        @Test
        @DisplayName("credits an unused indicium exactly once")
        void once() {
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(quote())),
                    PaymentMethod.account()), ctx());
            Indicium indicium = p.indicia().get(0);
            long meterId = indicium.decode().data().meterId();
            Ledger before = Ledger.of(f.service());
            CallContext key = ctx();
            Refund refund = f.service().refund(new RefundRequest(indicium.indiciumId()), key);
            assertEquals(indicium.indiciumId(), refund.indiciumId());
            assertEquals(p.total(), refund.amount());
            assertEquals(PaymentKind.ACCOUNT, refund.creditedTo());
            assertEquals(before.meter(meterId).descending().plus(p.total()),
                    Ledger.of(f.service()).meter(meterId).descending(), "the account is credited");
            Ledger after = Ledger.of(f.service());
            assertEquals(refund, f.service().refund(new RefundRequest(indicium.indiciumId()), key), "replayed");
            var e = assertThrows(RefundNotAllowedException.class,
                    () -> f.service().refund(new RefundRequest(indicium.indiciumId()), ctx()));
            assertEquals(ErrorCode.REFUND_NOT_ALLOWED, e.code());
            after.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("returns a card purchase to the card")
        void toTheCard() {
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(quote())),
                    f.cards().approved()), ctx());
            Refund refund = f.service().refund(new RefundRequest(p.indicia().get(0).indiciumId()), ctx());
            assertEquals(PaymentKind.CARD, refund.creditedTo());
            assertEquals(p.total(), refund.amount());
        }

        @Test
        @DisplayName("does not know an indicium it never issued")
        void unknown() {
            var e = assertThrows(NotFoundException.class,
                    () -> f.service().refund(new RefundRequest("no-such-indicium"), ctx()));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("asynchronous calls (clients)")
    class AsynchronousCalls {
        @Test
        @DisplayName("buy, replay and refund without waiting, with the same ledger effects")
        void buyAndRefund() {
            assumeTrue(f.service() instanceof org.openpostage.api.PostalClient,
                    "the service under test is not a PostalClient: asynchronous calls are a client's");
            org.openpostage.api.PostalClient client = (org.openpostage.api.PostalClient) f.service();
            Ledger before = Ledger.of(client);
            CallContext key = ctx();
            PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(client.quoteAsync(
                    QuoteRequest.of(f.samplePiece())).join())), PaymentMethod.account());
            Purchase p = client.purchaseAsync(request, key).join();
            assertEquals(p, client.purchaseAsync(request, key).join(), "replayed");
            long meterId = p.indicia().get(0).decode().data().meterId();
            assertEquals(before.meter(meterId).descending().minus(p.total()),
                    Ledger.of(client).meter(meterId).descending(), "debited once");
            Refund refund = client.refundAsync(new RefundRequest(p.indicia().get(0).indiciumId()), ctx()).join();
            assertEquals(p.total(), refund.amount());
            assertEquals(before.meter(meterId).descending(), Ledger.of(client).meter(meterId).descending(),
                    "credited back");
            var e = assertThrows(java.util.concurrent.CompletionException.class,
                    () -> client.refundAsync(new RefundRequest(p.indicia().get(0).indiciumId()), ctx()).join());
            assertEquals(ErrorCode.REFUND_NOT_ALLOWED, ((PostageException) e.getCause()).code(),
                    "the synchronous exception, in the future");
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("verify")
    class Verification {
        @Test
        @DisplayName("knows a test indicium and counts its scans")
        void testIndicium() {
            Indicium i = buy(f.service());
            VerificationResult first = f.service().verify(new VerifyRequest(i.data()), ctx());
            assertEquals(Verdict.TEST_INDICIUM, first.verdict());
            assertTrue(first.signatureValid());
            assertFalse(first.valid(), "a test indicium is never valid postage");
            assertEquals(0, first.previousScans());
            assertEquals(i.decode().data(), first.indicium());
            assertEquals(1, f.service().verify(new VerifyRequest(i.data()), ctx()).previousScans());
        }

        @Test
        @DisplayName("finds a tampered indicium")
        void tampered() {
            SignedIndicium genuine = buy(f.service()).decode();
            IndiciumData richer = genuine.data().toBuilder()
                    .postage(genuine.data().postage().times(10))
                    .ascendingRegister(genuine.data().ascendingRegister() + genuine.data().postage().minorUnits() * 9)
                    .build();
            SignedIndicium forged = IndiciumCodec.assemble(richer, genuine.signature().toArray());
            VerificationResult r = f.service().verify(new VerifyRequest(forged.encoded()), ctx());
            assertEquals(Verdict.BAD_SIGNATURE, r.verdict());
            assertFalse(r.signatureValid());
        }

        @Test
        @DisplayName("rejects bytes that are not an indicium")
        void malformed() {
            byte[] garbage = new byte[IndiciumCodec.LENGTH];
            garbage[0] = 1;
            var e = assertThrows(IndiciumFormatException.class,
                    () -> f.service().verify(new VerifyRequest(org.openpostage.api.value.Bytes.of(garbage)), ctx()));
            assertEquals(ErrorCode.MALFORMED_INDICIUM, e.code());
        }

        @Test
        @DisplayName("finds valid live postage, its duplicates and its refund")
        void livePostage() {
            assumeTrue(f.live() != null, "the fixture has no live-mode service");
            Indicium i = buy(f.live());
            VerificationResult first = f.live().verify(new VerifyRequest(i.data()), ctx());
            assertEquals(Verdict.VALID, first.verdict(), first.detail());
            assertTrue(first.valid());
            assertEquals(Verdict.DUPLICATE, f.live().verify(new VerifyRequest(i.data()), ctx()).verdict());
            Indicium unused = buy(f.live());
            f.live().refund(new RefundRequest(unused.indiciumId()), ctx());
            VerificationResult refunded = f.live().verify(new VerifyRequest(unused.data()), ctx());
            assertEquals(Verdict.REFUNDED, refunded.verdict());
            assertTrue(refunded.refunded());
        }

        private Indicium buy(PostalService service) {
            return service.purchase(PurchaseRequest.of(List.of(PurchaseItem.of(service.quote(
                    QuoteRequest.of(f.samplePiece()), ctx()))), PaymentMethod.account()), ctx()).indicia().get(0);
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("published content")
    class Published {
        @Test
        @DisplayName("verification keys include the key that signs today")
        void keys() {
            VerificationKeySet keys = f.service().verificationKeys(ctx());
            assertFalse(keys.keys().isEmpty());
            assertTrue(keys.keys().stream().anyMatch(k -> k.active()), "one key is active");
        }

        @Test
        @DisplayName("the print component arrives intact")
        void printComponent() {
            PrintComponent pc = f.service().printComponent(ctx());
            assertEquals(pc.script().sha256Hex(), pc.sha256());
            assertTrue(pc.mediaType().startsWith("text/javascript"), pc.mediaType());
            assertFalse(pc.script().isEmpty());
        }

        @Test
        @DisplayName("the background catalogue lists images with their sizes")
        void backgrounds() {
            for (var image : f.service().backgrounds(ctx()).images()) {
                assertFalse(image.content().isEmpty(), image.id());
            }
        }

        @Test
        @DisplayName("the account statement balances every meter")
        void statement() {
            AccountStatement s = f.service().accountStatement(ctx());
            assertEquals(Mode.TEST, s.mode());
            assertFalse(s.meters().isEmpty());
            for (MeterStatement m : s.meters()) {
                assertEquals(Mode.TEST, m.mode());
                assertEquals(m.controlTotal(), m.ascending().plus(m.descending()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("lookup and history")
    class History {
        @Test
        @DisplayName("looks a purchase up by its id: the same indicia, rendered again as asked, nothing charged")
        void looksAPurchaseUp() {
            RateQuote q = quote();
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(q), PurchaseItem.of(q)),
                    PaymentMethod.account()), ctx());
            Ledger before = Ledger.of(f.service());
            PurchaseRecord found = f.service().lookupPurchase(PurchaseLookupRequest.of(p.purchaseId()), ctx());
            assertEquals(p, found.purchase(), "the purchase as it was returned, byte for byte");
            assertEquals(p.indicia().get(0).decode().data().meterId(), found.meterId());
            assertTrue(found.refunds().isEmpty());
            PurchaseRecord reprint = f.service().lookupPurchase(PurchaseLookupRequest.of(p.purchaseId())
                    .withPrint(PrintOptions.png(203)), ctx());
            for (int i = 0; i < p.indicia().size(); i++) {
                Indicium again = reprint.purchase().indicia().get(i);
                assertEquals(p.indicia().get(i).data(), again.data(), "a reprint carries the same signed data");
                assertNotNull(again.image(), "PNG was asked for");
                assertEquals(OutputFormat.PNG, again.image().format());
                assertEquals(203, again.image().dpi());
            }
            before.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("shows the refunds of a purchase's indicia")
        void showsRefunds() {
            RateQuote q = quote();
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(q), PurchaseItem.of(q)),
                    PaymentMethod.account()), ctx());
            Refund refund = f.service().refund(new RefundRequest(p.indicia().get(1).indiciumId()), ctx());
            PurchaseRecord found = f.service().lookupPurchase(PurchaseLookupRequest.of(p.purchaseId()), ctx());
            assertEquals(List.of(refund), found.refunds());
            assertTrue(found.refunded(p.indicia().get(1).indiciumId()));
            assertFalse(found.refunded(p.indicia().get(0).indiciumId()));
        }

        @Test
        @DisplayName("does not find a purchase that is not the caller's")
        void refusesUnknownPurchases() {
            var e = assertThrows(NotFoundException.class, () -> f.service().lookupPurchase(
                    PurchaseLookupRequest.of("no-such-purchase-" + UUID.randomUUID()), ctx()));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertThrows(AuthenticationException.class, () -> f.unauthenticated().lookupPurchase(
                    PurchaseLookupRequest.of("no-such-purchase"), ctx()));
            assumeTrue(f.live() != null, "the fixture has no live-mode service");
            Purchase live = f.live().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(f.live().quote(
                    QuoteRequest.of(f.samplePiece()), ctx()))), PaymentMethod.account()), ctx());
            assertThrows(NotFoundException.class, () -> f.service().lookupPurchase(
                    PurchaseLookupRequest.of(live.purchaseId()), ctx()), "a live purchase is not found with a test key");
        }

        @Test
        @DisplayName("lists the purchases of a period, oldest first, a page at a time")
        void listsPurchasesInPages() {
            RateQuote q = quote();
            List<Purchase> bought = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                bought.add(f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(q)), PaymentMethod.account()),
                        ctx()));
            }
            Instant from = bought.get(0).issuedAt();
            Instant to = bought.get(4).issuedAt().plusNanos(1);
            List<PurchaseSummary> listed = new ArrayList<>();
            PurchaseListRequest page = PurchaseListRequest.of(from, to).withPageSize(2);
            int pages = 0;
            while (page != null) {
                PurchasePage result = f.service().listPurchases(page, ctx());
                assertTrue(result.purchases().size() <= 2, "a page holds at most its size");
                listed.addAll(result.purchases());
                page = result.nextPageToken() == null ? null : page.nextPage(result.nextPageToken());
                assertTrue(++pages <= 100, "paging ends");
            }
            List<String> ids = listed.stream().map(PurchaseSummary::purchaseId).toList();
            assertEquals(new HashSet<>(ids).size(), ids.size(), "no purchase on two pages");
            for (Purchase p : bought) {
                assertTrue(ids.contains(p.purchaseId()), p.purchaseId() + " is listed");
            }
            for (int i = 1; i < listed.size(); i++) {
                assertFalse(listed.get(i).issuedAt().isBefore(listed.get(i - 1).issuedAt()), "oldest first");
            }
            for (PurchaseSummary s : listed) {
                assertFalse(s.issuedAt().isBefore(from) || !s.issuedAt().isBefore(to), "within the period");
            }
            PurchaseSummary first = listed.stream().filter(s -> s.purchaseId().equals(bought.get(0).purchaseId()))
                    .findFirst().orElseThrow();
            assertEquals(bought.get(0).total(), first.total());
            assertEquals(bought.get(0).payment(), first.payment());
            assertEquals(1, first.indiciumCount());
            assertEquals(0, first.refundedCount());
            PurchasePage none = f.service().listPurchases(PurchaseListRequest.of(Instant.parse("2000-01-01T00:00:00Z"),
                    Instant.parse("2000-01-02T00:00:00Z")), ctx());
            assertTrue(none.purchases().isEmpty());
            assertEquals(null, none.nextPageToken());
        }

        @Test
        @DisplayName("refuses a page token it did not issue")
        void refusesAForeignPageToken() {
            Instant now = Instant.now();
            var e = assertThrows(InvalidRequestException.class, () -> f.service().listPurchases(
                    PurchaseListRequest.of(now.minusSeconds(3600), now).nextPage("not-a-token"), ctx()));
            assertTrue(e.getMessage().contains("pageToken"), e.getMessage());
        }

        @Test
        @DisplayName("exports the journal of a period as CSV and as XML")
        void exportsTheJournal() throws Exception {
            Purchase p = f.service().purchase(PurchaseRequest.of(List.of(PurchaseItem.of(quote())),
                    PaymentMethod.account()), ctx());
            long meterId = p.indicia().get(0).decode().data().meterId();
            Instant from = p.issuedAt();
            Instant to = p.issuedAt().plusSeconds(1);
            JournalExport csv = f.service().exportJournal(JournalExportRequest.of(from, to, ExportFormat.CSV)
                    .forMeter(meterId), ctx());
            assertEquals(ExportFormat.CSV, csv.format());
            assertEquals("text/csv", csv.mediaType());
            String text = new String(csv.content().toArray(), java.nio.charset.StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            assertTrue(lines.get(0).startsWith("entry_id,"), "a header line: " + lines.get(0));
            assertEquals(csv.entryCount(), lines.size() - 1, "one line per entry");
            assertTrue(lines.stream().anyMatch(l -> l.contains(p.purchaseId()) && l.contains(",DEBIT,")),
                    "the purchase's debit is in the export");

            JournalExport xml = f.service().exportJournal(JournalExportRequest.of(from, to, ExportFormat.XML)
                    .forMeter(meterId), ctx());
            assertEquals(ExportFormat.XML, xml.format());
            assertEquals(csv.entryCount(), xml.entryCount());
            javax.xml.parsers.DocumentBuilderFactory dbf = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            org.w3c.dom.Document doc = dbf.newDocumentBuilder().parse(xml.content().newInputStream());
            assertEquals("accountJournal", doc.getDocumentElement().getLocalName());
            assertEquals("https://openpostage.org/postage/v1", doc.getDocumentElement().getNamespaceURI());
            assertEquals(xml.entryCount(), doc.getElementsByTagNameNS("https://openpostage.org/postage/v1", "entry")
                    .getLength());
            assertTrue(new String(xml.content().toArray(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains(p.purchaseId()));

            JournalExport all = f.service().exportJournal(JournalExportRequest.of(from, to, ExportFormat.CSV), ctx());
            assertTrue(all.entryCount() >= csv.entryCount(), "all meters hold at least the one meter's entries");
            assertThrows(NotFoundException.class, () -> f.service().exportJournal(
                    JournalExportRequest.of(from, to, ExportFormat.CSV).forMeter(4_294_967_295L), ctx()));
        }
    }

    // ------------------------------------------------------------------------------------------
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("errors")
    class Errors {
        @Test
        @DisplayName("refuses a caller without valid credentials")
        void unauthenticated() {
            PostalService bad = f.unauthenticated();
            assertEquals(ErrorCode.UNAUTHENTICATED,
                    assertThrows(AuthenticationException.class, () -> bad.quote(QuoteRequest.of(f.samplePiece()), ctx())).code());
            assertThrows(AuthenticationException.class, () -> bad.purchase(PurchaseRequest.of(
                    List.of(PurchaseItem.of(quote())), PaymentMethod.account()), ctx()));
            assertThrows(AuthenticationException.class, () -> bad.accountStatement(ctx()));
            assertThrows(AuthenticationException.class, () -> bad.refund(new RefundRequest("x"), ctx()));
        }

        @Test
        @DisplayName("gives up when the deadline has passed, changing nothing")
        void deadline() {
            Ledger before = Ledger.of(f.service());
            CallContext past = ctx().withDeadline(Instant.now().minusSeconds(1));
            var e = assertThrows(ServiceUnavailableException.class, () -> f.service().purchase(
                    PurchaseRequest.of(List.of(PurchaseItem.of(quote())), PaymentMethod.account()), past));
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
            assertTrue(e.retryable());
            before.assertUnchanged(f.service());
        }

        @Test
        @DisplayName("names the problem of an invalid request")
        void invalid() {
            MailPiece piece = f.samplePiece();
            var e = assertThrows(InvalidRequestException.class, () -> f.service().purchase(PurchaseRequest.of(
                    List.of(new PurchaseItem(piece, quote().price(), java.time.LocalDate.of(2000, 1, 1))),
                    PaymentMethod.account()), ctx()));
            assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("date"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------

    private RateQuote quote() {
        return f.service().quote(QuoteRequest.of(f.samplePiece()), ctx());
    }

    /**
     * An address with postal code {@code code}: a US address for a ZIP or ZIP+4, else free lines
     * (in the Netherlands, whose codes the SDK does not check further) with the code.
     */
    private static Address address(PostalCode code, String name) {
        if (code.value().matches("[0-9]{5}(-[0-9]{4})?")) {
            return Address.of("US", name, List.of("1 Main St"), "Springfield", "IL", code.value());
        }
        return new Address("NL", name, List.of("Hoofdstraat 1"), "Amsterdam", null, code.value());
    }

    /** A fresh context with a unique idempotency key. */
    protected static CallContext ctx() {
        return CallContext.withKey("conformance-" + UUID.randomUUID());
    }

    private static byte[] head(byte[] b, int n) {
        return java.util.Arrays.copyOf(b, n);
    }

    private static List<Object> runConcurrently(int threads, Callable<?> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<?> fu : futures) {
                try {
                    outcomes.add(fu.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(e.getCause() instanceof PostageException pe ? pe : e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The registers of the test partner's meters at one moment. */
    private record Ledger(AccountStatement statement) {
        static Ledger of(PostalService service) {
            return new Ledger(service.accountStatement(ctx()));
        }

        MeterStatement meter(long meterId) {
            return statement.meters().stream().filter(m -> m.meterId() == meterId).findFirst()
                    .orElseThrow(() -> new AssertionError("meter " + meterId + " is not in the account statement"));
        }

        void assertUnchanged(PostalService service) {
            assertEquals(statement.meters(), of(service).statement.meters(), "no register may change");
        }
    }
}
