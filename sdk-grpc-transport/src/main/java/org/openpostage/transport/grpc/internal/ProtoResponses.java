package org.openpostage.transport.grpc.internal;

import static org.openpostage.transport.grpc.internal.ProtoValues.algorithm;
import static org.openpostage.transport.grpc.internal.ProtoValues.bytes;
import static org.openpostage.transport.grpc.internal.ProtoValues.cardBrand;
import static org.openpostage.transport.grpc.internal.ProtoValues.date;
import static org.openpostage.transport.grpc.internal.ProtoValues.exportFormat;
import static org.openpostage.transport.grpc.internal.ProtoValues.instant;
import static org.openpostage.transport.grpc.internal.ProtoValues.mailClass;
import static org.openpostage.transport.grpc.internal.ProtoValues.mode;
import static org.openpostage.transport.grpc.internal.ProtoValues.money;
import static org.openpostage.transport.grpc.internal.ProtoValues.outputFormat;
import static org.openpostage.transport.grpc.internal.ProtoValues.paymentKind;
import static org.openpostage.transport.grpc.internal.ProtoValues.piece;
import static org.openpostage.transport.grpc.internal.ProtoValues.postalCode;
import static org.openpostage.transport.grpc.internal.ProtoValues.timestamp;
import static org.openpostage.transport.grpc.internal.ProtoValues.verdict;

import java.util.List;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentSummary;
import org.openpostage.api.model.PostageError;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseSummary;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * Converts the results of {@link org.openpostage.api.PostalService} to and from their
 * {@code openpostage.v1} messages. Server bindings encode, clients decode; decoding runs every
 * check of the model's constructors and fails with an
 * {@link org.openpostage.api.error.InvalidRequestException} naming the field when a message breaks one.
 */
public final class ProtoResponses {
    private ProtoResponses() {
    }

    // --- Quote ---

    /** {@code quote} on the wire. */
    public static V1.RateQuote rateQuote(RateQuote quote) {
        return V1.RateQuote.newBuilder().setPiece(piece(quote.piece())).setPrice(money(quote.price()))
                .setRateTableVersion(quote.rateTableVersion()).setZone(quote.zone())
                .setDateOfMailing(date(quote.dateOfMailing())).build();
    }

    /** The quote {@code quote} carries. */
    public static RateQuote rateQuote(V1.RateQuote quote) {
        return new RateQuote(quote.hasPiece() ? piece(quote.getPiece()) : null,
                quote.hasPrice() ? money(quote.getPrice()) : null, quote.getRateTableVersion(), quote.getZone(),
                quote.hasDateOfMailing() ? date("dateOfMailing", quote.getDateOfMailing()) : null);
    }

    // --- Purchase ---

    /** {@code purchase} on the wire. */
    public static V1.Purchase purchase(Purchase purchase) {
        V1.Purchase.Builder b = V1.Purchase.newBuilder().setPurchaseId(purchase.purchaseId())
                .setTotal(money(purchase.total())).setPayment(paymentSummary(purchase.payment()))
                .setMode(mode(purchase.mode())).setIssuedAt(timestamp(purchase.issuedAt()));
        for (Indicium indicium : purchase.indicia()) {
            b.addIndicia(indicium(indicium));
        }
        return b.build();
    }

    /** The purchase {@code purchase} carries. */
    public static Purchase purchase(V1.Purchase purchase) {
        return new Purchase(purchase.getPurchaseId(),
                purchase.getIndiciaList().stream().map(ProtoResponses::indicium).toList(),
                purchase.hasTotal() ? money(purchase.getTotal()) : null,
                purchase.hasPayment() ? paymentSummary(purchase.getPayment()) : null,
                mode("mode", purchase.getModeValue()),
                purchase.hasIssuedAt() ? instant("issuedAt", purchase.getIssuedAt()) : null);
    }

    private static V1.Indicium indicium(Indicium indicium) {
        V1.Indicium.Builder b = V1.Indicium.newBuilder().setIndiciumId(indicium.indiciumId())
                .setData(bytes(indicium.data()));
        if (indicium.image() != null) {
            RenderedImage image = indicium.image();
            b.setImage(V1.RenderedImage.newBuilder().setFormat(outputFormat(image.format()))
                    .setContent(bytes(image.content())).setDpi(image.dpi()));
        }
        return b.build();
    }

    private static Indicium indicium(V1.Indicium indicium) {
        RenderedImage image = null;
        if (indicium.hasImage()) {
            V1.RenderedImage i = indicium.getImage();
            image = new RenderedImage(outputFormat("image.format", i.getFormatValue()), bytes(i.getContent()),
                    i.getDpi());
        }
        return new Indicium(indicium.getIndiciumId(), bytes(indicium.getData()), image);
    }

