package org.openpostage.transport.xml.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.MeterStatement;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
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
import org.openpostage.api.model.Verdict;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * Turns {@link Wire} messages into sdk-api values. Every problem is an
 * {@link InvalidRequestException} whose message starts with the XPath-like position of the
 * element concerned, for example {@code purchaseRequest/items/item[2]/price: ...}; the values'
 * own rules (Luhn digit, ranges, one currency per purchase) are checked by their constructors and
 * reported under the position of the element that holds them.
 */
public final class WireToModel {
    private WireToModel() {
    }

    // --- Requests (read by servers) ---

    /** A {@code <quoteRequest>}. */
    public static QuoteRequest quoteRequest(Wire.QuoteRequest w) {
        String at = Wire.QuoteRequest.ELEMENT;
        MailPiece piece = piece(required(w.piece, at, "piece"), at + "/piece");
        LocalDate date = w.dateOfMailing == null ? null : date(w.dateOfMailing, at + "/dateOfMailing");
        return build(at, () -> new QuoteRequest(piece, date));
    }

    /** A {@code <purchaseRequest>}, or the {@code <request>} of a batch entry at {@code at}. */
    public static PurchaseRequest purchaseRequest(Wire.PurchaseRequest w, String at) {
        List<PurchaseItem> items = list(required(w.items, at, "items"), at + "/items", "item", WireToModel::item);
        PaymentMethod payment = payment(required(w.payment, at, "payment"), at + "/payment");
        PrintOptions print = w.print == null ? PrintOptions.dataOnly() : print(w.print, at + "/print");
        Long meterId = w.meterId == null ? null : integer(w.meterId, at + "/meterId");
        return build(at, () -> new PurchaseRequest(items, payment, print, meterId));
    }

    /** A {@code <batchPurchaseRequest>}. */
    public static BatchPurchaseRequest batchPurchaseRequest(Wire.BatchPurchaseRequest w) {
        String at = Wire.BatchPurchaseRequest.ELEMENT;
        List<BatchEntry> entries = list(required(w.entries, at, "entries"), at + "/entries", "entry", (e, p) -> {
            String reference = required(e.reference, p, "reference");
            PurchaseRequest request = purchaseRequest(required(e.request, p, "request"), p + "/request");
            return build(p, () -> new BatchEntry(reference, request));
        });
        return build(at, () -> new BatchPurchaseRequest(entries));
    }

    /** A {@code <refundRequest>}. */
    public static RefundRequest refundRequest(Wire.RefundRequest w) {
        String at = Wire.RefundRequest.ELEMENT;
        String id = required(w.indiciumId, at, "indiciumId");
        return build(at, () -> new RefundRequest(id));
    }

    /** A {@code <verifyRequest>}. */
    public static VerifyRequest verifyRequest(Wire.VerifyRequest w) {
        String at = Wire.VerifyRequest.ELEMENT;
        Bytes indicium = base64(required(w.indicium, at, "indicium"), at + "/indicium");
        return build(at, () -> new VerifyRequest(indicium));
    }

    /** A {@code <purchaseLookupRequest>}. */
    public static PurchaseLookupRequest purchaseLookupRequest(Wire.PurchaseLookupRequest w) {
        String at = Wire.PurchaseLookupRequest.ELEMENT;
        String id = required(w.purchaseId, at, "purchaseId");
        PrintOptions print = w.print == null ? PrintOptions.dataOnly() : print(w.print, at + "/print");
        return build(at, () -> new PurchaseLookupRequest(id, print));
    }

    /** A {@code <purchaseListRequest>}. */
    public static PurchaseListRequest purchaseListRequest(Wire.PurchaseListRequest w) {
        String at = Wire.PurchaseListRequest.ELEMENT;
        Instant from = instant(required(w.from, at, "from"), at + "/from");
        Instant to = instant(required(w.to, at, "to"), at + "/to");
        int pageSize = w.pageSize == null ? PurchaseListRequest.DEFAULT_PAGE_SIZE : int32(w.pageSize, at + "/pageSize");
        String token = w.pageToken == null ? null : trim(w.pageToken);
        return build(at, () -> new PurchaseListRequest(from, to, pageSize, token));
    }

