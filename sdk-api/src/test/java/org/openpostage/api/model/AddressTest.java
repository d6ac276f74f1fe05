package org.openpostage.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/** Addresses are checked and printed by their country's rules; purchase items tie them to the signed postal codes. */
class AddressTest {
    private static final List<String> STREET = List.of("1 Main St");

    @ParameterizedTest
    @CsvSource({
            "US, 94107, 94107",
            "US, 94107-1234, 94107-1234",
            "US, 941071234, 94107-1234",
            "CA, k1a0b1, K1A 0B1",
            "CA, K1A 0B1, K1A 0B1",
            "GB, sw1a1aa, SW1A 1AA",
            "GB, EC1A  1BB, EC1A 1BB",
            "GB, M1 1AE, M1 1AE",
            "GB, gir0aa, GIR 0AA",
            "DE, 10115, 10115",
            "FR, 75008, 75008"})
    void postalCodesAreNormalizedPerCountry(String country, String typed, String normalized) {
        assertEquals(normalized, AddressFormat.of(country).checkPostalCode(typed));
    }

    @ParameterizedTest
    @CsvSource({
            "US, 9410, 'address.postalCode ''9410'' is not a ZIP Code of the United States (5 digits, or ZIP+4 such as 94107-1234)'",
            "US, 94107-12, 'address.postalCode ''94107-12'' is not a ZIP Code of the United States (5 digits, or ZIP+4 such as 94107-1234)'",
            "US, 00000, 'address.postalCode ''00000'' is not a ZIP Code of the United States (5 digits, or ZIP+4 such as 94107-1234)'",
            "CA, D1A 0B1, 'address.postalCode ''D1A 0B1'' is not a postal code of Canada (letter digit letter, digit letter digit, such as K1A 0B1)'",
            "GB, SW1A, 'address.postalCode ''SW1A'' is not a UK postcode (such as SW1A 1AA)'",
            "GB, QQ1 1AA, 'address.postalCode ''QQ1 1AA'' is not a UK postcode (such as SW1A 1AA)'",
            "DE, 1011, 'address.postalCode ''1011'' is not a German postal code (5 digits, such as 10115)'",
            "DE, 101155, 'address.postalCode ''101155'' is not a German postal code (5 digits, such as 10115)'"})
    void wrongPostalCodesAreRefusedNamingThePattern(String country, String typed, String message) {
        var e = assertThrows(InvalidRequestException.class, () -> AddressFormat.of(country).checkPostalCode(typed));
        assertEquals(message, e.getMessage());
    }

    @Test
    void structuredCountriesNeedLocalityRegionAndPostalCode() {
        assertEquals("address.region is required for an address in United States: the state code, such as AL",
                assertThrows(InvalidRequestException.class,
                        () -> Address.of("US", "Ada", STREET, "San Francisco", null, "94107")).getMessage());
        assertEquals("address.region 'XX' is not a state of United States (use its two-letter code, such as AL)",
                assertThrows(InvalidRequestException.class,
                        () -> Address.of("US", "Ada", STREET, "San Francisco", "XX", "94107")).getMessage());
        assertEquals("CA", Address.of("us", "Ada", STREET, "San Francisco", "california", "94107").region());
        assertEquals("address.locality is required for an address in Germany (the ort)",
                assertThrows(InvalidRequestException.class,
                        () -> Address.of("DE", "Erika", STREET, null, null, "10115")).getMessage());
        assertEquals("address.postalCode is required for an address in United Kingdom: the Postcode, such as SW1A 1AA",
                assertThrows(InvalidRequestException.class,
                        () -> Address.of("GB", "Ada", STREET, "London", null, null)).getMessage());
        assertEquals("address.postalCode 'K1A 0B1' belongs to Ontario, not to Quebec",
                assertThrows(InvalidRequestException.class,
                        () -> Address.of("CA", "Ada", STREET, "Ottawa", "QC", "K1A 0B1")).getMessage());
        assertEquals("address.region must be empty for an address in Germany, which has no states or provinces in its addresses",
                assertThrows(InvalidRequestException.class,
                        () -> Address.of("DE", "Erika", STREET, "Berlin", "BE", "10115")).getMessage());
    }

    @Test
    void countriesAreIsoCodes() {
        assertEquals("address.country 'UK' is not an ISO 3166-1 code: the United Kingdom is 'GB'",
                assertThrows(InvalidRequestException.class, () -> AddressFormat.of("UK")).getMessage());
        assertEquals("address.country 'XY' is not an ISO 3166-1 alpha-2 country code such as US, CA, GB or DE",
                assertThrows(InvalidRequestException.class, () -> AddressFormat.of("XY")).getMessage());
        assertFalse(AddressFormat.of("jp").structured());
        assertEquals("Japan", AddressFormat.of("JP").countryName());
    }