    private static V1.PaymentSummary paymentSummary(PaymentSummary payment) {
        V1.PaymentSummary.Builder b = V1.PaymentSummary.newBuilder()
                .setKind(paymentKind(payment.kind())).setAmount(money(payment.amount()))
                .setCardBrand(cardBrand(payment.cardBrand())).setReference(payment.reference());
        if (payment.cardLast4() != null) {
            b.setCardLast4(payment.cardLast4());
        }
        return b.build();
    }

    private static PaymentSummary paymentSummary(V1.PaymentSummary payment) {
        return new PaymentSummary(paymentKind("payment.kind", payment.getKindValue()),
                payment.hasAmount() ? money(payment.getAmount()) : null,
                cardBrand("payment.cardBrand", payment.getCardBrandValue()),
                payment.hasCardLast4() ? payment.getCardLast4() : null, payment.getReference());
    }

    // --- Batch ---

    /** {@code result} on the wire. */
    public static V1.BatchPurchaseResult batch(BatchPurchaseResult result) {
        V1.BatchPurchaseResult.Builder b = V1.BatchPurchaseResult.newBuilder();
        for (BatchItemResult item : result.results()) {
            V1.BatchItemResult.Builder r = V1.BatchItemResult.newBuilder().setReference(item.reference());
            if (item.succeeded()) {
                r.setPurchase(purchase(item.purchase()));
            } else {
                PostageError error = item.error();
                r.setError(V1.PostageError.newBuilder().setCode(error.code().name()).setMessage(error.message())
                        .setRetryable(error.retryable()));
            }
            b.addResults(r);
        }
        return b.build();
    }

    /** The result {@code result} carries. Unknown error codes become {@link ErrorCode#INTERNAL}. */
    public static BatchPurchaseResult batch(V1.BatchPurchaseResult result) {
        return new BatchPurchaseResult(result.getResultsList().stream().map(ProtoResponses::batchItem).toList());
    }

    private static BatchItemResult batchItem(V1.BatchItemResult result) {
        return switch (result.getOutcomeCase()) {
            case PURCHASE -> BatchItemResult.success(result.getReference(), purchase(result.getPurchase()));
            case ERROR -> BatchItemResult.failure(result.getReference(), new PostageError(
                    ErrorCode.fromName(result.getError().getCode()), result.getError().getMessage()));
            case OUTCOME_NOT_SET -> new BatchItemResult(result.getReference(), null, null); // names the problem
        };
    }

    // --- Refund ---

    /** {@code refund} on the wire. */
    public static V1.Refund refund(Refund refund) {
        return V1.Refund.newBuilder().setRefundId(refund.refundId()).setIndiciumId(refund.indiciumId())
                .setAmount(money(refund.amount())).setCreditedTo(paymentKind(refund.creditedTo()))
                .setRefundedAt(timestamp(refund.refundedAt())).build();
    }

    /** The refund {@code refund} carries. */
    public static Refund refund(V1.Refund refund) {
        return new Refund(refund.getRefundId(), refund.getIndiciumId(),
                refund.hasAmount() ? money(refund.getAmount()) : null,
                paymentKind("creditedTo", refund.getCreditedToValue()),
                refund.hasRefundedAt() ? instant("refundedAt", refund.getRefundedAt()) : null);
    }

    // --- Account statement ---

    /** {@code statement} on the wire. */
    public static V1.AccountStatement accountStatement(AccountStatement statement) {
        V1.AccountStatement.Builder b = V1.AccountStatement.newBuilder().setPartnerId(statement.partnerId())
                .setMode(mode(statement.mode())).setAsOf(timestamp(statement.asOf()));
        for (MeterStatement m : statement.meters()) {
            b.addMeters(V1.MeterStatement.newBuilder().setMeterId(m.meterId()).setMode(mode(m.mode()))
                    .setAscending(money(m.ascending())).setDescending(money(m.descending()))
                    .setControlTotal(money(m.controlTotal())).setPiecesIssued(m.piecesIssued()));
        }
        return b.build();
    }

    /** The statement {@code statement} carries. */
    public static AccountStatement accountStatement(V1.AccountStatement statement) {
        List<MeterStatement> meters = statement.getMetersList().stream().map(m -> new MeterStatement(m.getMeterId(),
                mode("meter.mode", m.getModeValue()), m.hasAscending() ? money(m.getAscending()) : null,
                m.hasDescending() ? money(m.getDescending()) : null,
                m.hasControlTotal() ? money(m.getControlTotal()) : null, m.getPiecesIssued())).toList();
        return new AccountStatement(statement.getPartnerId(), mode("mode", statement.getModeValue()), meters,
                statement.hasAsOf() ? instant("asOf", statement.getAsOf()) : null);
    }