    /** A {@code <journalExportRequest>}. */
    public static JournalExportRequest journalExportRequest(Wire.JournalExportRequest w) {
        String at = Wire.JournalExportRequest.ELEMENT;
        Instant from = instant(required(w.from, at, "from"), at + "/from");
        Instant to = instant(required(w.to, at, "to"), at + "/to");
        ExportFormat format = enumValue(required(w.format, at, "format"), at + "/format", ExportFormat.class);
        Long meterId = w.meterId == null ? null : integer(w.meterId, at + "/meterId");
        return build(at, () -> new JournalExportRequest(from, to, format, meterId));
    }

    // --- Responses (read by clients) ---

    /** A {@code <rateQuote>}. */
    public static RateQuote rateQuote(Wire.RateQuote w) {
        String at = Wire.RateQuote.ELEMENT;
        MailPiece piece = piece(required(w.piece, at, "piece"), at + "/piece");
        Money price = money(required(w.price, at, "price"), at + "/price");
        String version = required(w.rateTableVersion, at, "rateTableVersion");
        int zone = int32(required(w.zone, at, "zone"), at + "/zone");
        LocalDate date = date(required(w.dateOfMailing, at, "dateOfMailing"), at + "/dateOfMailing");
        return build(at, () -> new RateQuote(piece, price, version, zone, date));
    }

    /** A {@code <purchase>} at {@code at}. */
    public static Purchase purchase(Wire.Purchase w, String at) {
        String id = required(w.purchaseId, at, "purchaseId");
        List<Indicium> indicia = list(required(w.indicia, at, "indicia"), at + "/indicia", "indicium", WireToModel::indicium);
        Money total = money(required(w.total, at, "total"), at + "/total");
        PaymentSummary payment = paymentSummary(required(w.payment, at, "payment"), at + "/payment");
        Mode mode = enumValue(required(w.mode, at, "mode"), at + "/mode", Mode.class);
        Instant issuedAt = instant(required(w.issuedAt, at, "issuedAt"), at + "/issuedAt");
        return build(at, () -> new Purchase(id, indicia, total, payment, mode, issuedAt));
    }

    /** A {@code <batchPurchaseResult>}. */
    public static BatchPurchaseResult batchPurchaseResult(Wire.BatchPurchaseResult w) {
        String at = Wire.BatchPurchaseResult.ELEMENT;
        List<BatchItemResult> results = list(required(w.results, at, "results"), at + "/results", "result", (r, p) -> {
            String reference = required(r.reference, p, "reference");
            Purchase purchase = r.purchase == null ? null : purchase(r.purchase, p + "/purchase");
            PostageError error = r.error == null ? null : entryError(r.error, p + "/error");
            return build(p, () -> new BatchItemResult(reference, purchase, error));
        });
        return build(at, () -> new BatchPurchaseResult(results));
    }

    /** A {@code <refund>}. */
    public static Refund refund(Wire.Refund w) {
        return refund(w, Wire.Refund.ELEMENT);
    }

    /** A {@code <purchaseRecord>}. */
    public static PurchaseRecord purchaseRecord(Wire.PurchaseRecord w) {
        String at = Wire.PurchaseRecord.ELEMENT;
        Purchase purchase = purchase(required(w.purchase, at, "purchase"), at + "/purchase");
        long meterId = integer(required(w.meterId, at, "meterId"), at + "/meterId");
        List<Refund> refunds = list(w.refunds == null ? List.of() : w.refunds, at + "/refunds", "refund",
                WireToModel::refund);
        return build(at, () -> new PurchaseRecord(purchase, meterId, refunds));
    }

    /** A {@code <purchasePage>}. */
    public static PurchasePage purchasePage(Wire.PurchasePage w) {
        String at = Wire.PurchasePage.ELEMENT;
        List<PurchaseSummary> purchases = list(w.purchases == null ? List.of() : w.purchases, at + "/purchases",
                "purchase", (s, p) -> {
                    String id = required(s.purchaseId, p, "purchaseId");
                    long meterId = integer(required(s.meterId, p, "meterId"), p + "/meterId");
                    Instant issuedAt = instant(required(s.issuedAt, p, "issuedAt"), p + "/issuedAt");
                    Money total = money(required(s.total, p, "total"), p + "/total");
                    PaymentSummary payment = paymentSummary(required(s.payment, p, "payment"), p + "/payment");
                    int count = int32(required(s.indiciumCount, p, "indiciumCount"), p + "/indiciumCount");
                    int refunded = int32(required(s.refundedCount, p, "refundedCount"), p + "/refundedCount");
                    return build(p, () -> new PurchaseSummary(id, meterId, issuedAt, total, payment, count, refunded));
                });
        String next = w.nextPageToken == null ? null : trim(w.nextPageToken);
        return build(at, () -> new PurchasePage(purchases, next));
    }

