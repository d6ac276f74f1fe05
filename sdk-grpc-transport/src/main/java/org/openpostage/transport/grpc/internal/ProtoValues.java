package org.openpostage.transport.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.model.CardBrand;
import org.openpostage.api.model.Dimensions;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PaymentKind;
import org.openpostage.api.model.Verdict;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.transport.grpc.internal.proto.V1;

/**
 * Converts the small value types between the SDK model and the {@code openpostage.v1} messages.
 *
 * <p>Decoding never trusts the wire: an unset required message becomes {@code null} so that the
 * model's constructor names the missing field, an {@code *_UNSPECIFIED} enum value likewise, and
 * an enum number this version does not know raises an {@link InvalidRequestException} naming the
 * field. All methods are static and thread-safe.
 */
public final class ProtoValues {
    private ProtoValues() {
    }

    // --- Money, dates, instants, bytes ---

    /** {@code money} on the wire. */
    public static V1.Money money(Money money) {
        return V1.Money.newBuilder().setMinorUnits(money.minorUnits())
                .setCurrency(money.currency().getCurrencyCode()).build();
    }

    /** The money {@code money} carries. @throws InvalidRequestException if the currency is unknown */
    public static Money money(V1.Money money) {
        return Money.of(money.getMinorUnits(), money.getCurrency());
    }

    /** {@code date} on the wire. */
    public static V1.Date date(LocalDate date) {
        return V1.Date.newBuilder().setYear(date.getYear()).setMonth(date.getMonthValue())
                .setDay(date.getDayOfMonth()).build();
    }

    /** The date {@code date} carries. @throws InvalidRequestException naming {@code field} if it is no date */
    public static LocalDate date(String field, V1.Date date) {
        try {
            return LocalDate.of(date.getYear(), date.getMonth(), date.getDay());
        } catch (DateTimeException e) {
            throw new InvalidRequestException(field + " is not a valid date: year " + date.getYear() + ", month "
                    + date.getMonth() + ", day " + date.getDay());
        }
    }

    /** {@code instant} as a {@code google.protobuf.Timestamp}. */
    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** The instant {@code timestamp} carries. @throws InvalidRequestException naming {@code field} if out of range */
    public static Instant instant(String field, Timestamp timestamp) {
        if (timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
            throw new InvalidRequestException(field + ".nanos must be between 0 and 999999999, was "
                    + timestamp.getNanos());
        }
        try {
            return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
        } catch (DateTimeException e) {
            throw new InvalidRequestException(field + " is out of range: " + timestamp.getSeconds() + " s");
        }
    }

    /** {@code bytes} on the wire. */
    public static ByteString bytes(Bytes bytes) {
        return ByteString.copyFrom(bytes.toArray());
    }

    /** The bytes {@code bytes} carries. */
    public static Bytes bytes(ByteString bytes) {
        return Bytes.of(bytes.toByteArray());
    }

    // --- Mail pieces ---

    /** {@code piece} on the wire. */
    public static V1.MailPiece piece(MailPiece piece) {
        V1.MailPiece.Builder b = V1.MailPiece.newBuilder()
                .setMailClass(mailClass(piece.mailClass()))
                .setWeightGrams(piece.weight().grams())
                .setOrigin(piece.origin().value());
        if (piece.dimensions() != null) {
            Dimensions d = piece.dimensions();
            b.setDimensions(V1.Dimensions.newBuilder().setLengthMm(d.lengthMm()).setWidthMm(d.widthMm())
                    .setThicknessMm(d.thicknessMm()));
        }
        if (piece.destination() != null) {
            b.setDestination(piece.destination().value());
        }
        return b.build();
    }

