package org.openpostage.transport.xml.internal;

import java.util.List;
import java.util.function.Function;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountPayment;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PaymentSummary;
import org.openpostage.api.model.PostageError;
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
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

/**
 * Turns sdk-api values into {@link Wire} messages. The values are valid by construction, so
 * nothing here can fail; optional values that are absent are left {@code null} and so omitted.
 */
public final class ModelToWire {
    /** The longest message an error body carries; longer ones are cut (the schema allows 4096). */
    static final int MAX_MESSAGE = 1000;

    private ModelToWire() {
    }

    // --- Requests (written by clients) ---

    /** A {@code <quoteRequest>}. */
    public static Wire.QuoteRequest quoteRequest(QuoteRequest r) {
        Wire.QuoteRequest w = new Wire.QuoteRequest();
        w.piece = piece(r.piece());
        w.dateOfMailing = r.dateOfMailing() == null ? null : r.dateOfMailing().toString();
        return w;
    }

    /** A {@code <purchaseRequest>}. */
    public static Wire.PurchaseRequest purchaseRequest(PurchaseRequest r) {
        Wire.PurchaseRequest w = new Wire.PurchaseRequest();
        w.items = map(r.items(), ModelToWire::item);
        w.payment = payment(r.payment());
        w.print = print(r.print());
        w.meterId = r.meterId() == null ? null : r.meterId().toString();
        return w;
    }

    /** A {@code <batchPurchaseRequest>}. */
    public static Wire.BatchPurchaseRequest batchPurchaseRequest(BatchPurchaseRequest r) {
        Wire.BatchPurchaseRequest w = new Wire.BatchPurchaseRequest();
        w.entries = map(r.entries(), ModelToWire::entry);
        return w;
    }

    /** A {@code <refundRequest>}. */
    public static Wire.RefundRequest refundRequest(RefundRequest r) {
        Wire.RefundRequest w = new Wire.RefundRequest();
        w.indiciumId = r.indiciumId();
        return w;
    }

    /** A {@code <verifyRequest>}. */
    public static Wire.VerifyRequest verifyRequest(VerifyRequest r) {
        Wire.VerifyRequest w = new Wire.VerifyRequest();
        w.indicium = r.indicium().toBase64();
        return w;
    }

    /** A {@code <purchaseLookupRequest>}. */
    public static Wire.PurchaseLookupRequest purchaseLookupRequest(PurchaseLookupRequest r) {
        Wire.PurchaseLookupRequest w = new Wire.PurchaseLookupRequest();
        w.purchaseId = r.purchaseId();
        w.print = print(r.print());
        return w;
    }

    /** A {@code <purchaseListRequest>}. */
    public static Wire.PurchaseListRequest purchaseListRequest(PurchaseListRequest r) {
        Wire.PurchaseListRequest w = new Wire.PurchaseListRequest();
        w.from = r.from().toString();
        w.to = r.to().toString();
        w.pageSize = Integer.toString(r.pageSize());
        w.pageToken = r.pageToken();
        return w;
    }

    /** A {@code <journalExportRequest>}. */
    public static Wire.JournalExportRequest journalExportRequest(JournalExportRequest r) {
        Wire.JournalExportRequest w = new Wire.JournalExportRequest();
        w.from = r.from().toString();
        w.to = r.to().toString();
        w.format = r.format().name();
        w.meterId = r.meterId() == null ? null : r.meterId().toString();
        return w;
    }

    // --- Responses (written by servers) ---

    /** A {@code <rateQuote>}. */
    public static Wire.RateQuote rateQuote(RateQuote q) {
        Wire.RateQuote w = new Wire.RateQuote();
        w.piece = piece(q.piece());
        w.price = money(q.price());
        w.rateTableVersion = q.rateTableVersion();
        w.zone = Integer.toString(q.zone());
        w.dateOfMailing = q.dateOfMailing().toString();
        return w;
    }