    // --- Backgrounds ---

    /** {@code catalogue} on the wire. */
    public static V1.BackgroundCatalogue backgrounds(BackgroundCatalogue catalogue) {
        V1.BackgroundCatalogue.Builder b = V1.BackgroundCatalogue.newBuilder();
        for (BackgroundImage i : catalogue.images()) {
            b.addImages(V1.BackgroundImage.newBuilder().setId(i.id()).setTitle(i.title()).setMediaType(i.mediaType())
                    .setContent(bytes(i.content())).setWidthPx(i.widthPx()).setHeightPx(i.heightPx()));
        }
        return b.build();
    }

    /** The catalogue {@code catalogue} carries. */
    public static BackgroundCatalogue backgrounds(V1.BackgroundCatalogue catalogue) {
        return new BackgroundCatalogue(catalogue.getImagesList().stream().map(i -> new BackgroundImage(i.getId(),
                i.getTitle(), i.getMediaType(), bytes(i.getContent()), i.getWidthPx(), i.getHeightPx())).toList());
    }

    // --- Verification keys ---

    /** {@code keys} on the wire. */
    public static V1.VerificationKeySet verificationKeys(VerificationKeySet keys) {
        V1.VerificationKeySet.Builder b = V1.VerificationKeySet.newBuilder();
        for (VerificationKey k : keys.keys()) {
            V1.VerificationKey.Builder key = V1.VerificationKey.newBuilder().setKeyId(k.keyId())
                    .setAlgorithm(algorithm(k.algorithm())).setPublicKey(bytes(k.publicKey()))
                    .setActiveFrom(timestamp(k.activeFrom()));
            if (k.retiredAt() != null) {
                key.setRetiredAt(timestamp(k.retiredAt()));
            }
            if (k.lastDateOfMailing() != null) {
                key.setLastDateOfMailing(date(k.lastDateOfMailing()));
            }
            if (k.revokedAt() != null) {
                key.setRevokedAt(timestamp(k.revokedAt()));
            }
            key.setMode(ProtoValues.mode(k.mode()));
            b.addKeys(key);
        }
        return b.build();
    }

    /** The key set {@code keys} carries. */
    public static VerificationKeySet verificationKeys(V1.VerificationKeySet keys) {
        return new VerificationKeySet(keys.getKeysList().stream().map(k -> new VerificationKey(k.getKeyId(),
                algorithm("key.algorithm", k.getAlgorithmValue()), bytes(k.getPublicKey()),
                k.hasActiveFrom() ? instant("key.activeFrom", k.getActiveFrom()) : null,
                k.hasRetiredAt() ? instant("key.retiredAt", k.getRetiredAt()) : null,
                k.hasLastDateOfMailing() ? date("key.lastDateOfMailing", k.getLastDateOfMailing()) : null,
                k.hasRevokedAt() ? instant("key.revokedAt", k.getRevokedAt()) : null)
                .requireMode(ProtoValues.mode("key.mode", k.getModeValue()))).toList());
    }

    // --- Print component ---

    /** {@code component} on the wire. */
    public static V1.PrintComponent printComponent(PrintComponent component) {
        return V1.PrintComponent.newBuilder().setVersion(component.version()).setMediaType(component.mediaType())
                .setScript(bytes(component.script())).setSha256(component.sha256()).build();
    }

    /** The component {@code component} carries; its digest is checked against the script. */
    public static PrintComponent printComponent(V1.PrintComponent component) {
        return new PrintComponent(component.getVersion(), component.getMediaType(), bytes(component.getScript()),
                component.getSha256());
    }

    // --- Verification ---

    /** {@code result} on the wire. */
    public static V1.VerificationResult verification(VerificationResult result) {
        return V1.VerificationResult.newBuilder().setVerdict(verdict(result.verdict()))
                .setIndicium(indiciumData(result.indicium())).setSignatureValid(result.signatureValid())
                .setRefunded(result.refunded()).setPreviousScans(result.previousScans()).setDetail(result.detail())
                .build();
    }

    /** The result {@code result} carries. */
    public static VerificationResult verification(V1.VerificationResult result) {
        return new VerificationResult(verdict("verdict", result.getVerdictValue()),
                result.hasIndicium() ? indiciumData(result.getIndicium()) : null, result.getSignatureValid(),
                result.getRefunded(), result.getPreviousScans(), result.getDetail());
    }