    /** The piece {@code piece} carries. */
    public static MailPiece piece(V1.MailPiece piece) {
        Dimensions dimensions = null;
        if (piece.hasDimensions()) {
            V1.Dimensions d = piece.getDimensions();
            dimensions = new Dimensions(d.getLengthMm(), d.getWidthMm(), d.getThicknessMm());
        }
        return new MailPiece(mailClass("piece.mailClass", piece.getMailClassValue()), new Weight(piece.getWeightGrams()),
                dimensions, postalCode("piece.origin", piece.getOrigin()),
                piece.hasDestination() ? postalCode("piece.destination", piece.getDestination()) : null);
    }

    /** The postal code {@code value}, or an error naming {@code field}. */
    public static PostalCode postalCode(String field, String value) {
        try {
            return PostalCode.of(value);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(field + ": " + e.getMessage());
        }
    }

    // --- Enums: explicit switches, so that a constant added on either side fails to compile here ---

    /** {@code mailClass} on the wire. */
    public static V1.MailClass mailClass(MailClass mailClass) {
        return switch (mailClass) {
            case LETTER -> V1.MailClass.MAIL_CLASS_LETTER;
            case LARGE_LETTER -> V1.MailClass.MAIL_CLASS_LARGE_LETTER;
            case PRIORITY_LETTER -> V1.MailClass.MAIL_CLASS_PRIORITY_LETTER;
            case REGISTERED_LETTER -> V1.MailClass.MAIL_CLASS_REGISTERED_LETTER;
            case PARCEL -> V1.MailClass.MAIL_CLASS_PARCEL;
            case PRIORITY_PARCEL -> V1.MailClass.MAIL_CLASS_PRIORITY_PARCEL;
        };
    }

    /** The mail class, {@code null} if unspecified. */
    public static MailClass mailClass(String field, int number) {
        V1.MailClass mailClass = V1.MailClass.forNumber(number);
        if (mailClass == null) {
            throw unknown(field, number);
        }
        return switch (mailClass) {
            case MAIL_CLASS_UNSPECIFIED -> null;
            case MAIL_CLASS_LETTER -> MailClass.LETTER;
            case MAIL_CLASS_LARGE_LETTER -> MailClass.LARGE_LETTER;
            case MAIL_CLASS_PRIORITY_LETTER -> MailClass.PRIORITY_LETTER;
            case MAIL_CLASS_REGISTERED_LETTER -> MailClass.REGISTERED_LETTER;
            case MAIL_CLASS_PARCEL -> MailClass.PARCEL;
            case MAIL_CLASS_PRIORITY_PARCEL -> MailClass.PRIORITY_PARCEL;
            case UNRECOGNIZED -> throw unknown(field, number);
        };
    }

    /** {@code mode} on the wire. */
    public static V1.Mode mode(Mode mode) {
        return switch (mode) {
            case TEST -> V1.Mode.MODE_TEST;
            case LIVE -> V1.Mode.MODE_LIVE;
            case UNKNOWN -> V1.Mode.MODE_UNSPECIFIED;
        };
    }

    /** The mode, {@code null} if unspecified. */
    public static Mode mode(String field, int number) {
        V1.Mode mode = V1.Mode.forNumber(number);
        if (mode == null) { // a value of a newer server
            return Mode.UNKNOWN;
        }
        return switch (mode) {
            case MODE_UNSPECIFIED -> null;
            case MODE_TEST -> Mode.TEST;
            case MODE_LIVE -> Mode.LIVE;
            case UNRECOGNIZED -> Mode.UNKNOWN;
        };
    }

    /** {@code format} on the wire. */
    public static V1.OutputFormat outputFormat(OutputFormat format) {
        return switch (format) {
            case INDICIUM_DATA -> V1.OutputFormat.OUTPUT_FORMAT_INDICIUM_DATA;
            case PNG -> V1.OutputFormat.OUTPUT_FORMAT_PNG;
            case PDF -> V1.OutputFormat.OUTPUT_FORMAT_PDF;
            case ZPL -> V1.OutputFormat.OUTPUT_FORMAT_ZPL;
            case UNKNOWN -> V1.OutputFormat.OUTPUT_FORMAT_UNSPECIFIED;
        };
    }

