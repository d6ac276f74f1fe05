package org.openpostage.transport.xml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.transport.xml.XmlLimits;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.Xsd;

/**
 * Every message survives model -> XML -> model unchanged, and every document written validates
 * against the schema (checked by the JDK's validator, independently of the transport's reader).
 */
class WireRoundTripTest {
    private static final XmlLimits R = XmlLimits.REQUESTS;
    private static final HardenedXml.Limits LIMITS = new HardenedXml.Limits(R.maxBodyBytes(), R.maxDepth(),
            R.maxElements(), R.maxTextLength(), R.maxAttributesPerElement());
    private final XmlCodec server = XmlCodec.strict(LIMITS);
    private final XmlCodec client = XmlCodec.lenient(new HardenedXml.Limits(64L << 20, 32, 1_000_000, 1 << 26, 8));
    private final InMemoryPostalService service = new InMemoryPostalService();
    private final CallContext live = new CallContext("k-1", null, "r-1", new Caller("partner-a", Mode.LIVE, "key-1"));

    private byte[] write(Object wire, String what) {
        byte[] xml = server.write(wire);
        Xsd.assertValid(xml, what);
        return xml;
    }

    @Test
    void requestsRoundTripThroughTheStrictReader() {
        QuoteRequest quote = Samples.quote();
        assertEquals(quote, WireToModel.quoteRequest(server.read(write(ModelToWire.quoteRequest(quote), "quote"),
                Wire.QuoteRequest.class, Wire.QuoteRequest.ELEMENT)));
        QuoteRequest undated = QuoteRequest.of(Samples.parcel());
        assertEquals(undated, WireToModel.quoteRequest(server.read(write(ModelToWire.quoteRequest(undated), "quote"),
                Wire.QuoteRequest.class, Wire.QuoteRequest.ELEMENT)));
        for (PurchaseRequest p : List.of(Samples.twoPieces(), Samples.purchase(PaymentMethod.account()),
                Samples.purchase(Samples.card()).withMeter(1001L).withPrint(
                        org.openpostage.api.model.PrintOptions.png(600).withBackground("bg-harbour")),
                Samples.addressed().withPrint(org.openpostage.api.model.PrintOptions.zpl(300)))) {
            assertEquals(p, WireToModel.purchaseRequest(server.read(write(ModelToWire.purchaseRequest(p), "purchase"),
                    Wire.PurchaseRequest.class, Wire.PurchaseRequest.ELEMENT), Wire.PurchaseRequest.ELEMENT));
        }
        BatchPurchaseRequest batch = Samples.batch();
        assertEquals(batch, WireToModel.batchPurchaseRequest(server.read(write(ModelToWire.batchPurchaseRequest(batch),
                "batch"), Wire.BatchPurchaseRequest.class, Wire.BatchPurchaseRequest.ELEMENT)));
        RefundRequest refund = new RefundRequest("ind-1001-1");
        assertEquals(refund, WireToModel.refundRequest(server.read(write(ModelToWire.refundRequest(refund), "refund"),
                Wire.RefundRequest.class, Wire.RefundRequest.ELEMENT)));
        VerifyRequest verify = new VerifyRequest(Bytes.of(new byte[] {1, 2, 3}));
        assertEquals(verify, WireToModel.verifyRequest(server.read(write(ModelToWire.verifyRequest(verify), "verify"),
                Wire.VerifyRequest.class, Wire.VerifyRequest.ELEMENT)));
    }

