package org.openpostage.api.indicium;

import java.time.LocalDate;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.internal.Currencies;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

/**
 * The fields of an indicium: everything its signature covers. See {@code docs/indicium-format.md}
 * for the byte layout and {@link IndiciumCodec} to encode, sign and decode.
 *
 * <p>Numeric fields are unsigned on the wire; the constructor checks that each fits its field, so
 * every {@code IndiciumData} can be encoded.
 *
 * @param algorithm          the algorithm the signature uses
 * @param keyId              the signing key's id in the published key set (uint32)
 * @param vendorId           the postage vendor (uint16)
 * @param meterId            the meter (postal security device) that issued it (uint32, at least 1)
 * @param pieceSerial        the meter's piece counter for this indicium (uint32, at least 1)
 * @param ascendingRegister  the meter's ascending register after this indicium's debit, in minor
 *                           units of the postage currency (uint48); at least the postage value
 * @param descendingRegister the meter's descending register after the debit (uint48)
 * @param postage            the postage value (positive, up to 2^32-1 minor units)
 * @param dateOfMailing      the date of mailing (years 1 to 9999)
 * @param origin             the origin postal code
 * @param destination        the destination postal code, or {@code null}
 * @param mailClass          the class of service
 * @param softwareId         the issuing software's id (uint16)
 * @param testMode           whether it was issued under a test key: never valid postage
 */
public record IndiciumData(SignatureAlgorithm algorithm, long keyId, int vendorId, long meterId, long pieceSerial,
                           long ascendingRegister, long descendingRegister, Money postage, LocalDate dateOfMailing,
                           PostalCode origin, PostalCode destination, MailClass mailClass, int softwareId,
                           boolean testMode) {
    /** The largest value of a 32-bit field. */
    public static final long MAX_UINT32 = 0xFFFF_FFFFL;
    /** The largest value of a register (48 bits). */
    public static final long MAX_REGISTER = 0xFFFF_FFFF_FFFFL;

    public IndiciumData {
        Checks.notNull("algorithm", algorithm);
        Checks.range("keyId", keyId, 0, MAX_UINT32);
        Checks.range("vendorId", vendorId, 0, 0xFFFF);
        Checks.range("meterId", meterId, 1, MAX_UINT32);
        Checks.range("pieceSerial", pieceSerial, 1, MAX_UINT32);
        Checks.range("ascendingRegister", ascendingRegister, 0, MAX_REGISTER);
        Checks.range("descendingRegister", descendingRegister, 0, MAX_REGISTER);
        Checks.notNull("postage", postage);
        Checks.range("postage", postage.minorUnits(), 1, MAX_UINT32);
        if (!Currencies.roundTrips(postage.currency())) {
            throw new InvalidRequestException("postage currency " + postage.currency()
                    + " has no unique ISO 4217 numeric code to encode");
        }
        if (ascendingRegister < postage.minorUnits()) {
            throw new InvalidRequestException("ascendingRegister " + ascendingRegister
                    + " is less than the postage value " + postage.minorUnits() + " it includes");
        }
        Checks.notNull("dateOfMailing", dateOfMailing);
        Checks.range("dateOfMailing year", dateOfMailing.getYear(), 1, 9999);
        Checks.notNull("origin", origin);
        Checks.notNull("mailClass", mailClass);
        Checks.range("softwareId", softwareId, 0, 0xFFFF);
    }

    /** A builder with no fields set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this data's fields, to change some. */
    public Builder toBuilder() {
        return new Builder().algorithm(algorithm).keyId(keyId).vendorId(vendorId).meterId(meterId)
                .pieceSerial(pieceSerial).ascendingRegister(ascendingRegister).descendingRegister(descendingRegister)
                .postage(postage).dateOfMailing(dateOfMailing).origin(origin).destination(destination)
                .mailClass(mailClass).softwareId(softwareId).testMode(testMode);
    }

    /** Builds {@link IndiciumData}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private SignatureAlgorithm algorithm = SignatureAlgorithm.ECDSA_P256_SHA256;
        private long keyId;
        private int vendorId;
        private long meterId;
        private long pieceSerial;
        private long ascendingRegister;
        private long descendingRegister;
        private Money postage;
        private LocalDate dateOfMailing;
        private PostalCode origin;
        private PostalCode destination;
        private MailClass mailClass;
        private int softwareId;
        private boolean testMode;

        private Builder() {
        }

        /** Sets {@link IndiciumData#algorithm()}; default ECDSA P-256. */
        public Builder algorithm(SignatureAlgorithm v) { algorithm = v; return this; }
        /** Sets {@link IndiciumData#keyId()}. */
        public Builder keyId(long v) { keyId = v; return this; }
        /** Sets {@link IndiciumData#vendorId()}. */
        public Builder vendorId(int v) { vendorId = v; return this; }
        /** Sets {@link IndiciumData#meterId()}. */
        public Builder meterId(long v) { meterId = v; return this; }
        /** Sets {@link IndiciumData#pieceSerial()}. */
        public Builder pieceSerial(long v) { pieceSerial = v; return this; }
        /** Sets {@link IndiciumData#ascendingRegister()}. */
        public Builder ascendingRegister(long v) { ascendingRegister = v; return this; }
        /** Sets {@link IndiciumData#descendingRegister()}. */
        public Builder descendingRegister(long v) { descendingRegister = v; return this; }
        /** Sets {@link IndiciumData#postage()}. */
        public Builder postage(Money v) { postage = v; return this; }
        /** Sets {@link IndiciumData#dateOfMailing()}. */
        public Builder dateOfMailing(LocalDate v) { dateOfMailing = v; return this; }
        /** Sets {@link IndiciumData#origin()}. */
        public Builder origin(PostalCode v) { origin = v; return this; }
        /** Sets {@link IndiciumData#destination()}. */
        public Builder destination(PostalCode v) { destination = v; return this; }
        /** Sets {@link IndiciumData#mailClass()}. */
        public Builder mailClass(MailClass v) { mailClass = v; return this; }
        /** Sets {@link IndiciumData#softwareId()}. */
        public Builder softwareId(int v) { softwareId = v; return this; }
        /** Sets {@link IndiciumData#testMode()}. */
        public Builder testMode(boolean v) { testMode = v; return this; }

        /** The data; throws {@link InvalidRequestException} naming the first invalid field. */
        public IndiciumData build() {
            return new IndiciumData(algorithm, keyId, vendorId, meterId, pieceSerial, ascendingRegister,
                    descendingRegister, postage, dateOfMailing, origin, destination, mailClass, softwareId, testMode);
        }
    }
}