    private static V1.IndiciumData indiciumData(IndiciumData d) {
        V1.IndiciumData.Builder b = V1.IndiciumData.newBuilder().setAlgorithm(algorithm(d.algorithm()))
                .setKeyId(d.keyId()).setVendorId(d.vendorId()).setMeterId(d.meterId()).setPieceSerial(d.pieceSerial())
                .setAscendingRegister(d.ascendingRegister()).setDescendingRegister(d.descendingRegister())
                .setPostage(money(d.postage())).setDateOfMailing(date(d.dateOfMailing()))
                .setOrigin(d.origin().value()).setMailClass(mailClass(d.mailClass()))
                .setSoftwareId(d.softwareId()).setTestMode(d.testMode());
        if (d.destination() != null) {
            b.setDestination(d.destination().value());
        }
        return b.build();
    }

    private static IndiciumData indiciumData(V1.IndiciumData d) {
        return IndiciumData.builder()
                .algorithm(algorithm("indicium.algorithm", d.getAlgorithmValue()))
                .keyId(d.getKeyId()).vendorId(d.getVendorId()).meterId(d.getMeterId()).pieceSerial(d.getPieceSerial())
                .ascendingRegister(d.getAscendingRegister()).descendingRegister(d.getDescendingRegister())
                .postage(d.hasPostage() ? money(d.getPostage()) : null)
                .dateOfMailing(d.hasDateOfMailing() ? date("indicium.dateOfMailing", d.getDateOfMailing()) : null)
                .origin(postalCode("indicium.origin", d.getOrigin()))
                .destination(d.hasDestination() ? postalCode("indicium.destination", d.getDestination()) : null)
                .mailClass(mailClass("indicium.mailClass", d.getMailClassValue()))
                .softwareId(d.getSoftwareId()).testMode(d.getTestMode())
                .build();
    }

    // --- Lookup and history ---

    /** {@code record} on the wire. */
    public static V1.PurchaseRecord purchaseRecord(PurchaseRecord record) {
        V1.PurchaseRecord.Builder b = V1.PurchaseRecord.newBuilder().setPurchase(purchase(record.purchase()))
                .setMeterId(record.meterId());
        for (Refund refund : record.refunds()) {
            b.addRefunds(refund(refund));
        }
        return b.build();
    }

    /** The record {@code record} carries. */
    public static PurchaseRecord purchaseRecord(V1.PurchaseRecord record) {
        return new PurchaseRecord(record.hasPurchase() ? purchase(record.getPurchase()) : null, record.getMeterId(),
                record.getRefundsList().stream().map(ProtoResponses::refund).toList());
    }

    /** {@code page} on the wire. */
    public static V1.PurchasePage purchasePage(PurchasePage page) {
        V1.PurchasePage.Builder b = V1.PurchasePage.newBuilder();
        for (PurchaseSummary s : page.purchases()) {
            b.addPurchases(V1.PurchaseSummary.newBuilder().setPurchaseId(s.purchaseId()).setMeterId(s.meterId())
                    .setIssuedAt(timestamp(s.issuedAt())).setTotal(money(s.total()))
                    .setPayment(paymentSummary(s.payment())).setIndiciumCount(s.indiciumCount())
                    .setRefundedCount(s.refundedCount()));
        }
        if (page.nextPageToken() != null) {
            b.setNextPageToken(page.nextPageToken());
        }
        return b.build();
    }

    /** The page {@code page} carries. */
    public static PurchasePage purchasePage(V1.PurchasePage page) {
        return new PurchasePage(page.getPurchasesList().stream().map(s -> new PurchaseSummary(s.getPurchaseId(),
                        s.getMeterId(), s.hasIssuedAt() ? instant("issuedAt", s.getIssuedAt()) : null,
                        s.hasTotal() ? money(s.getTotal()) : null,
                        s.hasPayment() ? paymentSummary(s.getPayment()) : null, s.getIndiciumCount(),
                        s.getRefundedCount())).toList(),
                page.getNextPageToken().isEmpty() ? null : page.getNextPageToken());
    }

    /** {@code export} on the wire. */
    public static V1.JournalExport journalExport(JournalExport export) {
        return V1.JournalExport.newBuilder().setFormat(exportFormat(export.format())).setFrom(timestamp(export.from()))
                .setTo(timestamp(export.to())).setEntryCount(export.entryCount()).setContent(bytes(export.content()))
                .build();
    }

    /** The export {@code export} carries. */
    public static JournalExport journalExport(V1.JournalExport export) {
        return new JournalExport(exportFormat("format", export.getFormatValue()),
                export.hasFrom() ? instant("from", export.getFrom()) : null,
                export.hasTo() ? instant("to", export.getTo()) : null, export.getEntryCount(),
                bytes(export.getContent()));
    }
}
