package org.openpostage.transport.xml.internal;

import java.util.Objects;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.PostageException;

/**
 * Calls a {@link PostalService} for one operation: reads the request document, converts it, calls
 * the service and writes the response document. Exceptions of the service pass through.
 */
public final class ServiceDispatcher {
    private final PostalService service;
    private final XmlCodec codec;

    /** A dispatcher that reads requests with {@code codec} (which should be strict). */
    public ServiceDispatcher(PostalService service, XmlCodec codec) {
        this.service = Objects.requireNonNull(service, "service");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * Runs {@code operation}.
     *
     * @param body the request body; ignored by operations without one
     * @return the response body
     */
    public byte[] dispatch(Operation operation, byte[] body, CallContext context) {
        Object response = switch (operation) {
            case QUOTE -> ModelToWire.rateQuote(service.quote(
                    WireToModel.quoteRequest(read(body, Wire.QuoteRequest.class, Wire.QuoteRequest.ELEMENT)), context));
            case PURCHASE -> ModelToWire.purchase(service.purchase(WireToModel.purchaseRequest(
                    read(body, Wire.PurchaseRequest.class, Wire.PurchaseRequest.ELEMENT), Wire.PurchaseRequest.ELEMENT),
                    context));
            case PURCHASE_BATCH -> ModelToWire.batchPurchaseResult(service.purchaseBatch(WireToModel.batchPurchaseRequest(
                    read(body, Wire.BatchPurchaseRequest.class, Wire.BatchPurchaseRequest.ELEMENT)), context));
            case REFUND -> ModelToWire.refund(service.refund(
                    WireToModel.refundRequest(read(body, Wire.RefundRequest.class, Wire.RefundRequest.ELEMENT)), context));
            case ACCOUNT_STATEMENT -> ModelToWire.accountStatement(service.accountStatement(context));
            case BACKGROUNDS -> ModelToWire.backgroundCatalogue(service.backgrounds(context));
            case VERIFICATION_KEYS -> ModelToWire.verificationKeySet(service.verificationKeys(context));
            case PRINT_COMPONENT -> ModelToWire.printComponent(service.printComponent(context));
            case VERIFY -> ModelToWire.verificationResult(service.verify(
                    WireToModel.verifyRequest(read(body, Wire.VerifyRequest.class, Wire.VerifyRequest.ELEMENT)), context));
            case LOOKUP_PURCHASE -> ModelToWire.purchaseRecord(service.lookupPurchase(WireToModel.purchaseLookupRequest(
                    read(body, Wire.PurchaseLookupRequest.class, Wire.PurchaseLookupRequest.ELEMENT)), context));
            case LIST_PURCHASES -> ModelToWire.purchasePage(service.listPurchases(WireToModel.purchaseListRequest(
                    read(body, Wire.PurchaseListRequest.class, Wire.PurchaseListRequest.ELEMENT)), context));
            case EXPORT_JOURNAL -> ModelToWire.journalExport(service.exportJournal(WireToModel.journalExportRequest(
                    read(body, Wire.JournalExportRequest.class, Wire.JournalExportRequest.ELEMENT)), context));
        };
        return codec.write(response);
    }

    /** The body of an error response for {@code e}. */
    public byte[] error(PostageException e, String requestId) {
        return codec.write(ModelToWire.error(e, requestId));
    }

    private <T> T read(byte[] body, Class<T> type, String root) {
        return codec.read(body, type, root);
    }
}
