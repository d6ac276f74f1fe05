package org.openpostage.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

class ValueTypesTest {
    private static final MailPiece LETTER = MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"));
    private static final PurchaseItem ITEM = new PurchaseItem(LETTER, Money.of(69, "USD"), LocalDate.of(2026, 12, 1));

    @Test
    void postalCodesAreNormalized() {
        assertEquals("94107", PostalCode.of("94107 \n").value());
        assertEquals("SW1A 1AA", PostalCode.of("  sw1a 1aa ").value());
        assertEquals("94107-1234", PostalCode.of("94107-1234").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12", "12345678901", "9410_7", "94\t07", "-9410", "94  07", "94--07", "9410\u0000", "9410-", "ÄÖÜ12"})
    void badPostalCodesAreRejected(String code) {
        var e = assertThrows(InvalidRequestException.class, () -> PostalCode.of(code));
        assertTrue(e.getMessage().startsWith("postalCode"), e.getMessage());
    }

    @Test
    void weightsAndDimensionsAreBounded() {
        assertThrows(InvalidRequestException.class, () -> Weight.ofGrams(0));
        assertThrows(InvalidRequestException.class, () -> Weight.ofGrams(Weight.MAX_GRAMS + 1));
        var e = assertThrows(InvalidRequestException.class, () -> new Dimensions(100, 0, 5));
        assertEquals("dimensions.widthMm must be between 1 and 3000, was 0", e.getMessage());
    }

    @Test
    void mailClassesRoundTripByCodeAndName() {
        for (MailClass c : MailClass.values()) {
            assertEquals(c, MailClass.fromCode(c.code()));
            assertEquals(c, MailClass.parse(c.name()));
        }
        var e = assertThrows(InvalidRequestException.class, () -> MailClass.parse("CARRIER_PIGEON"));
        assertTrue(e.getMessage().contains("CARRIER_PIGEON"));
    }

    @Test
    void cardPaymentNeverShowsTheNumberOrCvv() {
        CardPayment card = new CardPayment("4242 4242 4242 4242", YearMonth.of(2030, 1), "123", "Ada Lovelace");
        String s = card.toString();
        assertFalse(s.contains("42424242"), s);
        assertFalse(s.contains("123"), s);
        assertEquals("CardPayment[VISA ending 4242, expires 2030-01]", s);
        assertEquals("4242", card.last4());
        assertEquals("4242424242424242", card.number());
    }

    @Test
    void cardNumbersAreCheckedBeforeAnyGatewaySeesThem() {
        var luhn = assertThrows(InvalidRequestException.class,
                () -> new CardPayment("4242424242424241", YearMonth.of(2030, 1), "123", null));
        assertEquals("card.number fails the Luhn check: a digit is mistyped", luhn.getMessage());
        assertThrows(InvalidRequestException.class, () -> new CardPayment("4242", YearMonth.of(2030, 1), "123", null));
        assertThrows(InvalidRequestException.class,
                () -> new CardPayment("4242424242424242", YearMonth.of(2030, 1), "12", null));
        assertThrows(InvalidRequestException.class,
                () -> new CardPayment("4242424242424242", YearMonth.of(2030, 1), "12a", null));
        // The messages never echo the number.
        assertFalse(luhn.getMessage().contains("4242"));
    }

    @Test
    void cardBrandsFollowIssuerPrefixes() {
        assertEquals(CardBrand.VISA, CardBrand.of("4111111111111111"));
        assertEquals(CardBrand.MASTERCARD, CardBrand.of("5555555555554444"));
        assertEquals(CardBrand.MASTERCARD, CardBrand.of("2223003122003222"));
        assertEquals(CardBrand.AMEX, CardBrand.of("378282246310005"));
        assertEquals(CardBrand.DISCOVER, CardBrand.of("6011111111111117"));
        assertEquals(CardBrand.OTHER, CardBrand.of("3530111333300000"));
    }

    @Test
    void purchaseRequestsCheckTheirItems() {
        PurchaseRequest ok = PurchaseRequest.of(List.of(ITEM, ITEM), PaymentMethod.account());
        assertEquals(Money.of(138, "USD"), ok.total());
        assertNull(ok.meterId());
        assertThrows(InvalidRequestException.class, () -> PurchaseRequest.of(List.of(), PaymentMethod.account()));
        PurchaseItem euro = new PurchaseItem(LETTER, Money.of(80, "EUR"), LocalDate.of(2026, 12, 1));
        var e = assertThrows(InvalidRequestException.class,
                () -> PurchaseRequest.of(List.of(ITEM, euro), PaymentMethod.account()));
        assertTrue(e.getMessage().startsWith("items[1].price"), e.getMessage());
        assertThrows(InvalidRequestException.class,
                () -> new PurchaseItem(LETTER, Money.of(-1, "USD"), LocalDate.of(2026, 12, 1)));
    }

    @Test
    void printOptionsNeedAnImageFormatForABackground() {
        assertEquals("bg-1", PrintOptions.png(600).withBackground("bg-1").backgroundId());
        assertThrows(InvalidRequestException.class, () -> PrintOptions.dataOnly().withBackground("bg-1"));
        assertThrows(InvalidRequestException.class, () -> PrintOptions.png(150));
    }

    @Test
    void batchReferencesAreUnique() {
        PurchaseRequest r = PurchaseRequest.of(List.of(ITEM), PaymentMethod.account());
        var e = assertThrows(InvalidRequestException.class, () -> new BatchPurchaseRequest(
                List.of(new BatchEntry("a", r), new BatchEntry("a", r))));
        assertEquals("entries: reference 'a' appears twice", e.getMessage());
    }

    @Test
    void batchResultsHaveExactlyOneOutcome() {
        assertThrows(InvalidRequestException.class, () -> new BatchItemResult("a", null, null));
        PostageError err = new PostageError(org.openpostage.api.error.ErrorCode.PAYMENT_DECLINED, "declined");
        assertFalse(BatchItemResult.failure("a", err).succeeded());
        assertFalse(err.retryable());
    }

    @Test
    void meterStatementsMustBalance() {
        Money asc = Money.of(300, "USD");
        Money desc = Money.of(700, "USD");
        new MeterStatement(1, Mode.LIVE, asc, desc, Money.of(1000, "USD"), 4);
        var e = assertThrows(InvalidRequestException.class,
                () -> new MeterStatement(1, Mode.LIVE, asc, desc, Money.of(999, "USD"), 4));
        assertTrue(e.getMessage().contains("do not balance"));
        assertThrows(InvalidRequestException.class,
                () -> new MeterStatement(1, Mode.LIVE, asc.negate(), Money.of(1300, "USD"), Money.of(1000, "USD"), 4));
    }

    @Test
    void printComponentsCarryAMatchingDigest() {
        Bytes js = Bytes.of("export const x = 1;".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PrintComponent pc = PrintComponent.of("1.0.0", js);
        assertEquals(js.sha256Hex(), pc.sha256());
        assertTrue(pc.integrity().startsWith("sha256-"));
        assertThrows(InvalidRequestException.class,
                () -> new PrintComponent("1.0.0", "text/javascript", js, "00".repeat(32)));
    }

    @Test
    void purchasesHoldAtLeastOneIndicium() {
        PaymentSummary pay = new PaymentSummary(PaymentKind.ACCOUNT, Money.of(69, "USD"), null, null, "j-1");
        assertThrows(InvalidRequestException.class,
                () -> new Purchase("p-1", List.of(), Money.of(69, "USD"), pay, Mode.TEST, Instant.EPOCH));
    }
}
