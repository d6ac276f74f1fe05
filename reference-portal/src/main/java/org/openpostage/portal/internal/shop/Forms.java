package org.openpostage.portal.internal.shop;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.AddressFormat;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/** Turns form fields into SDK values, refusing bad input with messages people understand. */
public final class Forms {
    private Forms() {
    }

    /** The mail class named by a form field. */
    public static MailClass mailClass(String value) {
        if (value == null || value.isBlank()) {
            throw UserError.invalid("Please choose a kind of mail.");
        }
        for (MailClass c : MailClass.values()) {
            if (c.name().equals(value)) {
                return c;
            }
        }
        throw UserError.invalid("\"" + value + "\" is not a kind of mail we sell.");
    }

    /** A weight in whole grams. */
    public static int grams(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new FieldError("weight", "Please enter the weight in grams.");
        }
        try {
            int g = Integer.parseInt(v);
            if (g >= 1 && g <= Weight.MAX_GRAMS) {
                return g;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new FieldError("weight", "The weight must be a whole number of grams from 1 to " + Weight.MAX_GRAMS
                + "; \"" + v + "\" is not.");
    }

    /** A postal code; {@code what} is "sender's" or "recipient's". */
    public static String postalCode(String value, String what, boolean required) {
        return postalCode(value, what, required, null, what.startsWith("sender") ? "from" : "to");
    }

    /**
     * A postal code of {@code country} (any country's rules when {@code null}), normalized as that
     * country writes it ({@code sw1a1aa} is {@code SW1A 1AA}); {@code what} is "sender's" or
     * "recipient's", {@code field} the form field it came from.
     */
    public static String postalCode(String value, String what, boolean required, String country, String field) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            if (required) {
                throw new FieldError(field, "Please enter the " + what + " postal code.");
            }
            return null;
        }
        AddressFormat format;
        try {
            format = country == null ? null : AddressFormat.of(country);
        } catch (InvalidRequestException e) {
            // Routes check the country first (country(...)); a caller that did not gets a message, not a 500.
            throw new FieldError(field, "\"" + country + "\" is not a country we know; choose one from the list.");
        }
        try {
            String checked = format == null ? v : format.checkPostalCode(v);
            return PostalCode.of(checked).value();
        } catch (InvalidRequestException e) {
            throw new FieldError(field, "The " + what + " postal code \"" + v + "\" is not "
                    + (format == null ? "valid: use 3 to 10 letters and digits, such as 94107"
                    : "a " + format.describePostalCode()) + ".");
        }
    }

    /** A country code from a form (ISO 3166-1), or {@code fallback} when empty. */
    public static String country(String value, String fallback, String field) {
        String v = value == null || value.isBlank() ? fallback : value.strip();
        try {
            return AddressFormat.of(v).country();
        } catch (InvalidRequestException e) {
            throw new FieldError(field, "\"" + v + "\" is not a country we know; please pick one from the list.");
        }
    }

    /** The mail piece, assuming validated fields. */
    public static MailPiece piece(MailClass mailClass, int grams, String origin, String destination) {
        MailPiece piece = MailPiece.of(mailClass, Weight.ofGrams(grams), PostalCode.of(origin));
        return destination == null ? piece : piece.withDestination(PostalCode.of(destination));
    }

    /**
     * A date of mailing: today (the server's) when empty. Yesterday is accepted too, as the postal
     * server accepts it: a shopper west of the server's time zone may still be on that day.
     */
    public static LocalDate date(String value, LocalDate today) {
        return date(value, today, Integer.MAX_VALUE / 2);
    }

    /**
     * As {@link #date(String, LocalDate)}, and at most {@code maxDaysAhead} days after today: what
     * the postal server accepts ({@code mailing.max-days-ahead}), so a date it would refuse at
     * checkout is refused before it reaches the cart.
     */
    public static LocalDate date(String value, LocalDate today, int maxDaysAhead) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return today;
        }
        LocalDate d;
        try {
            d = LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new FieldError("date", "The date of mailing must look like 2026-05-31.");
        }
        if (d.isBefore(today.minusDays(1))) {
            throw new FieldError("date", "The date of mailing " + v + " is in the past.");
        }
        LocalDate last = today.plusDays(maxDaysAhead);
        if (d.isAfter(last)) {
            throw new FieldError("date", "The date of mailing " + v + " is too far ahead: at most " + maxDaysAhead
                    + " days from today (" + last + ").");
        }
        return d;
    }

    /** A card from the checkout form; nothing of it is kept beyond the request. */
    public static CardPayment card(String number, String expiry, String cvv, String holder) {
        String n = number == null ? "" : number.replaceAll("[\\s-]", "");
        if (!n.matches("[0-9]{12,19}")) {
            throw new FieldError("card-number", "The card number must be 12 to 19 digits.");
        }
        YearMonth exp;
        try {
            String e = expiry == null ? "" : expiry.strip();
            exp = e.matches("[0-9]{2}/[0-9]{2}")
                    ? YearMonth.of(2000 + Integer.parseInt(e.substring(3)), Integer.parseInt(e.substring(0, 2)))
                    : YearMonth.parse(e);
        } catch (RuntimeException e) {
            throw new FieldError("card-expiry", "The expiry date must look like 12/30.");
        }
        if (exp.isBefore(YearMonth.now())) {
            throw new FieldError("card-expiry", "The card expired in " + exp + ".");
        }
        String c = cvv == null ? "" : cvv.strip();
        if (!c.matches("[0-9]{3,4}")) {
            throw new FieldError("card-cvv", "The security code (CVV) must be 3 or 4 digits.");
        }
        String h = holder == null || holder.isBlank() ? null : holder.strip();
        if (h != null && h.length() > 100) {
            throw new FieldError("card-holder", "The cardholder's name is too long (at most 100 characters).");
        }
        try {
            return new CardPayment(n, exp, c, h);
        } catch (InvalidRequestException e) {
            throw new FieldError("card-number", e.getMessage().contains("Luhn")
                    ? "The card number is not valid: please check for a mistyped digit."
                    : "The card details are not valid; please check them.");
        }
    }
}
