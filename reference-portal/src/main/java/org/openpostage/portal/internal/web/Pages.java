package org.openpostage.portal.internal.web;

import java.util.List;

/**
 * The models of the portal's JTE pages and fragments ({@code src/main/jte}): plain values,
 * computed by the routes; the templates only lay them out and escape them.
 */
public final class Pages {
    private Pages() {
    }

    // ---- every page ----

    /**
     * The frame of every page ({@code layout.jte}): the head, the header with the shop's name and
     * navigation, the flash message, the footer.
     *
     * @param title     the page's title
     * @param shop      the shop's name
     * @param partner   the partner account shown in the footer, or empty
     * @param scheme    the scheme of the postal server's endpoint ({@code https}, {@code grpcs})
     * @param userName  the signed-in user's display name, or {@code null} (no navigation)
     * @param cartSize  how many stamps the cart holds
     * @param csrf      the session's CSRF token
     * @param flashKind {@code ok} or {@code error}, or {@code null}
     * @param flashText the flash message, or {@code null}
     */
    public record Frame(String title, String shop, String partner, String scheme, String userName, int cartSize,
                        String csrf, String flashKind, String flashText) {
    }

    /** A hidden form field. */
    public record Hidden(String name, String value) {
    }

    /** A choice in a select. */
    public record Option(String value, String label) {
    }

    /**
     * One input with its label and, when it is wrong, the error shown next to it ({@code input.jte}).
     * Attributes that are {@code null} are left out.
     *
     * @param id           the element id (and the label's {@code for})
     * @param name         the form field's name
     * @param label        the label
     * @param value        the value shown
     * @param type         the input type, or {@code null} for text
     * @param min          the least value or date, or {@code null}
     * @param max          the greatest value or date, or {@code null}
     * @param inputmode    the keyboard to offer, or {@code null}
     * @param autocomplete the autofill hint, or {@code null}
     * @param required     whether the field must be filled in
     * @param error        the error about this field, or {@code null}
     */
    public record Input(String id, String name, String label, String value, String type, String min, String max,
                        String inputmode, String autocomplete, boolean required, String error) {
    }

    /**
     * One input (or select, when it has options) with its label and, when it is wrong, the error
     * shown next to it.
     */
    public record Field(String id, String name, String label, String value, String autocomplete, boolean readOnly,
                        List<Option> options, String error) {
    }

    // ---- signing in, errors ----

    /** The sign-in form, with the name typed last time. */
    public record Login(String csrf, String username) {
    }

    /** An error page: a heading and what went wrong. */
    public record ErrorPage(String heading, String message) {
    }

    // ---- buying ----

    /**
     * The Buy postage page.
     *
     * @param weight      the weight input
     * @param fromCountry the country it is mailed from
     * @param from        the sender's postal code
     * @param toCountry   the country it is sent to
     * @param to          the recipient's postal code
     * @param date        the date of mailing
     * @param general     an error not about one field, or {@code null}
     * @param fieldWrong  whether a field of the description is wrong
     * @param rates       the prices and the add-to-cart form, or {@code null} before a piece is described
     * @param csrf        the session's CSRF token (the upload form)
     */
    public record Home(Input weight, CountrySelect fromCountry, Input from, CountrySelect toCountry, Input to,
                       Input date, String general, boolean fieldWrong, RatesForm rates, String csrf) {
    }

    /**
     * A select of countries: the four with structured addresses first, a separator, every other.
     *
     * @param error the error about it, or {@code null}
     */
    public record CountrySelect(String id, String name, String label, String selected, List<Option> first,
                                List<Option> rest, String error) {
    }

    /**
     * The prices of a described piece and the form that adds one to the cart.
     *
     * @param csrf       the session's CSRF token
     * @param hidden     the piece as checked (grams, postal codes, date, countries)
     * @param legend     "Prices for 20 g from 94107 to 10001"
     * @param rows       one per kind of mail
     * @param pictures   the gallery's choices
     * @param focusX     where the picture's subject is, from the left
     * @param focusY     the same from the top
     * @param sender     the sender's address fields
     * @param recipient  the recipient's address fields, or {@code null} without a destination
     * @param quantity   how many stamps, as typed
     * @param quantityError the error about the quantity, or {@code null}
     * @param error      an error of the form not shown next to a field, or {@code null}
     */
    public record RatesForm(String csrf, List<Hidden> hidden, String legend, List<RateRow> rows, List<Picture> pictures,
                            Input focusX, Input focusY, AddressFields sender, AddressFields recipient, String quantity,
                            String quantityError, String error) {
    }