    /** A {@code <purchase>}. */
    public static Wire.Purchase purchase(Purchase p) {
        Wire.Purchase w = new Wire.Purchase();
        w.purchaseId = p.purchaseId();
        w.indicia = map(p.indicia(), ModelToWire::indicium);
        w.total = money(p.total());
        w.payment = paymentSummary(p.payment());
        w.mode = p.mode().name();
        w.issuedAt = p.issuedAt().toString();
        return w;
    }

    /** A {@code <batchPurchaseResult>}. */
    public static Wire.BatchPurchaseResult batchPurchaseResult(BatchPurchaseResult r) {
        Wire.BatchPurchaseResult w = new Wire.BatchPurchaseResult();
        w.results = map(r.results(), ModelToWire::itemResult);
        return w;
    }

    /** A {@code <refund>}. */
    public static Wire.Refund refund(Refund r) {
        Wire.Refund w = new Wire.Refund();
        w.refundId = r.refundId();
        w.indiciumId = r.indiciumId();
        w.amount = money(r.amount());
        w.creditedTo = r.creditedTo().name();
        w.refundedAt = r.refundedAt().toString();
        return w;
    }

    /** A {@code <purchaseRecord>}. */
    public static Wire.PurchaseRecord purchaseRecord(PurchaseRecord r) {
        Wire.PurchaseRecord w = new Wire.PurchaseRecord();
        w.purchase = purchase(r.purchase());
        w.meterId = Long.toString(r.meterId());
        w.refunds = map(r.refunds(), ModelToWire::refund);
        return w;
    }

    /** A {@code <purchasePage>}. */
    public static Wire.PurchasePage purchasePage(PurchasePage p) {
        Wire.PurchasePage w = new Wire.PurchasePage();
        w.purchases = map(p.purchases(), ModelToWire::purchaseSummary);
        w.nextPageToken = p.nextPageToken();
        return w;
    }

    /** A {@code <journalExport>}. */
    public static Wire.JournalExport journalExport(JournalExport e) {
        Wire.JournalExport w = new Wire.JournalExport();
        w.format = e.format().name();
        w.from = e.from().toString();
        w.to = e.to().toString();
        w.entryCount = Integer.toString(e.entryCount());
        w.content = e.content().toBase64();
        return w;
    }

    private static Wire.PurchaseSummary purchaseSummary(PurchaseSummary s) {
        Wire.PurchaseSummary w = new Wire.PurchaseSummary();
        w.purchaseId = s.purchaseId();
        w.meterId = Long.toString(s.meterId());
        w.issuedAt = s.issuedAt().toString();
        w.total = money(s.total());
        w.payment = paymentSummary(s.payment());
        w.indiciumCount = Integer.toString(s.indiciumCount());
        w.refundedCount = Integer.toString(s.refundedCount());
        return w;
    }

    /** An {@code <accountStatement>}. */
    public static Wire.AccountStatement accountStatement(AccountStatement s) {
        Wire.AccountStatement w = new Wire.AccountStatement();
        w.partnerId = s.partnerId();
        w.mode = s.mode().name();
        w.meters = map(s.meters(), ModelToWire::meter);
        w.asOf = s.asOf().toString();
        return w;
    }

    /** A {@code <backgroundCatalogue>}. */
    public static Wire.BackgroundCatalogue backgroundCatalogue(BackgroundCatalogue c) {
        Wire.BackgroundCatalogue w = new Wire.BackgroundCatalogue();
        w.images = map(c.images(), ModelToWire::background);
        return w;
    }

    /** A {@code <verificationKeySet>}. */
    public static Wire.VerificationKeySet verificationKeySet(VerificationKeySet s) {
        Wire.VerificationKeySet w = new Wire.VerificationKeySet();
        w.keys = map(s.keys(), ModelToWire::key);
        return w;
    }

    /** A {@code <printComponent>}. */
    public static Wire.PrintComponent printComponent(PrintComponent c) {
        Wire.PrintComponent w = new Wire.PrintComponent();
        w.version = c.version();
        w.mediaType = c.mediaType();
        w.sha256 = c.sha256();
        w.script = c.script().toBase64();
        return w;
    }

