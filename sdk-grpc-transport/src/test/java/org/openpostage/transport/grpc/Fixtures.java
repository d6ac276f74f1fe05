package org.openpostage.transport.grpc;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/** Sample requests. */
final class Fixtures {
    private Fixtures() {
    }

    static LocalDate mailingDay() {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1);
    }

    /** A 20 g letter with dimensions and a destination. */
    static MailPiece letter() {
        return new MailPiece(MailClass.LETTER, Weight.ofGrams(20), new Dimensions(220, 110, 5), PostalCode.of("94107"),
                PostalCode.of("10001"));
    }

    /** A parcel without dimensions or destination. */
    static MailPiece parcel() {
        return MailPiece.of(MailClass.PARCEL, Weight.ofGrams(1200), PostalCode.of("SW1A 1AA"));
    }

    static QuoteRequest quote(MailPiece piece) {
        return new QuoteRequest(piece, mailingDay());
    }

    static PurchaseItem item(MailPiece piece) {
        return new PurchaseItem(piece, InMemoryPostalService.price(piece), mailingDay());
    }

    static CardPayment card() {
        return new CardPayment("4111 1111 1111 1111", YearMonth.now(ZoneOffset.UTC).plusYears(2), "123", "Ada Lovelace");
    }

    static CardPayment declinedCard() {
        return new CardPayment(InMemoryPostalService.DECLINED_CARD, YearMonth.now(ZoneOffset.UTC).plusYears(1), "999",
                null);
    }

    /** {@code n} letters paid by {@code payment}, rendered as {@code print}. */
    static PurchaseRequest purchase(int n, PaymentMethod payment, PrintOptions print) {
        List<PurchaseItem> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(item(i % 2 == 0 ? letter() : parcel()));
        }
        return new PurchaseRequest(items, payment, print, null);
    }

    /** One letter from the account, data only. */
    static PurchaseRequest oneLetter() {
        return PurchaseRequest.of(List.of(item(letter())), PaymentMethod.account());
    }
}