    @Test
    void textIsLatinWithoutControlCharacters() {
        assertEquals("Müller & Söhne", Address.of("DE", " Müller & Söhne ", STREET, "Köln", null, "50667").name());
        var e = assertThrows(InvalidRequestException.class,
                () -> Address.of("DE", "Anna<script>", STREET, "Köln", null, "50667"));
        assertEquals("address.name may hold Latin letters, digits, spaces and . , - ' / # & ( ) + : ; only; found '<' at position 4",
                e.getMessage());
        assertThrows(InvalidRequestException.class, () -> Address.of("DE", "Анна", STREET, "Köln", null, "50667"));
        assertThrows(InvalidRequestException.class, () -> Address.of("DE", "Anna", List.of("a\nb"), "Köln", null, "50667"));
        assertThrows(InvalidRequestException.class, () -> Address.of("DE", "A".repeat(61), STREET, "Köln", null, "50667"));
        assertEquals("address.lines must have 1 to 4 lines that are not blank, had 0", assertThrows(InvalidRequestException.class,
                () -> Address.of("DE", "Anna", List.of(" "), "Köln", null, "50667")).getMessage());
        assertThrows(InvalidRequestException.class,
                () -> Address.freeForm("JP", "Anna", List.of("1", "2", "3", "4", "5")));
    }

    @Test
    void printedLinesFollowEachOperatorsRules() {
        Address us = Address.of("US", "Ada Lovelace", List.of("1600 Pennsylvania Ave NW"), "Washington", "DC", "20500-0003");
        assertEquals(List.of("ADA LOVELACE", "1600 PENNSYLVANIA AVE NW", "WASHINGTON DC 20500-0003"), us.printedLines("US"));
        assertEquals(List.of("ADA LOVELACE", "1600 PENNSYLVANIA AVE NW", "WASHINGTON DC 20500-0003", "UNITED STATES"),
                us.printedLines("DE"));
        Address ca = Address.of("CA", "Canada Post", List.of("2701 Riverside Dr"), "Ottawa", "ON", "k1a0b1");
        assertEquals(List.of("CANADA POST", "2701 RIVERSIDE DR", "OTTAWA ON  K1A 0B1"), ca.printedLines("CA"));
        Address gb = Address.of("GB", "Royal Mail", List.of("185 Farringdon Road"), "London", null, "ec1a1bb");
        assertEquals(List.of("Royal Mail", "185 Farringdon Road", "LONDON", "EC1A 1BB"), gb.printedLines("GB"));
        Address de = Address.of("DE", "Erika Mustermann", List.of("Heidestraße 17"), "Köln", null, "51147");
        assertEquals(List.of("Erika Mustermann", "Heidestraße 17", "51147 Köln"), de.printedLines("DE"));
        assertEquals(List.of("Erika Mustermann", "Heidestraße 17", "51147 Köln", "GERMANY"), de.printedLines("US"));
        Address jp = Address.freeForm("JP", "Yamada Taro", List.of("1-1 Chiyoda", "Tokyo 100-0001"));
        assertEquals(List.of("Yamada Taro", "1-1 Chiyoda", "Tokyo 100-0001", "JAPAN"), jp.printedLines("US"));
        assertNull(jp.postalCode());
    }

    @Test
    void purchaseItemsTieAddressesToTheSignedPostalCodes() {
        MailPiece piece = MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"))
                .withDestination(PostalCode.of("10115"));
        PurchaseItem item = new PurchaseItem(piece, Money.of(78, "USD"), LocalDate.of(2026, 12, 1));
        Address sender = Address.of("US", "Ada", STREET, "San Francisco", "CA", "94107-1234");
        Address recipient = Address.of("DE", "Erika", STREET, "Berlin", null, "10115");
        PurchaseItem addressed = item.withAddresses(sender, recipient);
        assertEquals(sender, addressed.sender());
        assertTrue(sender.hasPostalCode(PostalCode.of("94107")));
        assertFalse(sender.hasPostalCode(PostalCode.of("9410")));
        assertEquals("item.sender.postalCode '94110' is not the piece's origin 94107, which the indicium carries",
                assertThrows(InvalidRequestException.class, () -> item.withAddresses(
                        Address.of("US", "Ada", STREET, "San Francisco", "CA", "94110"), null)).getMessage());
        assertEquals("item.recipient.postalCode '10117' is not the piece's destination 10115, which the indicium carries",
                assertThrows(InvalidRequestException.class, () -> item.withAddresses(null,
                        Address.of("DE", "Erika", STREET, "Berlin", null, "10117"))).getMessage());
        assertEquals("item.recipient.postalCode is missing the piece's destination 10115, which the indicium carries",
                assertThrows(InvalidRequestException.class, () -> item.withAddresses(null,
                        Address.freeForm("JP", "Yamada", List.of("Tokyo")))).getMessage());
        // Without a destination on the piece the recipient is not tied to one.
        PurchaseItem undirected = new PurchaseItem(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107")),
                Money.of(78, "USD"), LocalDate.of(2026, 12, 1));
        assertEquals("JP", undirected.withAddresses(null, Address.freeForm("JP", "Yamada", List.of("Tokyo"))).recipient().country());
    }
}
