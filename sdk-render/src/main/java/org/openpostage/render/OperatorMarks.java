package org.openpostage.render;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;

/**
 * The marks a postal operator requires in a stamp's human-readable block, besides what the
 * indicium carries: the operator's mark (such as {@code US POSTAGE}), a product code per mail
 * class, and how amounts are written.
 *
 * <pre>{@code
 * StampRenderer renderer = StampRenderer.builder()
 *         .marks(OperatorMarks.DEFAULT.withOperatorMark("US POSTAGE")
 *                 .withProductCode(MailClass.LETTER, "FCM LTR"))
 *         .build();
 * }</pre>
 *
 * @param operatorMark the operator's mark, printed first in bold: 1 to 20 printable ASCII
 *                     characters, or {@code null} for none
 * @param productCodes the product code printed before each mail class, 1 to 8 printable ASCII
 *                     characters; classes without one print their name alone
 * @param amounts      how amounts are written
 */
public record OperatorMarks(String operatorMark, Map<MailClass, String> productCodes, AmountStyle amounts) {
    /**
     * No operator mark, the product codes {@code LTR}, {@code LGL}, {@code PRL}, {@code REG},
     * {@code PCL}, {@code PRP}, amounts written the postal way.
     */
    public static final OperatorMarks DEFAULT = new OperatorMarks(null, Map.of(MailClass.LETTER, "LTR",
            MailClass.LARGE_LETTER, "LGL", MailClass.PRIORITY_LETTER, "PRL", MailClass.REGISTERED_LETTER, "REG",
            MailClass.PARCEL, "PCL", MailClass.PRIORITY_PARCEL, "PRP"), AmountStyle.POSTAL);

    /** How a stamp writes its amount. */
    public enum AmountStyle {
        /**
         * As postage meters do: the currency's sign, the whole units zero-padded to three digits
         * (so no digit can be added in front), the minor units: {@code $000.85}, {@code £001.20},
         * {@code €000,85} (a decimal comma for the euro and the Swiss franc). Currencies without a
         * sign here ({@code $} for USD, CAD, AUD and NZD, {@code £}, {@code €}, {@code ¥}) are
         * written with their ISO code and a space: {@code CHF 000,85}.
         */
        POSTAL,
        /** The ISO code, a space and the amount: {@code USD 0.85}. */
        ISO
    }

    public OperatorMarks {
        if (operatorMark != null) {
            operatorMark = ascii("operatorMark", operatorMark, 20);
        }
        Objects.requireNonNull(productCodes, "productCodes");
        Map<MailClass, String> codes = new EnumMap<>(MailClass.class);
        for (Map.Entry<MailClass, String> e : productCodes.entrySet()) {
            codes.put(Objects.requireNonNull(e.getKey(), "mail class"), ascii("productCode", e.getValue(), 8));
        }
        productCodes = Map.copyOf(codes);
        Objects.requireNonNull(amounts, "amounts");
    }

    /** A copy with the operator's mark {@code mark} ({@code null} for none). */
    public OperatorMarks withOperatorMark(String mark) {
        return new OperatorMarks(mark, productCodes, amounts);
    }

    /** A copy with {@code code} as the product code of {@code mailClass}. */
    public OperatorMarks withProductCode(MailClass mailClass, String code) {
        Map<MailClass, String> codes = new EnumMap<>(MailClass.class);
        codes.putAll(productCodes);
        codes.put(mailClass, code);
        return new OperatorMarks(operatorMark, codes, amounts);
    }

    /** A copy writing amounts in {@code style}. */
    public OperatorMarks withAmounts(AmountStyle style) {
        return new OperatorMarks(operatorMark, productCodes, style);
    }

    /** The mail class line: {@code LTR Standard letter}, or the name alone without a product code. */
    public String mailClassLine(MailClass mailClass) {
        String code = productCodes.get(mailClass);
        return code == null ? mailClass.displayName() : code + " " + mailClass.displayName();
    }

    /** {@code amount} written in this style: {@code $000.85} or {@code USD 0.85}. */
    public String amount(Money amount) {
        if (amounts == AmountStyle.ISO) {
            return amount.toString();
        }
        Currency currency = amount.currency();
        int digits = Math.max(0, currency.getDefaultFractionDigits());
        BigDecimal value = BigDecimal.valueOf(amount.minorUnits(), digits);
        String code = currency.getCurrencyCode();
        String units = String.format(Locale.ROOT, "%03d", value.toBigInteger());
        String fraction = digits == 0 ? "" : value.toPlainString().substring(value.toPlainString().length() - digits);
        char decimal = code.equals("EUR") || code.equals("CHF") ? ',' : '.';
        String number = digits == 0 ? units : units + decimal + fraction;
        return switch (code) {
            case "USD", "CAD", "AUD", "NZD" -> "$" + number;
            case "GBP" -> "£" + number;
            case "EUR" -> "€" + number;
            case "JPY" -> "¥" + number;
            default -> code + " " + number;
        };
    }

    private static String ascii(String field, String value, int max) {
        String v = Objects.requireNonNull(value, field).strip();
        if (v.isEmpty() || v.length() > max || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new InvalidRequestException("marks." + field + " must be 1 to " + max
                    + " printable ASCII characters, was '" + value + "'");
        }
        return v;
    }
}
