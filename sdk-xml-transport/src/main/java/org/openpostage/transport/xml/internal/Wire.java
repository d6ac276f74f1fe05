package org.openpostage.transport.xml.internal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlText;
import java.util.List;
import java.util.Map;

/**
 * The XML messages of protocol v1 as plain data holders, one class per complex type of
 * {@code openpostage-v1.xsd}, with the same element names in the same order. Every value is kept
 * as the text that appears in the document: {@link WireToModel} parses it and names the element
 * of any bad value, {@link ModelToWire} formats it.
 *
 * <p>Fields are public and mutable on purpose: these classes exist only to be filled by Jackson or
 * by {@link ModelToWire} and read once. Elements are in the protocol's namespace (see
 * {@link HardenedXml#mapper}); {@code null} means "element absent".
 */
public final class Wire {
    /** The namespace of every element. */
    public static final String NS = "https://openpostage.org/postage/v1";

    /** Wrapper elements of lists and the name of their items, for XPath-like positions in error messages. */
    public static final Map<String, String> LIST_ITEMS = Map.of(
            "items", "item", "entries", "entry", "results", "result", "indicia", "indicium",
            "meters", "meter", "images", "image", "keys", "key", "lines", "line", "refunds", "refund",
            "purchases", "purchase");

    private Wire() {
    }

    // --- Shared types ---

    /** {@code <price currency="USD">125</price>}: minor units as text, currency as attribute. */
    public static final class Money {
        @JacksonXmlProperty(isAttribute = true)
        public String currency;
        @JacksonXmlText
        public String value;
    }

    /** A mail piece. */
    @JsonPropertyOrder({"mailClass", "weightGrams", "dimensions", "origin", "destination"})
    public static final class MailPiece {
        public String mailClass;
        public String weightGrams;
        public Dimensions dimensions;
        public String origin;
        public String destination;
    }

    /** Outer size in millimetres. */
    @JsonPropertyOrder({"lengthMm", "widthMm", "thicknessMm"})
    public static final class Dimensions {
        public String lengthMm;
        public String widthMm;
        public String thicknessMm;
    }

    // --- Quote ---

    /** {@code <quoteRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = QuoteRequest.ELEMENT)
    @JsonPropertyOrder({"piece", "dateOfMailing"})
    public static final class QuoteRequest {
        public static final String ELEMENT = "quoteRequest";
        public MailPiece piece;
        public String dateOfMailing;
    }

    /** {@code <rateQuote>}. */
    @JacksonXmlRootElement(namespace = NS, localName = RateQuote.ELEMENT)
    @JsonPropertyOrder({"piece", "price", "rateTableVersion", "zone", "dateOfMailing"})
    public static final class RateQuote {
        public static final String ELEMENT = "rateQuote";
        public MailPiece piece;
        public Money price;
        public String rateTableVersion;
        public String zone;
        public String dateOfMailing;
    }

    // --- Purchase ---

    /** {@code <purchaseRequest>}, also the {@code <request>} of a batch entry. */
    @JacksonXmlRootElement(namespace = NS, localName = PurchaseRequest.ELEMENT)
    @JsonPropertyOrder({"items", "payment", "print", "meterId"})
    public static final class PurchaseRequest {
        public static final String ELEMENT = "purchaseRequest";
        @JacksonXmlElementWrapper(namespace = NS, localName = "items")
        @JacksonXmlProperty(localName = "item")
        public List<PurchaseItem> items;
        public Payment payment;
        public PrintOptions print;
        public String meterId;
    }

    /** One item of a purchase. */
    @JsonPropertyOrder({"piece", "price", "dateOfMailing", "sender", "recipient"})
    public static final class PurchaseItem {
        public MailPiece piece;
        public Money price;
        public String dateOfMailing;
        public Address sender;
        public Address recipient;
    }