    /** A {@code <journalExport>}. */
    public static JournalExport journalExport(Wire.JournalExport w) {
        String at = Wire.JournalExport.ELEMENT;
        ExportFormat format = enumValue(required(w.format, at, "format"), at + "/format", ExportFormat.class);
        Instant from = instant(required(w.from, at, "from"), at + "/from");
        Instant to = instant(required(w.to, at, "to"), at + "/to");
        int count = int32(required(w.entryCount, at, "entryCount"), at + "/entryCount");
        Bytes content = w.content == null ? Bytes.empty() : base64(w.content, at + "/content");
        return build(at, () -> new JournalExport(format, from, to, count, content));
    }

    private static Refund refund(Wire.Refund w, String at) {
        String refundId = required(w.refundId, at, "refundId");
        String indiciumId = required(w.indiciumId, at, "indiciumId");
        Money amount = money(required(w.amount, at, "amount"), at + "/amount");
        PaymentKind creditedTo = enumValue(required(w.creditedTo, at, "creditedTo"), at + "/creditedTo", PaymentKind.class);
        Instant refundedAt = instant(required(w.refundedAt, at, "refundedAt"), at + "/refundedAt");
        return build(at, () -> new Refund(refundId, indiciumId, amount, creditedTo, refundedAt));
    }

    /** An {@code <accountStatement>}. */
    public static AccountStatement accountStatement(Wire.AccountStatement w) {
        String at = Wire.AccountStatement.ELEMENT;
        String partnerId = required(w.partnerId, at, "partnerId");
        Mode mode = enumValue(required(w.mode, at, "mode"), at + "/mode", Mode.class);
        List<MeterStatement> meters = list(w.meters == null ? List.of() : w.meters, at + "/meters", "meter", (m, p) -> {
            long meterId = integer(required(m.meterId, p, "meterId"), p + "/meterId");
            Mode meterMode = enumValue(required(m.mode, p, "mode"), p + "/mode", Mode.class);
            Money ascending = money(required(m.ascending, p, "ascending"), p + "/ascending");
            Money descending = money(required(m.descending, p, "descending"), p + "/descending");
            Money controlTotal = money(required(m.controlTotal, p, "controlTotal"), p + "/controlTotal");
            long pieces = integer(required(m.piecesIssued, p, "piecesIssued"), p + "/piecesIssued");
            return build(p, () -> new MeterStatement(meterId, meterMode, ascending, descending, controlTotal, pieces));
        });
        Instant asOf = instant(required(w.asOf, at, "asOf"), at + "/asOf");
        return build(at, () -> new AccountStatement(partnerId, mode, meters, asOf));
    }

    /** A {@code <backgroundCatalogue>}. */
    public static BackgroundCatalogue backgroundCatalogue(Wire.BackgroundCatalogue w) {
        String at = Wire.BackgroundCatalogue.ELEMENT;
        List<BackgroundImage> images = list(w.images == null ? List.of() : w.images, at + "/images", "image", (i, p) -> {
            String id = required(i.id, p, "id");
            String title = required(i.title, p, "title");
            String mediaType = required(i.mediaType, p, "mediaType");
            int width = int32(required(i.widthPx, p, "widthPx"), p + "/widthPx");
            int height = int32(required(i.heightPx, p, "heightPx"), p + "/heightPx");
            Bytes content = base64(required(i.content, p, "content"), p + "/content");
            return build(p, () -> new BackgroundImage(id, title, mediaType, content, width, height));
        });
        return build(at, () -> new BackgroundCatalogue(images));
    }

    /** A {@code <verificationKeySet>}. */
    public static VerificationKeySet verificationKeySet(Wire.VerificationKeySet w) {
        String at = Wire.VerificationKeySet.ELEMENT;
        List<VerificationKey> keys = list(w.keys == null ? List.of() : w.keys, at + "/keys", "key", (k, p) -> {
            long keyId = integer(required(k.keyId, p, "keyId"), p + "/keyId");
            SignatureAlgorithm algorithm = enumValue(required(k.algorithm, p, "algorithm"), p + "/algorithm",
                    SignatureAlgorithm.class);
            Bytes publicKey = base64(required(k.publicKey, p, "publicKey"), p + "/publicKey");
            Instant activeFrom = instant(required(k.activeFrom, p, "activeFrom"), p + "/activeFrom");
            Instant retiredAt = k.retiredAt == null ? null : instant(k.retiredAt, p + "/retiredAt");
            LocalDate lastDateOfMailing = k.lastDateOfMailing == null ? null
                    : date(k.lastDateOfMailing, p + "/lastDateOfMailing");
            Instant revokedAt = k.revokedAt == null ? null : instant(k.revokedAt, p + "/revokedAt");
            Mode mode = k.mode == null ? null : enumValue(k.mode, p + "/mode", Mode.class);
            return build(p, () -> new VerificationKey(keyId, algorithm, publicKey, activeFrom, retiredAt,
                    lastDateOfMailing, revokedAt).requireMode(mode));
        });
        return build(at, () -> new VerificationKeySet(keys));
    }