    /** A {@code <verificationResult>}. */
    public static Wire.VerificationResult verificationResult(VerificationResult r) {
        Wire.VerificationResult w = new Wire.VerificationResult();
        w.verdict = r.verdict().name();
        w.signatureValid = Boolean.toString(r.signatureValid());
        w.refunded = Boolean.toString(r.refunded());
        w.previousScans = Integer.toString(r.previousScans());
        w.detail = r.detail();
        w.indicium = indiciumFields(r.indicium());
        return w;
    }

    /**
     * An {@code <error>} for {@code e}, reported under {@code requestId}. The message is cut to
     * {@value #MAX_MESSAGE} characters and cleaned of characters XML cannot carry.
     */
    public static Wire.Error error(PostageException e, String requestId) {
        Wire.Error w = new Wire.Error();
        w.code = e.code().name();
        w.message = printable(e.getMessage());
        w.requestId = requestId;
        w.retryable = Boolean.toString(e.retryable());
        return w;
    }

    // --- Parts ---

    private static Wire.MailPiece piece(MailPiece p) {
        Wire.MailPiece w = new Wire.MailPiece();
        w.mailClass = p.mailClass().name();
        w.weightGrams = Integer.toString(p.weight().grams());
        w.dimensions = p.dimensions() == null ? null : dimensions(p.dimensions());
        w.origin = p.origin().value();
        w.destination = code(p.destination());
        return w;
    }

    private static Wire.Dimensions dimensions(Dimensions d) {
        Wire.Dimensions w = new Wire.Dimensions();
        w.lengthMm = Integer.toString(d.lengthMm());
        w.widthMm = Integer.toString(d.widthMm());
        w.thicknessMm = Integer.toString(d.thicknessMm());
        return w;
    }

    private static Wire.PurchaseItem item(PurchaseItem i) {
        Wire.PurchaseItem w = new Wire.PurchaseItem();
        w.piece = piece(i.piece());
        w.price = money(i.price());
        w.dateOfMailing = i.dateOfMailing().toString();
        w.sender = address(i.sender());
        w.recipient = address(i.recipient());
        return w;
    }

    private static Wire.Address address(Address a) {
        if (a == null) {
            return null;
        }
        Wire.Address w = new Wire.Address();
        w.country = a.country();
        w.name = a.name();
        w.lines = a.lines();
        w.locality = a.locality();
        w.region = a.region();
        w.postalCode = a.postalCode();
        return w;
    }

    private static Wire.Payment payment(PaymentMethod method) {
        Wire.Payment w = new Wire.Payment();
        if (method instanceof CardPayment c) {
            Wire.Card card = new Wire.Card();
            card.number = c.number();
            card.expiry = c.expiry().toString();
            card.cvv = c.cvv();
            card.holderName = c.holderName();
            w.card = card;
        } else if (method instanceof AccountPayment) {
            w.account = "";
        }
        return w;
    }

    private static Wire.PrintOptions print(PrintOptions p) {
        Wire.PrintOptions w = new Wire.PrintOptions();
        w.format = p.format().name();
        w.dpi = Integer.toString(p.dpi());
        w.backgroundId = p.backgroundId();
        return w;
    }

    private static Wire.BatchEntry entry(BatchEntry e) {
        Wire.BatchEntry w = new Wire.BatchEntry();
        w.reference = e.reference();
        w.request = purchaseRequest(e.request());
        return w;
    }

    private static Wire.Indicium indicium(Indicium i) {
        Wire.Indicium w = new Wire.Indicium();
        w.indiciumId = i.indiciumId();
        w.data = i.data().toBase64();
        w.image = i.image() == null ? null : image(i.image());
        return w;
    }

    private static Wire.RenderedImage image(RenderedImage r) {
        Wire.RenderedImage w = new Wire.RenderedImage();
        w.format = r.format().name();
        w.dpi = Integer.toString(r.dpi());
        w.content = r.content().toBase64();
        return w;
    }

    private static Wire.PaymentSummary paymentSummary(PaymentSummary s) {
        Wire.PaymentSummary w = new Wire.PaymentSummary();
        w.kind = s.kind().name();
        w.amount = money(s.amount());
        w.cardBrand = s.cardBrand() == null ? null : s.cardBrand().name();
        w.cardLast4 = s.cardLast4();
        w.reference = s.reference();
        return w;
    }