    /** A postal address. */
    @JsonPropertyOrder({"country", "name", "lines", "locality", "region", "postalCode"})
    public static final class Address {
        public String country;
        public String name;
        @JacksonXmlElementWrapper(namespace = NS, localName = "lines")
        @JacksonXmlProperty(localName = "line")
        public List<String> lines;
        public String locality;
        public String region;
        public String postalCode;
    }

    /** A choice of {@code <card>} or an empty {@code <account/>}. */
    @JsonPropertyOrder({"card", "account"})
    public static final class Payment {
        public Card card;
        /** {@code ""} when {@code <account/>} is present. */
        public String account;
    }

    /** Card data; never logged. */
    @JsonPropertyOrder({"number", "expiry", "cvv", "holderName"})
    public static final class Card {
        public String number;
        public String expiry;
        public String cvv;
        public String holderName;

        /** Never shows the card. */
        @Override
        public String toString() {
            return "Card[****]";
        }
    }

    /** How to render the indicia. */
    @JsonPropertyOrder({"format", "dpi", "backgroundId"})
    public static final class PrintOptions {
        public String format;
        public String dpi;
        public String backgroundId;
    }

    /** {@code <purchase>}, also inside a batch result. */
    @JacksonXmlRootElement(namespace = NS, localName = Purchase.ELEMENT)
    @JsonPropertyOrder({"purchaseId", "indicia", "total", "payment", "mode", "issuedAt"})
    public static final class Purchase {
        public static final String ELEMENT = "purchase";
        public String purchaseId;
        @JacksonXmlElementWrapper(namespace = NS, localName = "indicia")
        @JacksonXmlProperty(localName = "indicium")
        public List<Indicium> indicia;
        public Money total;
        public PaymentSummary payment;
        public String mode;
        public String issuedAt;
    }

    /** One issued indicium. */
    @JsonPropertyOrder({"indiciumId", "data", "image"})
    public static final class Indicium {
        public String indiciumId;
        public String data;
        public RenderedImage image;
    }

    /** A rendered stamp. */
    @JsonPropertyOrder({"format", "dpi", "content"})
    public static final class RenderedImage {
        public String format;
        public String dpi;
        public String content;
    }

    /** How a purchase was paid, without card data. */
    @JsonPropertyOrder({"kind", "amount", "cardBrand", "cardLast4", "reference"})
    public static final class PaymentSummary {
        public String kind;
        public Money amount;
        public String cardBrand;
        public String cardLast4;
        public String reference;
    }

    // --- Batch ---

    /** {@code <batchPurchaseRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = BatchPurchaseRequest.ELEMENT)
    public static final class BatchPurchaseRequest {
        public static final String ELEMENT = "batchPurchaseRequest";
        @JacksonXmlElementWrapper(namespace = NS, localName = "entries")
        @JacksonXmlProperty(localName = "entry")
        public List<BatchEntry> entries;
    }

    /** One entry of a batch. */
    @JsonPropertyOrder({"reference", "request"})
    public static final class BatchEntry {
        public String reference;
        public PurchaseRequest request;
    }

    /** {@code <batchPurchaseResult>}. */
    @JacksonXmlRootElement(namespace = NS, localName = BatchPurchaseResult.ELEMENT)
    public static final class BatchPurchaseResult {
        public static final String ELEMENT = "batchPurchaseResult";
        @JacksonXmlElementWrapper(namespace = NS, localName = "results")
        @JacksonXmlProperty(localName = "result")
        public List<BatchItemResult> results;
    }

    /** The outcome of one entry: a purchase or an error. */
    @JsonPropertyOrder({"reference", "purchase", "error"})
    public static final class BatchItemResult {
        public String reference;
        public Purchase purchase;
        public EntryError error;
    }

    /** Why one batch entry failed. */
    @JsonPropertyOrder({"code", "message", "retryable"})
    public static final class EntryError {
        public String code;
        public String message;
        public String retryable;
    }

    // --- Refund ---