    /** A {@code <printComponent>}. */
    public static PrintComponent printComponent(Wire.PrintComponent w) {
        String at = Wire.PrintComponent.ELEMENT;
        String version = required(w.version, at, "version");
        String mediaType = required(w.mediaType, at, "mediaType");
        String sha256 = required(w.sha256, at, "sha256");
        Bytes script = base64(required(w.script, at, "script"), at + "/script");
        return build(at, () -> new PrintComponent(version, mediaType, script, sha256));
    }

    /** A {@code <verificationResult>}. */
    public static VerificationResult verificationResult(Wire.VerificationResult w) {
        String at = Wire.VerificationResult.ELEMENT;
        Verdict verdict = enumValue(required(w.verdict, at, "verdict"), at + "/verdict", Verdict.class);
        boolean signatureValid = bool(required(w.signatureValid, at, "signatureValid"), at + "/signatureValid");
        boolean refunded = bool(required(w.refunded, at, "refunded"), at + "/refunded");
        int previousScans = int32(required(w.previousScans, at, "previousScans"), at + "/previousScans");
        String detail = required(w.detail, at, "detail");
        IndiciumData data = indiciumFields(required(w.indicium, at, "indicium"), at + "/indicium");
        return build(at, () -> new VerificationResult(verdict, data, signatureValid, refunded, previousScans, detail));
    }

    /**
     * An {@code <error>} body as the exception it stands for.
     *
     * @throws InvalidRequestException if the body lacks a code or message
     */
    public static org.openpostage.api.error.PostageException error(Wire.Error w) {
        return error(w, null);
    }

    /**
     * An {@code <error>} body as the exception it stands for, with the response's {@code Retry-After}.
     *
     * @param retryAfter the pause the server asked for, or {@code null}
     * @throws InvalidRequestException if the body lacks a code or message
     */
    public static org.openpostage.api.error.PostageException error(Wire.Error w, java.time.Duration retryAfter) {
        String at = Wire.Error.ELEMENT;
        String code = required(w.code, at, "code");
        String message = required(w.message, at, "message");
        return ErrorCode.fromName(code.strip()).toException(message, w.requestId == null ? null : w.requestId.strip(),
                retryAfter);
    }

    // --- Parts ---

    private static MailPiece piece(Wire.MailPiece w, String at) {
        MailClass mailClass = enumValue(required(w.mailClass, at, "mailClass"), at + "/mailClass", MailClass.class);
        int grams = int32(required(w.weightGrams, at, "weightGrams"), at + "/weightGrams");
        Weight weight = build(at + "/weightGrams", () -> new Weight(grams));
        Dimensions dimensions = w.dimensions == null ? null : dimensions(w.dimensions, at + "/dimensions");
        PostalCode origin = postalCode(required(w.origin, at, "origin"), at + "/origin");
        PostalCode destination = w.destination == null ? null : postalCode(w.destination, at + "/destination");
        return build(at, () -> new MailPiece(mailClass, weight, dimensions, origin, destination));
    }

    private static Dimensions dimensions(Wire.Dimensions w, String at) {
        int length = int32(required(w.lengthMm, at, "lengthMm"), at + "/lengthMm");
        int width = int32(required(w.widthMm, at, "widthMm"), at + "/widthMm");
        int thickness = int32(required(w.thicknessMm, at, "thicknessMm"), at + "/thicknessMm");
        return build(at, () -> new Dimensions(length, width, thickness));
    }

    private static PostalCode postalCode(String text, String at) {
        return build(at, () -> new PostalCode(text));
    }

    private static PurchaseItem item(Wire.PurchaseItem w, String at) {
        MailPiece piece = piece(required(w.piece, at, "piece"), at + "/piece");
        Money price = money(required(w.price, at, "price"), at + "/price");
        LocalDate date = date(required(w.dateOfMailing, at, "dateOfMailing"), at + "/dateOfMailing");
        Address sender = w.sender == null ? null : address(w.sender, at + "/sender");
        Address recipient = w.recipient == null ? null : address(w.recipient, at + "/recipient");
        return build(at, () -> new PurchaseItem(piece, price, date, sender, recipient));
    }