    private static Wire.BatchItemResult itemResult(BatchItemResult r) {
        Wire.BatchItemResult w = new Wire.BatchItemResult();
        w.reference = r.reference();
        w.purchase = r.purchase() == null ? null : purchase(r.purchase());
        w.error = r.error() == null ? null : entryError(r.error());
        return w;
    }

    private static Wire.EntryError entryError(PostageError e) {
        Wire.EntryError w = new Wire.EntryError();
        w.code = e.code().name();
        w.message = printable(e.message());
        w.retryable = Boolean.toString(e.retryable());
        return w;
    }

    private static Wire.MeterStatement meter(MeterStatement m) {
        Wire.MeterStatement w = new Wire.MeterStatement();
        w.meterId = Long.toString(m.meterId());
        w.mode = m.mode().name();
        w.ascending = money(m.ascending());
        w.descending = money(m.descending());
        w.controlTotal = money(m.controlTotal());
        w.piecesIssued = Long.toString(m.piecesIssued());
        return w;
    }

    private static Wire.BackgroundImage background(BackgroundImage b) {
        Wire.BackgroundImage w = new Wire.BackgroundImage();
        w.id = b.id();
        w.title = b.title();
        w.mediaType = b.mediaType();
        w.widthPx = Integer.toString(b.widthPx());
        w.heightPx = Integer.toString(b.heightPx());
        w.content = b.content().toBase64();
        return w;
    }

    private static Wire.VerificationKey key(VerificationKey k) {
        Wire.VerificationKey w = new Wire.VerificationKey();
        w.keyId = Long.toString(k.keyId());
        w.algorithm = k.algorithm().name();
        w.publicKey = k.publicKey().toBase64();
        w.activeFrom = k.activeFrom().toString();
        w.retiredAt = k.retiredAt() == null ? null : k.retiredAt().toString();
        w.lastDateOfMailing = k.lastDateOfMailing() == null ? null : k.lastDateOfMailing().toString();
        w.revokedAt = k.revokedAt() == null ? null : k.revokedAt().toString();
        w.mode = k.mode().name();
        return w;
    }

    private static Wire.IndiciumFields indiciumFields(IndiciumData d) {
        Wire.IndiciumFields w = new Wire.IndiciumFields();
        w.algorithm = d.algorithm().name();
        w.keyId = Long.toString(d.keyId());
        w.vendorId = Integer.toString(d.vendorId());
        w.meterId = Long.toString(d.meterId());
        w.pieceSerial = Long.toString(d.pieceSerial());
        w.ascendingRegister = Long.toString(d.ascendingRegister());
        w.descendingRegister = Long.toString(d.descendingRegister());
        w.postage = money(d.postage());
        w.dateOfMailing = d.dateOfMailing().toString();
        w.origin = d.origin().value();
        w.destination = code(d.destination());
        w.mailClass = d.mailClass().name();
        w.softwareId = Integer.toString(d.softwareId());
        w.testMode = Boolean.toString(d.testMode());
        return w;
    }

    private static Wire.Money money(Money m) {
        Wire.Money w = new Wire.Money();
        w.currency = m.currency().getCurrencyCode();
        w.value = Long.toString(m.minorUnits());
        return w;
    }

    private static String code(PostalCode c) {
        return c == null ? null : c.value();
    }

    private static <A, B> List<B> map(List<A> list, Function<A, B> f) {
        return list.stream().map(f).toList();
    }

    /**
     * {@code text} cut to {@value #MAX_MESSAGE} characters, with characters that XML 1.0 cannot
     * carry (most control characters, lone surrogates) replaced by U+FFFD.
     */
    static String printable(String text) {
        String s = text == null ? "" : text;
        if (s.length() > MAX_MESSAGE) {
            s = s.substring(0, MAX_MESSAGE - 3) + "...";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean surrogatePair = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (surrogatePair) {
                sb.append(c).append(s.charAt(++i));
            } else if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD)) {
                sb.append(c);
            } else {
                sb.append('\uFFFD');
            }
        }
        return sb.toString();
    }
}
