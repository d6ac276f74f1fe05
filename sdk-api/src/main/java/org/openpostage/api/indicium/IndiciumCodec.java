package org.openpostage.api.indicium;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Objects;
import org.openpostage.api.error.IndiciumFormatException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.internal.Currencies;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

/**
 * Encodes, signs and decodes indicium data in the OpenPostage binary format, version 1.
 *
 * <p>The layout is fixed and big-endian; {@code docs/indicium-format.md} gives the byte table:
 *
 * <pre>
 * offset size field
 *   0     1   format version (1)
 *   1     1   algorithm id (1 = ECDSA P-256/SHA-256, 2 = Ed25519)
 *   2     4   signing key id
 *   6     2   vendor id
 *   8     4   meter id
 *  12     4   piece serial
 *  16     6   ascending register (minor units)
 *  22     6   descending register (minor units)
 *  28     4   postage value (minor units)
 *  32     2   currency, ISO 4217 numeric
 *  34     2   date of mailing: year
 *  36     1   date of mailing: month
 *  37     1   date of mailing: day
 *  38    10   origin postal code, ASCII, NUL-padded
 *  48    10   destination postal code, ASCII, NUL-padded; all NUL if none
 *  58     2   mail class code
 *  60     2   software id
 *  62     1   flags: bit 0 = test indicium; other bits 0
 *  63    64   signature over bytes 0..62
 * </pre>
 *
 * <p>Decoding is strict: every field is range-checked and anything malformed raises an
 * {@link IndiciumFormatException} naming the offset and field. All methods are static and
 * thread-safe.
 */
public final class IndiciumCodec {
    /** The format version this codec writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The length of the signed part (everything before the signature). */
    public static final int PAYLOAD_LENGTH = 63;
    /** The length of a signature. */
    public static final int SIGNATURE_LENGTH = 64;
    /** The total length of a version 1 indicium. */
    public static final int LENGTH = PAYLOAD_LENGTH + SIGNATURE_LENGTH;
    /** The most bytes any version of the format may use. */
    public static final int MAX_LENGTH = 140;

    private static final int FLAG_TEST = 0x01;
    private static final int POSTAL_CODE_LENGTH = PostalCode.MAX_LENGTH;

    private IndiciumCodec() {
    }

    /** The signed part of {@code data}: {@value #PAYLOAD_LENGTH} bytes, what the signature covers. */
    public static byte[] encodePayload(IndiciumData data) {
        Objects.requireNonNull(data, "data");
        byte[] b = new byte[PAYLOAD_LENGTH];
        b[0] = FORMAT_VERSION;
        b[1] = (byte) data.algorithm().id();
        putUnsigned(b, 2, 4, data.keyId());
        putUnsigned(b, 6, 2, data.vendorId());
        putUnsigned(b, 8, 4, data.meterId());
        putUnsigned(b, 12, 4, data.pieceSerial());
        putUnsigned(b, 16, 6, data.ascendingRegister());
        putUnsigned(b, 22, 6, data.descendingRegister());
        putUnsigned(b, 28, 4, data.postage().minorUnits());
        putUnsigned(b, 32, 2, data.postage().currency().getNumericCode());
        putUnsigned(b, 34, 2, data.dateOfMailing().getYear());
        b[36] = (byte) data.dateOfMailing().getMonthValue();
        b[37] = (byte) data.dateOfMailing().getDayOfMonth();
        putPostalCode(b, 38, data.origin());
        putPostalCode(b, 48, data.destination());
        putUnsigned(b, 58, 2, data.mailClass().code());
        putUnsigned(b, 60, 2, data.softwareId());
        b[62] = (byte) (data.testMode() ? FLAG_TEST : 0);
        return b;
    }

    /**
     * Encodes {@code data} and signs it with {@code signer}.
     *
     * @throws InvalidRequestException if the signer's algorithm or key id differs from the data's
     */
    public static SignedIndicium sign(IndiciumData data, IndiciumSigner signer) {
        Objects.requireNonNull(signer, "signer");
        if (signer.algorithm() != data.algorithm() || signer.keyId() != data.keyId()) {
            throw new InvalidRequestException("the signer uses key " + signer.keyId() + " (" + signer.algorithm()
                    + ") but the data names key " + data.keyId() + " (" + data.algorithm() + ")");
        }
        byte[] payload = encodePayload(data);
        return assemble(data, payload, signer.sign(payload));
    }

