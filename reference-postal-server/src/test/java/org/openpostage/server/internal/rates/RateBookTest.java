package org.openpostage.server.internal.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/** The rate file format, its errors, tables taking effect by date, and zones. */
class RateBookTest {
    private static final String TWO_TABLES = """
            # two tables
            table version=2026-01 currency=USD effective-from=2026-01-01
            LETTER  20   0  78
            LETTER  50   0  105
            PARCEL  500  1  450
            PARCEL  500  2  520
            PARCEL  500  3  610
            PARCEL  500  4  720

            table version=2026-07 currency=USD effective-from=2026-07-01
            LETTER  20   0  82
            """;

    @Test
    void eachDateOfMailingIsPricedByTheTableInForceThatDay() {
        RateBook book = RateBook.parse(TWO_TABLES, "test");
        assertEquals(2, book.tables().size());
        assertEquals(78, price(book, letter(20), "2026-06-30"));
        assertEquals(82, price(book, letter(20), "2026-07-01"), "the new table takes effect on its date");
        assertEquals("2026-07", book.tableFor(LocalDate.parse("2027-01-01")).version());
        InvalidRequestException early = assertThrows(InvalidRequestException.class,
                () -> book.tableFor(LocalDate.parse("2025-12-31")));
        assertTrue(early.getMessage().contains("before the first rate table"), early.getMessage());
    }

    @Test
    void aPieceTakesTheLightestStepItFitsAndIsRefusedOverTheLimitOrUnsold() {
        RateBook book = RateBook.parse(TWO_TABLES, "test");
        assertEquals(105, price(book, letter(21), "2026-03-01"));
        assertEquals(105, price(book, letter(50), "2026-03-01"));
        assertMessage("over the 50 g limit", () -> price(book, letter(51), "2026-03-01"));
        assertMessage("is not sold under rate table 2026-07",
                () -> price(book, new MailPiece(MailClass.PARCEL, Weight.ofGrams(20), null, PostalCode.of("94107"),
                        PostalCode.of("10115")), "2026-08-01"));
    }

    @Test
    void parcelsArePricedByTheZoneBetweenOriginAndDestination() {
        RateBook book = RateBook.parse(TWO_TABLES, "test");
        assertEquals(1, Zones.between(PostalCode.of("94107"), PostalCode.of("94110")));
        assertEquals(2, Zones.between(PostalCode.of("94107"), PostalCode.of("94210")));
        assertEquals(3, Zones.between(PostalCode.of("94107"), PostalCode.of("95107")));
        assertEquals(4, Zones.between(PostalCode.of("94107"), PostalCode.of("10115")));
        assertEquals(Zones.between(PostalCode.of("SW1A 1AA"), PostalCode.of("SW1 9ZZ")),
                Zones.between(PostalCode.of("SW1A"), PostalCode.of("SW19")), "only letters and digits count");
        MailPiece far = new MailPiece(MailClass.PARCEL, Weight.ofGrams(400), null, PostalCode.of("94107"),
                PostalCode.of("10115"));
        assertEquals(720, book.price(far, LocalDate.parse("2026-03-01")).price().minorUnits());
        assertEquals(4, book.price(far, LocalDate.parse("2026-03-01")).zone());
        MailPiece nowhere = new MailPiece(MailClass.PARCEL, Weight.ofGrams(400), null, PostalCode.of("94107"), null);
        assertMessage("piece.destination is required", () -> book.price(nowhere, LocalDate.parse("2026-03-01")));
    }

    @Test
    void everyProblemInARateFileNamesItsLine() {
        String header = "table version=v1 currency=USD effective-from=2026-01-01\n";
        assertParseError("test line 1: a 'table version=", "LETTER 20 0 78\n");
        assertParseError("test line 1: currency 'XYZ1'", "table version=v1 currency=XYZ1 effective-from=2026-01-01\n");
        assertParseError("test line 1: effective-from '2026-13-01'",
                "table version=v1 currency=USD effective-from=2026-13-01\nLETTER 20 0 78\n");
        assertParseError("test line 1: the table line needs currency", "table version=v1 effective-from=2026-01-01\n");
        assertParseError("test line 2: expected '<class> <max-grams> <zone> <price>'", header + "LETTER 20 78\n");
        assertParseError("test line 2: price 'cheap' is not a whole number", header + "LETTER 20 0 cheap\n");
        assertParseError("test line 3: LETTER 20 g zone 0 is priced twice", header + "LETTER 20 0 78\nLETTER 20 0 80\n");
        assertParseError("test line 3: PARCEL mixes zone 0 with zones 1 to 4", header + "PARCEL 500 1 450\nPARCEL 500 0 450\n");
        assertParseError("test: table v1: PARCEL", header + "PARCEL 500 1 450\n");
        assertParseError("test line 3: version v1 appears twice", header + "LETTER 20 0 78\n" + header);
        assertParseError("has no rates", header);
    }

    private static void assertParseError(String expected, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateBook.parse(text, "test"));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static void assertMessage(String expected, Runnable r) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static MailPiece letter(int grams) {
        return new MailPiece(MailClass.LETTER, Weight.ofGrams(grams), null, PostalCode.of("94107"), PostalCode.of("10115"));
    }

    private static long price(RateBook book, MailPiece piece, String date) {
        return book.price(piece, LocalDate.parse(date)).price().minorUnits();
    }
}