    private static Address address(Wire.Address w, String at) {
        String country = required(w.country, at, "country");
        String name = required(w.name, at, "name");
        List<String> lines = required(w.lines, at, "lines");
        return build(at, () -> new Address(trim(country), name, lines, w.locality, w.region, w.postalCode));
    }

    private static PaymentMethod payment(Wire.Payment w, String at) {
        if ((w.card == null) == (w.account == null)) {
            throw new InvalidRequestException(at + ": must hold exactly one of <card> and <account/>");
        }
        if (w.account != null) {
            if (!w.account.isBlank()) {
                throw new InvalidRequestException(at + "/account: must be empty");
            }
            return PaymentMethod.account();
        }
        Wire.Card card = w.card;
        String p = at + "/card";
        String number = required(card.number, p, "number");
        String expiryText = required(card.expiry, p, "expiry");
        YearMonth expiry;
        try {
            expiry = YearMonth.parse(trim(expiryText));
        } catch (DateTimeException e) {
            throw new InvalidRequestException(p + "/expiry: must be a year and month such as 2028-12");
        }
        String cvv = required(card.cvv, p, "cvv");
        return build(p, () -> new CardPayment(trim(number), expiry, trim(cvv), card.holderName));
    }

    private static PrintOptions print(Wire.PrintOptions w, String at) {
        OutputFormat format = enumValue(required(w.format, at, "format"), at + "/format", OutputFormat.class);
        int dpi = w.dpi == null ? PrintOptions.DEFAULT_DPI : int32(w.dpi, at + "/dpi");
        String backgroundId = w.backgroundId;
        return build(at, () -> new PrintOptions(format, dpi, backgroundId));
    }

    private static Indicium indicium(Wire.Indicium w, String at) {
        String id = required(w.indiciumId, at, "indiciumId");
        Bytes data = base64(required(w.data, at, "data"), at + "/data");
        RenderedImage image = w.image == null ? null : renderedImage(w.image, at + "/image");
        return build(at, () -> new Indicium(id, data, image));
    }

    private static RenderedImage renderedImage(Wire.RenderedImage w, String at) {
        OutputFormat format = enumValue(required(w.format, at, "format"), at + "/format", OutputFormat.class);
        int dpi = int32(required(w.dpi, at, "dpi"), at + "/dpi");
        Bytes content = base64(required(w.content, at, "content"), at + "/content");
        return build(at, () -> new RenderedImage(format, content, dpi));
    }

    private static PaymentSummary paymentSummary(Wire.PaymentSummary w, String at) {
        PaymentKind kind = enumValue(required(w.kind, at, "kind"), at + "/kind", PaymentKind.class);
        Money amount = money(required(w.amount, at, "amount"), at + "/amount");
        CardBrand brand = w.cardBrand == null ? null : enumValue(w.cardBrand, at + "/cardBrand", CardBrand.class);
        String last4 = w.cardLast4 == null ? null : trim(w.cardLast4);
        String reference = required(w.reference, at, "reference");
        return build(at, () -> new PaymentSummary(kind, amount, brand, last4, reference));
    }

    private static PostageError entryError(Wire.EntryError w, String at) {
        String code = required(w.code, at, "code");
        String message = required(w.message, at, "message");
        return build(at, () -> new PostageError(ErrorCode.fromName(trim(code)), message));
    }

    private static IndiciumData indiciumFields(Wire.IndiciumFields w, String at) {
        var b = IndiciumData.builder()
                .algorithm(enumValue(required(w.algorithm, at, "algorithm"), at + "/algorithm", SignatureAlgorithm.class))
                .keyId(integer(required(w.keyId, at, "keyId"), at + "/keyId"))
                .vendorId(int32(required(w.vendorId, at, "vendorId"), at + "/vendorId"))
                .meterId(integer(required(w.meterId, at, "meterId"), at + "/meterId"))
                .pieceSerial(integer(required(w.pieceSerial, at, "pieceSerial"), at + "/pieceSerial"))
                .ascendingRegister(integer(required(w.ascendingRegister, at, "ascendingRegister"), at + "/ascendingRegister"))
                .descendingRegister(integer(required(w.descendingRegister, at, "descendingRegister"),
                        at + "/descendingRegister"))
                .postage(money(required(w.postage, at, "postage"), at + "/postage"))
                .dateOfMailing(date(required(w.dateOfMailing, at, "dateOfMailing"), at + "/dateOfMailing"))
                .origin(postalCode(required(w.origin, at, "origin"), at + "/origin"))
                .destination(w.destination == null ? null : postalCode(w.destination, at + "/destination"))
                .mailClass(enumValue(required(w.mailClass, at, "mailClass"), at + "/mailClass", MailClass.class))
                .softwareId(int32(required(w.softwareId, at, "softwareId"), at + "/softwareId"))
                .testMode(bool(required(w.testMode, at, "testMode"), at + "/testMode"));
        return build(at, b::build);
    }

