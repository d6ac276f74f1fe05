package org.openpostage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * {@link PostalClient#callAsync}'s default, for clients that do not run the shared pipeline (a
 * decorator, a test double): the synchronous call on the configured executor or a thread of its
 * own, failures in the future.
 */
class PostalClientAsyncDefaultTest {
    private static final QuoteRequest LETTER = QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
            PostalCode.of("94107")));

    /** Quotes 73 cents on the calling thread, remembering it; refuses everything else. */
    private static final class Double implements PostalClient {
        private final ClientConfig config;
        volatile String quotedOn;

        Double(ClientConfig config) {
            this.config = config;
        }

        @Override public ClientConfig config() { return config; }
        @Override public void close() { }
        @Override public RateQuote quote(QuoteRequest request, CallContext context) {
            quotedOn = Thread.currentThread().getName();
            return new RateQuote(request.piece(), Money.of(73, "USD"), "t-1", 1, LocalDate.now());
        }
        @Override public Purchase purchase(PurchaseRequest request, CallContext context) { throw refused(); }
        @Override public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest r, CallContext c) { throw refused(); }
        @Override public Refund refund(RefundRequest request, CallContext context) { throw refused(); }
        @Override public AccountStatement accountStatement(CallContext context) { throw refused(); }
        @Override public BackgroundCatalogue backgrounds(CallContext context) { throw refused(); }
        @Override public VerificationKeySet verificationKeys(CallContext context) { throw refused(); }
        @Override public PrintComponent printComponent(CallContext context) { throw refused(); }
        @Override public VerificationResult verify(VerifyRequest request, CallContext context) { throw refused(); }

        private static NotFoundException refused() {
            return new NotFoundException("not in this double");
        }
    }

    @Test
    void runsTheSynchronousCallOnAThreadOfItsOwnAndReportsFailuresInTheFuture() {
        Double client = new Double(ClientConfig.builder().endpoint("https://postal.example").build());
        assertEquals(73, client.quoteAsync(LETTER).join().price().minorUnits());
        assertNotEquals(Thread.currentThread().getName(), client.quotedOn);
        CompletionException e = assertThrows(CompletionException.class,
                () -> client.refundAsync(new RefundRequest("ind-1")).join());
        assertEquals(ErrorCode.NOT_FOUND, assertInstanceOf(PostageException.class, e.getCause()).code());
    }

    @Test
    void usesTheConfiguredExecutor() throws InterruptedException {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "shop-pool"));
        try {
            Double client = new Double(ClientConfig.builder().endpoint("https://postal.example").asyncExecutor(pool).build());
            client.callAsync(PostalOperation.QUOTE, LETTER, null).join();
            assertEquals("shop-pool", client.quotedOn);
            pool.shutdown();
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
            CompletionException e = assertThrows(CompletionException.class, () -> client.quoteAsync(LETTER).join());
            assertInstanceOf(ConfigurationException.class, e.getCause(), "a refusing executor fails the future");
        } finally {
            pool.shutdownNow();
        }
    }
}