    /** {@code <refundRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = RefundRequest.ELEMENT)
    public static final class RefundRequest {
        public static final String ELEMENT = "refundRequest";
        public String indiciumId;
    }

    /** {@code <refund>}. */
    @JacksonXmlRootElement(namespace = NS, localName = Refund.ELEMENT)
    @JsonPropertyOrder({"refundId", "indiciumId", "amount", "creditedTo", "refundedAt"})
    public static final class Refund {
        public static final String ELEMENT = "refund";
        public String refundId;
        public String indiciumId;
        public Money amount;
        public String creditedTo;
        public String refundedAt;
    }

    // --- Lookup and history ---

    /** {@code <purchaseLookupRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = PurchaseLookupRequest.ELEMENT)
    @JsonPropertyOrder({"purchaseId", "print"})
    public static final class PurchaseLookupRequest {
        public static final String ELEMENT = "purchaseLookupRequest";
        public String purchaseId;
        public PrintOptions print;
    }

    /** {@code <purchaseRecord>}. */
    @JacksonXmlRootElement(namespace = NS, localName = PurchaseRecord.ELEMENT)
    @JsonPropertyOrder({"purchase", "meterId", "refunds"})
    public static final class PurchaseRecord {
        public static final String ELEMENT = "purchaseRecord";
        public Purchase purchase;
        public String meterId;
        @JacksonXmlElementWrapper(namespace = NS, localName = "refunds")
        @JacksonXmlProperty(localName = "refund")
        public List<Refund> refunds;
    }

    /** {@code <purchaseListRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = PurchaseListRequest.ELEMENT)
    @JsonPropertyOrder({"from", "to", "pageSize", "pageToken"})
    public static final class PurchaseListRequest {
        public static final String ELEMENT = "purchaseListRequest";
        public String from;
        public String to;
        public String pageSize;
        public String pageToken;
    }

    /** {@code <purchasePage>}. */
    @JacksonXmlRootElement(namespace = NS, localName = PurchasePage.ELEMENT)
    @JsonPropertyOrder({"purchases", "nextPageToken"})
    public static final class PurchasePage {
        public static final String ELEMENT = "purchasePage";
        @JacksonXmlElementWrapper(namespace = NS, localName = "purchases")
        @JacksonXmlProperty(localName = "purchase")
        public List<PurchaseSummary> purchases;
        public String nextPageToken;
    }

    /** One purchase of a page. */
    @JsonPropertyOrder({"purchaseId", "meterId", "issuedAt", "total", "payment", "indiciumCount", "refundedCount"})
    public static final class PurchaseSummary {
        public String purchaseId;
        public String meterId;
        public String issuedAt;
        public Money total;
        public PaymentSummary payment;
        public String indiciumCount;
        public String refundedCount;
    }

    /** {@code <journalExportRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = JournalExportRequest.ELEMENT)
    @JsonPropertyOrder({"from", "to", "format", "meterId"})
    public static final class JournalExportRequest {
        public static final String ELEMENT = "journalExportRequest";
        public String from;
        public String to;
        public String format;
        public String meterId;
    }

    /** {@code <journalExport>}. */
    @JacksonXmlRootElement(namespace = NS, localName = JournalExport.ELEMENT)
    @JsonPropertyOrder({"format", "from", "to", "entryCount", "content"})
    public static final class JournalExport {
        public static final String ELEMENT = "journalExport";
        public String format;
        public String from;
        public String to;
        public String entryCount;
        public String content;
    }

    // --- Account statement ---

    /** {@code <accountStatement>}. */
    @JacksonXmlRootElement(namespace = NS, localName = AccountStatement.ELEMENT)
    @JsonPropertyOrder({"partnerId", "mode", "meters", "asOf"})
    public static final class AccountStatement {
        public static final String ELEMENT = "accountStatement";
        public String partnerId;
        public String mode;
        @JacksonXmlElementWrapper(namespace = NS, localName = "meters")
        @JacksonXmlProperty(localName = "meter")
        public List<MeterStatement> meters;
        public String asOf;
    }

    /** One meter's registers. */
    @JsonPropertyOrder({"meterId", "mode", "ascending", "descending", "controlTotal", "piecesIssued"})
    public static final class MeterStatement {
        public String meterId;
        public String mode;
        public Money ascending;
        public Money descending;
        public Money controlTotal;
        public String piecesIssued;
    }