    /** The output format, {@code null} if unspecified. */
    public static OutputFormat outputFormat(String field, int number) {
        V1.OutputFormat format = V1.OutputFormat.forNumber(number);
        if (format == null) { // a value of a newer server
            return OutputFormat.UNKNOWN;
        }
        return switch (format) {
            case OUTPUT_FORMAT_UNSPECIFIED -> null;
            case OUTPUT_FORMAT_INDICIUM_DATA -> OutputFormat.INDICIUM_DATA;
            case OUTPUT_FORMAT_PNG -> OutputFormat.PNG;
            case OUTPUT_FORMAT_PDF -> OutputFormat.PDF;
            case OUTPUT_FORMAT_ZPL -> OutputFormat.ZPL;
            case UNRECOGNIZED -> OutputFormat.UNKNOWN;
        };
    }

    /** {@code format} on the wire. */
    public static V1.ExportFormat exportFormat(ExportFormat format) {
        return switch (format) {
            case CSV -> V1.ExportFormat.EXPORT_FORMAT_CSV;
            case XML -> V1.ExportFormat.EXPORT_FORMAT_XML;
            case UNKNOWN -> V1.ExportFormat.EXPORT_FORMAT_UNSPECIFIED;
        };
    }

    /** The export format, {@code null} if unspecified, {@code UNKNOWN} for a value of a newer server. */
    public static ExportFormat exportFormat(String field, int number) {
        V1.ExportFormat format = V1.ExportFormat.forNumber(number);
        if (format == null) {
            return ExportFormat.UNKNOWN;
        }
        return switch (format) {
            case EXPORT_FORMAT_UNSPECIFIED -> null;
            case EXPORT_FORMAT_CSV -> ExportFormat.CSV;
            case EXPORT_FORMAT_XML -> ExportFormat.XML;
            case UNRECOGNIZED -> ExportFormat.UNKNOWN;
        };
    }

    /** {@code kind} on the wire. */
    public static V1.PaymentKind paymentKind(PaymentKind kind) {
        return switch (kind) {
            case CARD -> V1.PaymentKind.PAYMENT_KIND_CARD;
            case ACCOUNT -> V1.PaymentKind.PAYMENT_KIND_ACCOUNT;
            case UNKNOWN -> V1.PaymentKind.PAYMENT_KIND_UNSPECIFIED;
        };
    }

    /** The payment kind, {@code null} if unspecified. */
    public static PaymentKind paymentKind(String field, int number) {
        V1.PaymentKind kind = V1.PaymentKind.forNumber(number);
        if (kind == null) { // a value of a newer server
            return PaymentKind.UNKNOWN;
        }
        return switch (kind) {
            case PAYMENT_KIND_UNSPECIFIED -> null;
            case PAYMENT_KIND_CARD -> PaymentKind.CARD;
            case PAYMENT_KIND_ACCOUNT -> PaymentKind.ACCOUNT;
            case UNRECOGNIZED -> PaymentKind.UNKNOWN;
        };
    }

    /** {@code brand} on the wire; {@code null} (no card) is unspecified. */
    public static V1.CardBrand cardBrand(CardBrand brand) {
        if (brand == null) {
            return V1.CardBrand.CARD_BRAND_UNSPECIFIED;
        }
        return switch (brand) {
            case VISA -> V1.CardBrand.CARD_BRAND_VISA;
            case MASTERCARD -> V1.CardBrand.CARD_BRAND_MASTERCARD;
            case AMEX -> V1.CardBrand.CARD_BRAND_AMEX;
            case DISCOVER -> V1.CardBrand.CARD_BRAND_DISCOVER;
            case OTHER -> V1.CardBrand.CARD_BRAND_OTHER;
            case UNKNOWN -> V1.CardBrand.CARD_BRAND_UNSPECIFIED;
        };
    }