    @Test
    void responsesRoundTripThroughTheClientReader() {
        var quote = service.quote(Samples.quote(), live);
        assertEquals(quote, WireToModel.rateQuote(client.read(write(ModelToWire.rateQuote(quote), "rateQuote"),
                Wire.RateQuote.class, Wire.RateQuote.ELEMENT)));
        Purchase purchase = service.purchase(Samples.twoPieces(), live);
        assertEquals(purchase, WireToModel.purchase(client.read(write(ModelToWire.purchase(purchase), "purchase"),
                Wire.Purchase.class, Wire.Purchase.ELEMENT), Wire.Purchase.ELEMENT));
        var batch = service.purchaseBatch(Samples.batch(), live.withIdempotencyKey("k-2"));
        assertEquals(batch, WireToModel.batchPurchaseResult(client.read(write(ModelToWire.batchPurchaseResult(batch),
                "batch result"), Wire.BatchPurchaseResult.class, Wire.BatchPurchaseResult.ELEMENT)));
        var refund = service.refund(new RefundRequest(purchase.indicia().get(0).indiciumId()), live.withIdempotencyKey("k-3"));
        assertEquals(refund, WireToModel.refund(client.read(write(ModelToWire.refund(refund), "refund"),
                Wire.Refund.class, Wire.Refund.ELEMENT)));
        var statement = service.accountStatement(live);
        assertEquals(statement, WireToModel.accountStatement(client.read(write(ModelToWire.accountStatement(statement),
                "statement"), Wire.AccountStatement.class, Wire.AccountStatement.ELEMENT)));
        var catalogue = service.backgrounds(live);
        assertEquals(catalogue, WireToModel.backgroundCatalogue(client.read(write(
                ModelToWire.backgroundCatalogue(catalogue), "catalogue"), Wire.BackgroundCatalogue.class,
                Wire.BackgroundCatalogue.ELEMENT)));
        VerificationKeySet keys = new VerificationKeySet(List.of(service.keys().keys().get(0),
                new VerificationKey(6, SignatureAlgorithm.ECDSA_P256_SHA256, service.keys().keys().get(0).publicKey(),
                        Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00.123Z")),
                new VerificationKey(5, SignatureAlgorithm.ECDSA_P256_SHA256, service.keys().keys().get(0).publicKey(),
                        Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"),
                        java.time.LocalDate.parse("2025-01-09"), Instant.parse("2025-03-01T12:00:00Z"))));
        assertEquals(keys, WireToModel.verificationKeySet(client.read(write(ModelToWire.verificationKeySet(keys), "keys"),
                Wire.VerificationKeySet.class, Wire.VerificationKeySet.ELEMENT)));
        var component = service.printComponent(live);
        assertEquals(component, WireToModel.printComponent(client.read(write(ModelToWire.printComponent(component),
                "print component"), Wire.PrintComponent.class, Wire.PrintComponent.ELEMENT)));
        var result = service.verify(new VerifyRequest(purchase.indicia().get(1).data()), live);
        assertEquals(result, WireToModel.verificationResult(client.read(write(ModelToWire.verificationResult(result),
                "verification"), Wire.VerificationResult.class, Wire.VerificationResult.ELEMENT)));
    }

    @Test
    void emptyListsAreWrittenAndReadAsEmpty() {
        var empty = new org.openpostage.api.model.BackgroundCatalogue(List.of());
        byte[] xml = write(ModelToWire.backgroundCatalogue(empty), "empty catalogue");
        assertTrue(new String(xml, StandardCharsets.UTF_8).contains("<images/>"));
        assertEquals(empty, WireToModel.backgroundCatalogue(client.read(xml, Wire.BackgroundCatalogue.class,
                Wire.BackgroundCatalogue.ELEMENT)));
    }

    @Test
    void errorsRoundTripToTheirExceptions() {
        for (ErrorCode code : ErrorCode.values()) {
            PostageException e = code.toException("went wrong: " + code, null);
            byte[] xml = write(ModelToWire.error(e, "req-9"), "error " + code);
            PostageException back = WireToModel.error(client.read(xml, Wire.Error.class, Wire.Error.ELEMENT));
            assertEquals(e.getClass(), back.getClass());
            assertEquals(code, back.code());
            assertEquals("went wrong: " + code, back.getMessage());
            assertEquals("req-9", back.requestId());
        }
    }

    @Test
    void errorMessagesAreCutAndCleanedForXml() {
        String nasty = "bad \u0001 byte \uD800 and a very long tail" + "x".repeat(5000);
        byte[] xml = write(ModelToWire.error(new PaymentDeclinedException(nasty), "r"), "nasty error");
        String text = new String(xml, StandardCharsets.UTF_8);
        assertFalse(text.contains("\u0001"));
        assertTrue(text.contains("bad \uFFFD byte \uFFFD and"));
        assertTrue(text.length() < 1500);
    }

    @Test
    void aValueOfANewerServerIsUnknownNotAnError() {
        String newer = "<verificationResult xmlns=\"https://openpostage.org/postage/v1\"><verdict>STAMPED_TWICE</verdict>"
                + "<signatureValid>true</signatureValid><refunded>false</refunded><previousScans>0</previousScans>"
                + "<detail>a verdict of a newer server</detail><indicium><algorithm>ECDSA_P256_SHA256</algorithm>"
                + "<keyId>1</keyId><vendorId>1</vendorId><meterId>1</meterId><pieceSerial>1</pieceSerial>"
                + "<ascendingRegister>73</ascendingRegister><descendingRegister>100</descendingRegister>"
                + "<postage currency=\"USD\">73</postage><dateOfMailing>2026-07-01</dateOfMailing><origin>94107</origin>"
                + "<mailClass>LETTER</mailClass><softwareId>1</softwareId><testMode>true</testMode></indicium>"
                + "</verificationResult>";
        var result = WireToModel.verificationResult(client.read(newer.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Wire.VerificationResult.class, Wire.VerificationResult.ELEMENT));
        assertEquals(org.openpostage.api.model.Verdict.UNKNOWN, result.verdict());
        // a server still refuses what its schema does not list
        assertThrows(org.openpostage.api.error.InvalidRequestException.class, () -> server.read(
                newer.getBytes(java.nio.charset.StandardCharsets.UTF_8), Wire.VerificationResult.class,
                Wire.VerificationResult.ELEMENT));
    }
}