    /**
     * Joins {@code data} with a signature made elsewhere (for example by a hardware module).
     *
     * @throws InvalidRequestException if the signature is not {@value #SIGNATURE_LENGTH} bytes
     */
    public static SignedIndicium assemble(IndiciumData data, byte[] signature) {
        return assemble(data, encodePayload(data), signature);
    }

    private static SignedIndicium assemble(IndiciumData data, byte[] payload, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new InvalidRequestException("a signature must be " + SIGNATURE_LENGTH + " bytes, was "
                    + (signature == null ? "null" : signature.length));
        }
        byte[] all = new byte[LENGTH];
        System.arraycopy(payload, 0, all, 0, PAYLOAD_LENGTH);
        System.arraycopy(signature, 0, all, PAYLOAD_LENGTH, SIGNATURE_LENGTH);
        return new SignedIndicium(data, Bytes.of(signature), Bytes.of(all));
    }

    /** Decodes {@code bytes}; see {@link #decode(byte[])}. */
    public static SignedIndicium decode(Bytes bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes.toArray());
    }

    /**
     * Decodes a signed indicium. This checks the format only; check the signature with
     * {@link VerificationKeySet#verify(SignedIndicium)}.
     *
     * @throws IndiciumFormatException naming the offset and field of the first problem found
     */
    public static SignedIndicium decode(byte[] b) {
        Objects.requireNonNull(b, "bytes");
        if (b.length == 0) {
            throw new IndiciumFormatException("indicium is empty");
        }
        int version = b[0] & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new IndiciumFormatException("indicium byte 0 (format version): " + version
                    + " is not supported; this decoder reads version " + FORMAT_VERSION);
        }
        if (b.length != LENGTH) {
            throw new IndiciumFormatException("indicium has " + b.length + " bytes; format version 1 has exactly "
                    + LENGTH);
        }
        return new SignedIndicium(fields(b), Bytes.of(b, PAYLOAD_LENGTH, SIGNATURE_LENGTH), Bytes.of(b));
    }

    /**
     * Decodes the signed part alone (the {@value #PAYLOAD_LENGTH} bytes {@link #encodePayload}
     * writes): for a postal server that records an indicium before a signing device signs it.
     *
     * @throws IndiciumFormatException naming the offset and field of the first problem found
     */
    public static IndiciumData decodePayload(byte[] b) {
        Objects.requireNonNull(b, "payload");
        if (b.length == 0 || (b[0] & 0xFF) != FORMAT_VERSION) {
            throw new IndiciumFormatException("payload byte 0 (format version): "
                    + (b.length == 0 ? "missing" : Integer.toString(b[0] & 0xFF)) + "; this decoder reads version "
                    + FORMAT_VERSION);
        }
        if (b.length != PAYLOAD_LENGTH) {
            throw new IndiciumFormatException("payload has " + b.length + " bytes; format version 1 signs exactly "
                    + PAYLOAD_LENGTH);
        }
        return fields(b);
    }

    /** The fields of the signed part at the start of {@code b}, whose length and version were checked. */
    private static IndiciumData fields(byte[] b) {
        var builder = IndiciumData.builder()
                .algorithm(SignatureAlgorithm.fromId(b[1] & 0xFF))
                .keyId(getUnsigned(b, 2, 4))
                .vendorId((int) getUnsigned(b, 6, 2))
                .meterId(nonZero(b, 8, 4, "meter id"))
                .pieceSerial(nonZero(b, 12, 4, "piece serial"))
                .ascendingRegister(getUnsigned(b, 16, 6))
                .descendingRegister(getUnsigned(b, 22, 6))
                .postage(new Money(nonZero(b, 28, 4, "postage value"), currency(b)))
                .dateOfMailing(date(b))
                .origin(postalCode(b, 38, "origin postal code", true))
                .destination(postalCode(b, 48, "destination postal code", false))
                .mailClass(mailClass(b))
                .softwareId((int) getUnsigned(b, 60, 2));
        int flags = b[62] & 0xFF;
        if ((flags & ~FLAG_TEST) != 0) {
            throw new IndiciumFormatException(String.format(
                    "indicium byte 62 (flags): reserved bits are set (0x%02X); only bit 0 (test) is defined", flags));
        }
        builder.testMode((flags & FLAG_TEST) != 0);
        try {
            return builder.build();
        } catch (InvalidRequestException e) {
            // Only cross-field rules can fail here: every field was range-checked above.
            throw new IndiciumFormatException("indicium fields are inconsistent: " + e.getMessage());
        }
    }

    private static long nonZero(byte[] b, int offset, int size, String field) {
        long v = getUnsigned(b, offset, size);
        if (v == 0) {
            throw new IndiciumFormatException("indicium byte " + offset + " (" + field + "): must not be 0");
        }
        return v;
    }

    private static Currency currency(byte[] b) {
        int numeric = (int) getUnsigned(b, 32, 2);
        Currency currency = Currencies.byNumericCode(numeric);
        if (currency != null) {
            return currency;
        }
        throw new IndiciumFormatException("indicium byte 32 (currency): " + numeric
                + " is not an ISO 4217 numeric currency code");
    }

    private static LocalDate date(byte[] b) {
        int year = (int) getUnsigned(b, 34, 2);
        int month = b[36] & 0xFF;
        int day = b[37] & 0xFF;
        if (year < 1 || year > 9999) {
            throw new IndiciumFormatException("indicium byte 34 (year of mailing): " + year + " is not between 1 and 9999");
        }
        if (month < 1 || month > 12) {
            throw new IndiciumFormatException("indicium byte 36 (month of mailing): " + month + " is not a month");
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw new IndiciumFormatException("indicium byte 37 (day of mailing): " + day + " is not a day of "
                    + year + "-" + String.format("%02d", month));
        }
    }

    private static MailClass mailClass(byte[] b) {
        int code = (int) getUnsigned(b, 58, 2);
        try {
            return MailClass.fromCode(code);
        } catch (InvalidRequestException e) {
            throw new IndiciumFormatException("indicium byte 58 (mail class): " + code + " is not a known mail class code");
        }
    }

    private static PostalCode postalCode(byte[] b, int offset, String field, boolean required) {
        int end = offset;
        while (end < offset + POSTAL_CODE_LENGTH && b[end] != 0) {
            end++;
        }
        for (int i = end; i < offset + POSTAL_CODE_LENGTH; i++) {
            if (b[i] != 0) {
                throw new IndiciumFormatException("indicium byte " + i + " (" + field + "): text after the NUL padding");
            }
        }
        if (end == offset) {
            if (required) {
                throw new IndiciumFormatException("indicium byte " + offset + " (" + field + "): missing");
            }
            return null;
        }
        for (int i = offset; i < end; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                throw new IndiciumFormatException(String.format("indicium byte %d (%s): 0x%02X is not a printable "
                        + "ASCII character", i, field, c));
            }
        }
        String text = new String(b, offset, end - offset, StandardCharsets.US_ASCII);
        try {
            PostalCode code = new PostalCode(text);
            if (!code.value().equals(text)) {
                throw new IndiciumFormatException("indicium byte " + offset + " (" + field + "): '" + text
                        + "' is not in normalized form");
            }
            return code;
        } catch (IndiciumFormatException e) {
            throw e;
        } catch (InvalidRequestException e) {
            throw new IndiciumFormatException("indicium byte " + offset + " (" + field + "): " + e.getMessage());
        }
    }

    private static void putPostalCode(byte[] b, int offset, PostalCode code) {
        if (code != null) {
            byte[] ascii = code.value().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(ascii, 0, b, offset, ascii.length);
        }
    }

    private static void putUnsigned(byte[] b, int offset, int size, long value) {
        for (int i = size - 1; i >= 0; i--) {
            b[offset + i] = (byte) value;
            value >>>= 8;
        }
    }

    private static long getUnsigned(byte[] b, int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (b[offset + i] & 0xFF);
        }
        return v;
    }
}