    /**
     * One kind of mail on the rates page.
     *
     * @param mailClass   its name ({@code LETTER})
     * @param name        its name for people
     * @param description what it is
     * @param available   whether it has a price for this piece
     * @param checked     whether it is the one chosen
     * @param priceMinor  its price in minor units (sent back with the form)
     * @param price       its price for people
     * @param rateInfo    "rate table 2025-01, zone 3"
     * @param unavailable why there is no price, when not available
     * @param delivery    how long it takes, when available
     */
    public record RateRow(String mailClass, String name, String description, boolean available, boolean checked,
                          long priceMinor, String price, String rateInfo, String unavailable, String delivery) {
    }

    /**
     * A picture to choose for the stamp.
     *
     * @param id      the radio button's id
     * @param value   the background reference sent ({@code catalogue:waves}, {@code upload:3}, empty for none)
     * @param checked whether it is chosen
     * @param image   the picture's URL, or {@code null} for no picture
     * @param caption what it is
     */
    public record Picture(String id, String value, boolean checked, String image, String caption) {
    }

    /**
     * The sender's or recipient's address fields of the add-to-cart form.
     *
     * @param role   {@code sender} or {@code recipient}
     * @param legend the fieldset's legend
     * @param hint   what the shopper needs to know
     * @param fields the inputs
     */
    public record AddressFields(String role, String legend, String hint, List<Field> fields) {
    }

    /**
     * The cart and its checkout form.
     *
     * @param csrf      the session's CSRF token
     * @param ratesLink where "Buy postage" leads (the rates last shown)
     * @param lines     equal stamps as one line each; empty for an empty cart
     * @param total     the cart's total
     * @param totalMinor the total in minor units (sent back with the form)
     * @param stamps    how many stamps
     * @param error     why the last checkout was refused, or {@code null}
     * @param checkout  the checkout form's one-time token
     * @param credit    the user's store credit
     * @param byCredit  whether store credit is chosen
     * @param onRequest whether printing on request is chosen
     * @param card      the card inputs
     */
    public record Cart(String csrf, String ratesLink, List<CartLine> lines, String total, long totalMinor, int stamps,
                       String error, String checkout, String credit, boolean byCredit, boolean onRequest,
                       List<Input> card) {
    }

    /**
     * A line of the cart: one stamp, or several equal ones.
     *
     * @param previewId the stamp whose preview is shown
     * @param name      its kind of mail
     * @param count     how many
     * @param piece     "20 g from 94107 to 10001, mailed 2025-01-02"
     * @param recipient the recipient's address on one line, or {@code null}
     * @param price     the price of all of them
     * @param each      the price of one, when there are several, else {@code null}
     * @param itemIds   the stamps of the line (removed together)
     */
    public record CartLine(String previewId, String name, int count, String piece, String recipient, String price,
                           String each, List<String> itemIds) {
    }

    // ---- orders ----

    /** The order history: orders, and the attempts that charged nothing. */
    public record Orders(List<OrderRow> orders, List<Attempt> attempts) {
    }

    /**
     * An order in the history.
     *
     * @param id       the order
     * @param placed   when, in UTC
     * @param stamps   "3" or "3, 1 refunded"
     * @param paid     what was charged
     * @param payment  how it was paid
     * @param refunded what was refunded, or {@code null}
     * @param status   its status for people
     */
    public record OrderRow(long id, String placed, String stamps, String paid, String payment, String refunded,
                           String status) {
    }

    /** An attempt that charged nothing: when, what, and why not. */
    public record Attempt(long id, String placed, String stamps, String payment, String why) {
    }

    /**
     * One order's page.
     *
     * @param id        the order
     * @param placed    when, in UTC
     * @param payment   how it was paid
     * @param status    its status for people
     * @param pending   the pending box, or {@code null} when the order is settled
     * @param message   what went wrong, for a settled order, or {@code null}
     * @param print     the print options, or {@code null} without printable stamps
     * @param items     its stamps
     * @param csrf      the session's CSRF token
     */
    public record OrderPage(long id, String placed, String payment, String status, Pending pending, String message,
                            PrintOptions print, List<OrderLine> items, String csrf) {
    }