    // --- Catalogue, keys, print component ---

    /** {@code <backgroundCatalogue>}. */
    @JacksonXmlRootElement(namespace = NS, localName = BackgroundCatalogue.ELEMENT)
    public static final class BackgroundCatalogue {
        public static final String ELEMENT = "backgroundCatalogue";
        @JacksonXmlElementWrapper(namespace = NS, localName = "images")
        @JacksonXmlProperty(localName = "image")
        public List<BackgroundImage> images;
    }

    /** One background image. */
    @JsonPropertyOrder({"id", "title", "mediaType", "widthPx", "heightPx", "content"})
    public static final class BackgroundImage {
        public String id;
        public String title;
        public String mediaType;
        public String widthPx;
        public String heightPx;
        public String content;
    }

    /** {@code <verificationKeySet>}. */
    @JacksonXmlRootElement(namespace = NS, localName = VerificationKeySet.ELEMENT)
    public static final class VerificationKeySet {
        public static final String ELEMENT = "verificationKeySet";
        @JacksonXmlElementWrapper(namespace = NS, localName = "keys")
        @JacksonXmlProperty(localName = "key")
        public List<VerificationKey> keys;
    }

    /** One published key. */
    @JsonPropertyOrder({"keyId", "algorithm", "publicKey", "activeFrom", "retiredAt", "lastDateOfMailing", "revokedAt",
            "mode"})
    public static final class VerificationKey {
        public String keyId;
        public String algorithm;
        public String publicKey;
        public String activeFrom;
        public String retiredAt;
        public String lastDateOfMailing;
        public String revokedAt;
        public String mode;
    }

    /** {@code <printComponent>}. */
    @JacksonXmlRootElement(namespace = NS, localName = PrintComponent.ELEMENT)
    @JsonPropertyOrder({"version", "mediaType", "sha256", "script"})
    public static final class PrintComponent {
        public static final String ELEMENT = "printComponent";
        public String version;
        public String mediaType;
        public String sha256;
        public String script;
    }

    // --- Verify ---

    /** {@code <verifyRequest>}. */
    @JacksonXmlRootElement(namespace = NS, localName = VerifyRequest.ELEMENT)
    public static final class VerifyRequest {
        public static final String ELEMENT = "verifyRequest";
        public String indicium;
    }

    /** {@code <verificationResult>}. */
    @JacksonXmlRootElement(namespace = NS, localName = VerificationResult.ELEMENT)
    @JsonPropertyOrder({"verdict", "signatureValid", "refunded", "previousScans", "detail", "indicium"})
    public static final class VerificationResult {
        public static final String ELEMENT = "verificationResult";
        public String verdict;
        public String signatureValid;
        public String refunded;
        public String previousScans;
        public String detail;
        public IndiciumFields indicium;
    }

    /** The decoded fields of an indicium. */
    @JsonPropertyOrder({"algorithm", "keyId", "vendorId", "meterId", "pieceSerial", "ascendingRegister",
            "descendingRegister", "postage", "dateOfMailing", "origin", "destination", "mailClass", "softwareId",
            "testMode"})
    public static final class IndiciumFields {
        public String algorithm;
        public String keyId;
        public String vendorId;
        public String meterId;
        public String pieceSerial;
        public String ascendingRegister;
        public String descendingRegister;
        public Money postage;
        public String dateOfMailing;
        public String origin;
        public String destination;
        public String mailClass;
        public String softwareId;
        public String testMode;
    }

    // --- Error ---

    /** {@code <error>}: the body of every response with status 400 or more. */
    @JacksonXmlRootElement(namespace = NS, localName = Error.ELEMENT)
    @JsonPropertyOrder({"code", "message", "requestId", "retryable"})
    public static final class Error {
        public static final String ELEMENT = "error";
        public String code;
        public String message;
        public String requestId;
        public String retryable;
    }
}