    // --- Values ---

    private static Money money(Wire.Money w, String at) {
        if (w.currency == null) {
            throw new InvalidRequestException(at + ": attribute currency is required, for example currency=\"USD\"");
        }
        String text = w.value == null ? "" : trim(w.value);
        if (!text.matches("[+-]?[0-9]{1,19}")) {
            throw new InvalidRequestException(at + ": '" + abbreviate(text) + "' is not a whole number of minor units "
                    + "(USD 1.25 is written 125)");
        }
        long minorUnits = integer(text, at);
        return build(at, () -> Money.of(minorUnits, w.currency.strip()));
    }

    private static long integer(String text, String at) {
        String t = trim(text);
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(at + ": '" + abbreviate(t) + "' is not a whole number");
        }
    }

    private static int int32(String text, String at) {
        long v = integer(text, at);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new InvalidRequestException(at + ": " + v + " is out of range");
        }
        return (int) v;
    }

    private static boolean bool(String text, String at) {
        return switch (trim(text)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException(at + ": must be true or false");
        };
    }

    private static LocalDate date(String text, String at) {
        try {
            return LocalDate.parse(trim(text));
        } catch (DateTimeException e) {
            throw new InvalidRequestException(at + ": '" + abbreviate(trim(text)) + "' is not a date such as 2026-07-01");
        }
    }

    private static Instant instant(String text, String at) {
        try {
            return Instant.parse(trim(text));
        } catch (DateTimeException e) {
            throw new InvalidRequestException(at + ": '" + abbreviate(trim(text))
                    + "' is not a UTC timestamp such as 2026-07-01T10:15:30Z");
        }
    }

    private static Bytes base64(String text, String at) {
        try {
            return Bytes.of(Base64.getDecoder().decode(text.replaceAll("[ \\t\\r\\n]", "")));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(at + ": not valid base64 (" + e.getMessage() + ")");
        }
    }

    private static <E extends Enum<E>> E enumValue(String text, String at, Class<E> type) {
        String t = trim(text);
        E unknown = null;
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(t)) {
                return e;
            }
            if (e.name().equals("UNKNOWN")) {
                unknown = e;
            }
        }
        if (unknown != null) { // a value of a newer server (requests never get here: the schema lists the values)
            return unknown;
        }
        throw new InvalidRequestException(at + ": '" + abbreviate(t) + "' is not one of "
                + Arrays.toString(type.getEnumConstants()));
    }

    // --- Helpers ---

    private static <T> T required(T value, String at, String element) {
        if (value == null) {
            throw new InvalidRequestException(at + ": element <" + element + "> is required");
        }
        return value;
    }

    private static <W, T> List<T> list(List<W> wires, String at, String item, ItemReader<W, T> reader) {
        List<T> out = new ArrayList<>(wires.size());
        for (int i = 0; i < wires.size(); i++) {
            String p = at + "/" + item + "[" + (i + 1) + "]";
            W w = wires.get(i);
            if (w == null) {
                throw new InvalidRequestException(p + ": must not be empty");
            }
            out.add(reader.read(w, p));
        }
        return out;
    }

    /**
     * Runs a value's constructor, reporting a rule it breaks under {@code at}. Errors with a more
     * specific code than {@link ErrorCode#INVALID_REQUEST} pass through unchanged.
     */
    private static <T> T build(String at, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (InvalidRequestException e) {
            if (e.code() != ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            throw new InvalidRequestException(at + ": " + e.getMessage());
        }
    }

    /** Removes the XML whitespace (space, tab, CR, LF) that schema types with collapsed whitespace ignore. */
    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isXmlSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isXmlSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isXmlSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Reads one list item at its position. */
    @FunctionalInterface
    private interface ItemReader<W, T> {
        T read(W wire, String at);
    }
}
