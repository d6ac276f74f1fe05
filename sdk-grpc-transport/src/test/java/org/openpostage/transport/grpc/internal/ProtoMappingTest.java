package org.openpostage.transport.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.Indicium;
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
import org.openpostage.api.model.PurchaseRequest;
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
import org.openpostage.transport.grpc.internal.proto.V1;

/** Every model value survives the trip to its message and back, and broken messages name the field. */
class ProtoMappingTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 24);
    private static final Instant AT = Instant.parse("2026-11-25T10:15:30.123456789Z");
    private static final MailPiece FULL = new MailPiece(MailClass.REGISTERED_LETTER, Weight.ofGrams(80),
            new Dimensions(229, 162, 10), PostalCode.of("SW1A 1AA"), PostalCode.of("10115"));
    private static final MailPiece BARE = MailPiece.of(MailClass.PARCEL, Weight.ofGrams(70_000), PostalCode.of("94107"));

    @Test
    void requestsRoundTrip() {
        for (QuoteRequest q : List.of(new QuoteRequest(FULL, DAY), QuoteRequest.of(BARE))) {
            assertEquals(q, ProtoRequests.quote(ProtoRequests.quote(q)));
        }
        PurchaseItem item = new PurchaseItem(FULL, Money.of(145, "EUR"), DAY);
        CardPayment card = new CardPayment("5555 5555 5555 4444", YearMonth.of(2030, 1), "1234", "Grace Hopper");
        List<PurchaseRequest> purchases = List.of(
                new PurchaseRequest(List.of(item, item), card, PrintOptions.png(203).withBackground("bg-1"), 77L),
                new PurchaseRequest(List.of(item), new CardPayment("4111111111111111", YearMonth.of(2029, 12), "123",
                        null), PrintOptions.pdf(), null),
                PurchaseRequest.of(List.of(item), PaymentMethod.account()),
                PurchaseRequest.of(List.of(item.withAddresses(
                        org.openpostage.api.model.Address.of("GB", "Ada Lovelace", List.of("10 Downing Street"),
                                "London", null, "sw1a1aa"),
                        org.openpostage.api.model.Address.of("DE", "Erika Mustermann", List.of("Heidestraße 17", "c/o Lab"),
                                "Berlin", null, "10115")),
                        new PurchaseItem(BARE, Money.of(145, "EUR"), DAY).withAddresses(null,
                                org.openpostage.api.model.Address.freeForm("JP", "Yamada Taro",
                                List.of("1-1 Chiyoda", "Tokyo 100-0001")))), PaymentMethod.account())
                        .withPrint(PrintOptions.zpl(203)));
        for (PurchaseRequest p : purchases) {
            assertEquals(p, ProtoRequests.purchase(ProtoRequests.purchase(p)));
        }
        BatchPurchaseRequest batch = new BatchPurchaseRequest(List.of(new BatchEntry("a", purchases.get(0)),
                new BatchEntry("b", purchases.get(2))));
        assertEquals(batch, ProtoRequests.batch(ProtoRequests.batch(batch)));
        RefundRequest refund = new RefundRequest("ind-1-2");
        assertEquals(refund, ProtoRequests.refund(ProtoRequests.refund(refund)));
        VerifyRequest verify = new VerifyRequest(Bytes.of(new byte[] {1, 2, 3}));
        assertEquals(verify, ProtoRequests.verify(ProtoRequests.verify(verify)));
    }

    @Test
    void responsesRoundTrip() throws Exception {
        RateQuote quote = new RateQuote(FULL, Money.of(95, "GBP"), "2026-11", 3, DAY);
        assertEquals(quote, ProtoResponses.rateQuote(ProtoResponses.rateQuote(quote)));

        Purchase purchase = purchase();
        assertEquals(purchase, ProtoResponses.purchase(ProtoResponses.purchase(purchase)));

        BatchPurchaseResult batch = new BatchPurchaseResult(List.of(BatchItemResult.success("a", purchase),
                BatchItemResult.failure("b", new PostageError(ErrorCode.PAYMENT_DECLINED, "declined"))));
        assertEquals(batch, ProtoResponses.batch(ProtoResponses.batch(batch)));

        Refund refund = new Refund("r-1", "ind-1", Money.of(60, "USD"), PaymentKind.CARD, AT);
        assertEquals(refund, ProtoResponses.refund(ProtoResponses.refund(refund)));

        AccountStatement statement = new AccountStatement("portal-1", Mode.LIVE, List.of(new MeterStatement(9,
                Mode.LIVE, Money.of(100, "USD"), Money.of(900, "USD"), Money.of(1000, "USD"), 4)), AT);
        assertEquals(statement, ProtoResponses.accountStatement(ProtoResponses.accountStatement(statement)));
        AccountStatement empty = new AccountStatement("portal-1", Mode.TEST, List.of(), AT);
        assertEquals(empty, ProtoResponses.accountStatement(ProtoResponses.accountStatement(empty)));

        BackgroundCatalogue catalogue = new BackgroundCatalogue(List.of(new BackgroundImage("bg-1", "Sea",
                "image/jpeg", Bytes.of(new byte[] {9, 8, 7}), 640, 480)));
        assertEquals(catalogue, ProtoResponses.backgrounds(ProtoResponses.backgrounds(catalogue)));

        var ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        var ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        VerificationKeySet keys = new VerificationKeySet(List.of(
                VerificationKey.of(7, SignatureAlgorithm.ECDSA_P256_SHA256, ec, AT, null),
                VerificationKey.of(6, SignatureAlgorithm.ED25519, ed, AT.minusSeconds(86_400), AT),
                VerificationKey.of(5, SignatureAlgorithm.ED25519, ed, AT.minusSeconds(172_800), AT.minusSeconds(86_400))
                        .asRetired(AT.minusSeconds(86_400), java.time.LocalDate.ofInstant(AT, java.time.ZoneOffset.UTC).plusDays(7))
                        .asRevoked(AT)));
        assertEquals(keys, ProtoResponses.verificationKeys(ProtoResponses.verificationKeys(keys)));

        PrintComponent component = PrintComponent.of("1.2.3", Bytes.of("x()".getBytes()));
        assertEquals(component, ProtoResponses.printComponent(ProtoResponses.printComponent(component)));

        for (PostalCode destination : new PostalCode[] {null, PostalCode.of("10001")}) {
            VerificationResult result = new VerificationResult(Verdict.REFUNDED, indiciumData(destination), true,
                    true, 2, "refunded on 2026-11-20");
            assertEquals(result, ProtoResponses.verification(ProtoResponses.verification(result)));
        }
    }

    @ParameterizedTest
    @EnumSource(MailClass.class)
    void mailClassesKeepTheirIndiciumCodes(MailClass mailClass) {
        assertEquals(mailClass.code(), ProtoValues.mailClass(mailClass).getNumber());
        assertEquals(mailClass, ProtoValues.mailClass("f", ProtoValues.mailClass(mailClass).getNumber()));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void algorithmsKeepTheirIds(SignatureAlgorithm algorithm) {
        assertEquals(algorithm.id(), ProtoValues.algorithm(algorithm).getNumber());
        assertEquals(algorithm, ProtoValues.algorithm("f", algorithm.id()));
    }

    @Test
    void everyEnumConstantRoundTrips() {
        for (Mode v : Mode.values()) {
            if (v != Mode.UNKNOWN) {
                assertEquals(v, ProtoValues.mode("f", ProtoValues.mode(v).getNumber()));
            }
        }
        for (OutputFormat v : OutputFormat.values()) {
            if (v != OutputFormat.UNKNOWN) {
                assertEquals(v, ProtoValues.outputFormat("f", ProtoValues.outputFormat(v).getNumber()));
            }
        }
        for (PaymentKind v : PaymentKind.values()) {
            if (v != PaymentKind.UNKNOWN) {
                assertEquals(v, ProtoValues.paymentKind("f", ProtoValues.paymentKind(v).getNumber()));
            }
        }
        for (CardBrand v : CardBrand.values()) {
            if (v != CardBrand.UNKNOWN) {
                assertEquals(v, ProtoValues.cardBrand("f", ProtoValues.cardBrand(v).getNumber()));
            }
        }
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.UNKNOWN) {
                assertEquals(v, ProtoValues.verdict("f", ProtoValues.verdict(v).getNumber()));
            }
        }
        assertNull(ProtoValues.cardBrand("f", 0));
    }

    @Test
    void aValueOfANewerServerIsUnknownNotAnError() {
        assertEquals(Verdict.UNKNOWN, ProtoValues.verdict("verdict", 99));
        assertEquals(Mode.UNKNOWN, ProtoValues.mode("mode", 7));
        assertEquals(PaymentKind.UNKNOWN, ProtoValues.paymentKind("kind", 3));
        assertEquals(CardBrand.UNKNOWN, ProtoValues.cardBrand("brand", 42));
        assertEquals(OutputFormat.UNKNOWN, ProtoValues.outputFormat("format", 9));
        // and a server refuses it in a request, naming the field
        org.openpostage.api.error.InvalidRequestException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.openpostage.api.error.InvalidRequestException.class,
                () -> new org.openpostage.api.model.PrintOptions(OutputFormat.UNKNOWN, 300, null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("print.format"), e.getMessage());
    }

    @Test
    void brokenMessagesNameTheField() {
        V1.PurchaseRequest valid = ProtoRequests.purchase(PurchaseRequest.of(List.of(
                new PurchaseItem(FULL, Money.of(145, "EUR"), DAY)), PaymentMethod.account()));

        assertMessage("items[0]: item.price is required", () -> ProtoRequests.purchase(valid.toBuilder()
                .setItems(0, valid.getItems(0).toBuilder().clearPrice()).build()));
        assertMessage("items[0]: money.currency 'XYZ' is not an ISO 4217 currency code", () -> ProtoRequests.purchase(
                valid.toBuilder().setItems(0, valid.getItems(0).toBuilder().setPrice(V1.Money.newBuilder()
                        .setMinorUnits(1).setCurrency("XYZ"))).build()));
        assertMessage("items[0]: piece.mailClass: 99 is not a value this version knows", () -> ProtoRequests.purchase(
                valid.toBuilder().setItems(0, valid.getItems(0).toBuilder().setPiece(valid.getItems(0).getPiece()
                        .toBuilder().setMailClassValue(99))).build()));
        assertMessage("items[0]: dateOfMailing is not a valid date: year 2026, month 2, day 30",
                () -> ProtoRequests.purchase(valid.toBuilder().setItems(0, valid.getItems(0).toBuilder()
                        .setDateOfMailing(V1.Date.newBuilder().setYear(2026).setMonth(2).setDay(30))).build()));
        assertMessage("items[0]: piece.origin: postalCode '' must have 3 to 10 characters",
                () -> ProtoRequests.purchase(valid.toBuilder().setItems(0, valid.getItems(0).toBuilder()
                        .setPiece(valid.getItems(0).getPiece().toBuilder().clearOrigin())).build()));
        assertMessage("payment must be a card or the account", () -> ProtoRequests.purchase(valid.toBuilder()
                .setPayment(V1.PaymentMethod.getDefaultInstance()).build()));
        assertMessage("print.format is required", () -> ProtoRequests.purchase(valid.toBuilder()
                .setPrint(V1.PrintOptions.newBuilder().setDpi(300)).build()));
        assertMessage("card.expiry is not a valid month: year 2030, month 13", () -> ProtoRequests.purchase(
                valid.toBuilder().setPayment(V1.PaymentMethod.newBuilder().setCard(V1.CardPayment.newBuilder()
                        .setNumber("4111111111111111").setExpiryYear(2030).setExpiryMonth(13).setCvv("123"))).build()));
        assertMessage("entries[1]: entry.reference must have 1 to 64 characters, had 0", () -> ProtoRequests.batch(
                V1.BatchPurchaseRequest.newBuilder().addEntries(V1.BatchEntry.newBuilder().setReference("a")
                        .setRequest(valid)).addEntries(V1.BatchEntry.newBuilder().setRequest(valid)).build()));
        assertMessage("issuedAt.nanos must be between 0 and 999999999, was -1", () -> ProtoValues.instant("issuedAt",
                Timestamp.newBuilder().setNanos(-1).build()));
    }

    private static void assertMessage(String expected, Runnable decoding) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, decoding::run);
        assertEquals(expected, e.getMessage());
    }

    private static Purchase purchase() {
        Indicium withImage = new Indicium("ind-1", Bytes.of(new byte[] {1, 2, 3}),
                new RenderedImage(OutputFormat.PNG, Bytes.of(new byte[] {4, 5}), 600));
        Indicium dataOnly = new Indicium("ind-2", Bytes.of(new byte[] {6}), null);
        return new Purchase("p-1", List.of(withImage, dataOnly), Money.of(290, "EUR"),
                new PaymentSummary(PaymentKind.CARD, Money.of(290, "EUR"), CardBrand.MASTERCARD, "4444", "gw-1"),
                Mode.TEST, AT);
    }

    private static IndiciumData indiciumData(PostalCode destination) {
        return IndiciumData.builder().algorithm(SignatureAlgorithm.ED25519).keyId(4_000_000_000L).vendorId(65_535)
                .meterId(4_294_967_295L).pieceSerial(12).ascendingRegister(281_474_976_710_655L)
                .descendingRegister(5).postage(Money.of(145, "EUR")).dateOfMailing(DAY).origin(PostalCode.of("10115"))
                .destination(destination).mailClass(MailClass.PRIORITY_PARCEL).softwareId(3).testMode(true).build();
    }
}
