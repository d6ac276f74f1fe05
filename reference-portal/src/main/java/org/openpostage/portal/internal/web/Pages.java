package org.openpostage.portal.internal.web;

import java.util.List;

/** The models of the JTE pages and fragments ({@code src/main/jte}): plain values; the templates escape them. */
public final class Pages {
    private Pages() {
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

    /** A choice in a select. */
    public record Option(String value, String label) {
    }

    /**
     * One input (or select, when it has options) with its label and, when it is wrong, the error
     * shown next to it.
     */
    public record Field(String id, String name, String label, String value, String autocomplete, boolean readOnly,
                        List<Option> options, String error) {
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
}