    /** The card brand, {@code null} if unspecified (no card). */
    public static CardBrand cardBrand(String field, int number) {
        V1.CardBrand brand = V1.CardBrand.forNumber(number);
        if (brand == null) { // a value of a newer server
            return CardBrand.UNKNOWN;
        }
        return switch (brand) {
            case CARD_BRAND_UNSPECIFIED -> null;
            case CARD_BRAND_VISA -> CardBrand.VISA;
            case CARD_BRAND_MASTERCARD -> CardBrand.MASTERCARD;
            case CARD_BRAND_AMEX -> CardBrand.AMEX;
            case CARD_BRAND_DISCOVER -> CardBrand.DISCOVER;
            case CARD_BRAND_OTHER -> CardBrand.OTHER;
            case UNRECOGNIZED -> CardBrand.UNKNOWN;
        };
    }

    /** {@code algorithm} on the wire. */
    public static V1.SignatureAlgorithm algorithm(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case ECDSA_P256_SHA256 -> V1.SignatureAlgorithm.SIGNATURE_ALGORITHM_ECDSA_P256_SHA256;
            case ED25519 -> V1.SignatureAlgorithm.SIGNATURE_ALGORITHM_ED25519;
        };
    }

    /** The signature algorithm, {@code null} if unspecified. */
    public static SignatureAlgorithm algorithm(String field, int number) {
        V1.SignatureAlgorithm algorithm = V1.SignatureAlgorithm.forNumber(number);
        if (algorithm == null) {
            throw unknown(field, number);
        }
        return switch (algorithm) {
            case SIGNATURE_ALGORITHM_UNSPECIFIED -> null;
            case SIGNATURE_ALGORITHM_ECDSA_P256_SHA256 -> SignatureAlgorithm.ECDSA_P256_SHA256;
            case SIGNATURE_ALGORITHM_ED25519 -> SignatureAlgorithm.ED25519;
            case UNRECOGNIZED -> throw unknown(field, number);
        };
    }

    /** {@code verdict} on the wire. */
    public static V1.Verdict verdict(Verdict verdict) {
        return switch (verdict) {
            case VALID -> V1.Verdict.VERDICT_VALID;
            case DUPLICATE -> V1.Verdict.VERDICT_DUPLICATE;
            case REFUNDED -> V1.Verdict.VERDICT_REFUNDED;
            case TEST_INDICIUM -> V1.Verdict.VERDICT_TEST_INDICIUM;
            case UNKNOWN_KEY -> V1.Verdict.VERDICT_UNKNOWN_KEY;
            case BAD_SIGNATURE -> V1.Verdict.VERDICT_BAD_SIGNATURE;
            case NOT_ISSUED -> V1.Verdict.VERDICT_NOT_ISSUED;
            case UNKNOWN -> V1.Verdict.VERDICT_UNSPECIFIED;
        };
    }

    /** The verdict, {@code null} if unspecified. */
    public static Verdict verdict(String field, int number) {
        V1.Verdict verdict = V1.Verdict.forNumber(number);
        if (verdict == null) { // a value of a newer server
            return Verdict.UNKNOWN;
        }
        return switch (verdict) {
            case VERDICT_UNSPECIFIED -> null;
            case VERDICT_VALID -> Verdict.VALID;
            case VERDICT_DUPLICATE -> Verdict.DUPLICATE;
            case VERDICT_REFUNDED -> Verdict.REFUNDED;
            case VERDICT_TEST_INDICIUM -> Verdict.TEST_INDICIUM;
            case VERDICT_UNKNOWN_KEY -> Verdict.UNKNOWN_KEY;
            case VERDICT_BAD_SIGNATURE -> Verdict.BAD_SIGNATURE;
            case VERDICT_NOT_ISSUED -> Verdict.NOT_ISSUED;
            case UNRECOGNIZED -> Verdict.UNKNOWN;
        };
    }

    private static InvalidRequestException unknown(String field, int number) {
        return new InvalidRequestException(field + ": " + number + " is not a value this version knows");
    }
}
