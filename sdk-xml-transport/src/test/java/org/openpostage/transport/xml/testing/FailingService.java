package org.openpostage.transport.xml.testing;

import java.util.function.Function;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalService;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;

/**
 * A service whose every operation throws: {@code failure} gets the request ({@code null} for
 * operations without one) and returns the exception to throw.
 *
 * @param failure makes the exception
 */
public record FailingService(Function<Object, RuntimeException> failure) implements PostalService {
    /** A service that always throws {@code e}. */
    public static FailingService always(RuntimeException e) {
        return new FailingService(request -> e);
    }

    @Override
    public RateQuote quote(QuoteRequest r, CallContext c) {
        throw failure.apply(r);
    }

    @Override
    public Purchase purchase(PurchaseRequest r, CallContext c) {
        throw failure.apply(r);
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest r, CallContext c) {
        throw failure.apply(r);
    }

    @Override
    public Refund refund(RefundRequest r, CallContext c) {
        throw failure.apply(r);
    }

    @Override
    public AccountStatement accountStatement(CallContext c) {
        throw failure.apply(null);
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext c) {
        throw failure.apply(null);
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext c) {
        throw failure.apply(null);
    }

    @Override
    public PrintComponent printComponent(CallContext c) {
        throw failure.apply(null);
    }

    @Override
    public VerificationResult verify(VerifyRequest r, CallContext c) {
        throw failure.apply(r);
    }
}
