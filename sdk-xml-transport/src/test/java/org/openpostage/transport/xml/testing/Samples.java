package org.openpostage.transport.xml.testing;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchPurchaseRequest;
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

/** Example requests and documents shared by the tests. */
public final class Samples {
    /** A card that pays. */
    public static final String GOOD_CARD = "4111111111111111";
    /** The date of mailing used throughout. */
    public static final LocalDate MAILING = LocalDate.of(2026, 7, 1);

    private Samples() {
    }

    /** A 20 g letter from 94107 to 10001. */
    public static MailPiece letter() {
        return MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"))
                .withDestination(PostalCode.of("10001"));
    }

    /** A 1.2 kg parcel with dimensions. */
    public static MailPiece parcel() {
        return MailPiece.of(MailClass.PARCEL, Weight.ofGrams(1200), PostalCode.of("SW1A 1AA"))
                .withDimensions(new Dimensions(300, 200, 100));
    }

    /** A quote for {@link #letter()} on {@link #MAILING}. */
    public static QuoteRequest quote() {
        return new QuoteRequest(letter(), MAILING);
    }

    /** A card that pays, valid for years. */
    public static CardPayment card() {
        return card(GOOD_CARD);
    }

    /** A card with {@code number}. */
    public static CardPayment card(String number) {
        return new CardPayment(number, YearMonth.of(2031, 12), "123", "Ada Lovelace");
    }

    /** One correctly priced letter paid by {@code payment}. */
    public static PurchaseRequest purchase(PaymentMethod payment) {
        return PurchaseRequest.of(List.of(new PurchaseItem(letter(), InMemoryPostalService.price(letter()), MAILING)),
                payment);
    }

    /** Two letters with addresses (a sender alone, sender and recipient), paid from the account. */
    public static PurchaseRequest addressed() {
        PurchaseItem item = new PurchaseItem(letter(), InMemoryPostalService.price(letter()), MAILING);
        org.openpostage.api.model.Address sender = org.openpostage.api.model.Address.of("US", "Ada Lovelace",
                List.of("1 Market St", "Suite 200"), "San Francisco", "CA", item.piece().origin().value() + "-1234");
        return PurchaseRequest.of(List.of(item.withAddresses(sender, null),
                item.withAddresses(sender, org.openpostage.api.model.Address.of("US", "Grace Hopper",
                        List.of("350 5th Ave"), "New York", "NY", "10001"))), PaymentMethod.account());
    }

    /** A letter and a parcel, paid by card, rendered as PNG at 300 dpi. */
    public static PurchaseRequest twoPieces() {
        return new PurchaseRequest(List.of(
                new PurchaseItem(letter(), InMemoryPostalService.price(letter()), MAILING),
                new PurchaseItem(parcel(), InMemoryPostalService.price(parcel()), MAILING)),
                card(), PrintOptions.png(300), null);
    }

    /** Three entries: two pay, one card is declined. */
    public static BatchPurchaseRequest batch() {
        return new BatchPurchaseRequest(List.of(
                new BatchEntry("order-1001", purchase(card())),
                new BatchEntry("order-1002", purchase(card(InMemoryPostalService.DECLINED_CARD))),
                new BatchEntry("order-1003", purchase(PaymentMethod.account()))));
    }

    /** A valid {@code <quoteRequest>} document. */
    public static String quoteXml() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <quoteRequest xmlns="https://openpostage.org/postage/v1">
                  <piece>
                    <mailClass>LETTER</mailClass>
                    <weightGrams>20</weightGrams>
                    <origin>94107</origin>
                    <destination>10001</destination>
                  </piece>
                  <dateOfMailing>2026-07-01</dateOfMailing>
                </quoteRequest>
                """;
    }

    /** A valid {@code <purchaseRequest>} paid from the account, with {@code price} as the price element's text. */
    public static String purchaseXml(String price) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <purchaseRequest xmlns="https://openpostage.org/postage/v1">
                  <items>
                    <item>
                      <piece>
                        <mailClass>LETTER</mailClass>
                        <weightGrams>20</weightGrams>
                        <origin>94107</origin>
                        <destination>10001</destination>
                      </piece>
                      <price currency="USD">%s</price>
                      <dateOfMailing>2026-07-01</dateOfMailing>
                    </item>
                  </items>
                  <payment><account/></payment>
                </purchaseRequest>
                """.formatted(price);
    }
}