    /**
     * What a pending order says, and its "Check again" form.
     *
     * @param message    what is going on
     * @param canConfirm whether it may still be sent again (else: contact us)
     * @param card       the card inputs, for a card order, else empty
     */
    public record Pending(String message, boolean canConfirm, List<Input> card) {
    }

    /**
     * One stamp of an order.
     *
     * @param id        the stamp
     * @param base      its URL prefix
     * @param name      its kind of mail
     * @param summary   "20 g, USD 0.82"
     * @param status    its status for people
     * @param message   why it failed, or {@code null}
     * @param issued    whether it is issued (downloads and refund)
     * @param recipient the recipient's address on one line, or {@code null}
     */
    public record OrderLine(long id, String base, String name, String summary, String status, String message,
                            boolean issued, String recipient) {
    }

    /**
     * What the order page offers for printing one order: paper, first label, downloads.
     *
     * @param orderId      the order
     * @param paper        the paper chosen: {@code letter} or {@code a4}
     * @param papers       the paper choices
     * @param sheetLabels  how many labels a stamp sheet of the chosen paper has
     * @param addressLabels how many labels an address sheet of the chosen paper has
     * @param firstLabel   the first free label, from 1
     * @param envelopes    the envelope choices
     * @param envelope     the envelope chosen
     * @param stamps       the stamps with their downloads
     * @param addressed    whether any stamp has a recipient's address (for envelopes and labels)
     */
    public record PrintOptions(long orderId, String paper, List<Option> papers, int sheetLabels, int addressLabels,
                               int firstLabel, List<Option> envelopes, String envelope, List<StampDownloads> stamps,
                               boolean addressed) {
    }

    /**
     * One stamp's downloads on the order page.
     *
     * @param itemId    the stamp
     * @param base      its URL prefix
     * @param label     what it is, for people
     * @param addressed whether it has a recipient's address
     */
    public record StampDownloads(long itemId, String base, String label, boolean addressed) {
    }

    /**
     * The print page.
     *
     * @param summary    what is printed, on what ("Order 4: 3 stamps on an A4 label sheet.")
     * @param widthMm    the printed page's width in millimetres, as JavaScript prints it
     * @param heightMm   its height
     * @param mode       {@code auto} or {@code on-request}
     * @param images     the pages' images
     * @param orderId    the order
     * @param switchLink the same page in the other mode
     * @param script     the print component's URL
     * @param integrity  its subresource integrity hash
     */
    public record Print(String summary, String widthMm, String heightMm, String mode, List<Image> images, long orderId,
                        String switchLink, String script, String integrity) {
        /** Whether the print dialog opens by itself. */
        public boolean auto() {
            return mode.equals("auto");
        }
    }

    /** An image and its alternative text. */
    public record Image(String src, String alt) {
    }

    /**
     * The question asked before a refund.
     *
     * @param description which stamp
     * @param consequence where the money goes
     * @param amount      the amount refunded
     * @param action      the form's target
     * @param csrf        the session's CSRF token
     * @param back        where "keep it" leads
     */
    public record RefundConfirm(String description, String consequence, String amount, String action, String csrf,
                                String back) {
    }

    // ---- store credit ----

    /**
     * The store credit page: the balance and its journal, or (after a refused top-up) why.
     *
     * @param balance the store credit, or {@code null} on a refused top-up
     * @param entries the journal, newest first
     * @param error   why the top-up was refused, or {@code null}
     * @param topUp   the top-up form
     */
    public record Account(String balance, List<CreditLine> entries, String error, TopUp topUp) {
    }

    /**
     * One movement of store credit.
     *
     * @param when    when, in UTC
     * @param reason  what it was for
     * @param orderId the order it links to, or {@code null}
     * @param amount  how much
     */
    public record CreditLine(String when, String reason, Long orderId, String amount) {
    }

    /**
     * The store credit top-up form.
     *
     * @param csrf     the session's CSRF token
     * @param currency the shop's currency
     * @param amount   the amount typed, kept after an error
     * @param card     the card inputs (number, expiry, code, name)
     * @param error    an error for the amount, or {@code null}
     */
    public record TopUp(String csrf, String currency, String amount, List<Field> card, String error) {
    }
}
