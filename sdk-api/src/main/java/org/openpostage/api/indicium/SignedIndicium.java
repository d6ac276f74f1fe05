package org.openpostage.api.indicium;

import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;

/**
 * A decoded or freshly signed indicium: its fields, its signature and its full encoding. Made by
 * {@link IndiciumCodec}; the constructor checks that the three agree.
 *
 * @param data      the fields
 * @param signature the {@value IndiciumCodec#SIGNATURE_LENGTH}-byte signature
 * @param encoded   the full encoding: {@link IndiciumCodec#encodePayload} of the data, then the signature
 */
public record SignedIndicium(IndiciumData data, Bytes signature, Bytes encoded) {
    public SignedIndicium {
        Checks.notNull("data", data);
        Checks.notNull("signature", signature);
        Checks.notNull("encoded", encoded);
        if (signature.size() != IndiciumCodec.SIGNATURE_LENGTH || encoded.size() != IndiciumCodec.LENGTH) {
            throw new InvalidRequestException("signature or encoding has the wrong length");
        }
        byte[] all = encoded.toArray();
        byte[] payload = IndiciumCodec.encodePayload(data);
        for (int i = 0; i < payload.length; i++) {
            if (all[i] != payload[i]) {
                throw new InvalidRequestException("encoding does not match the data at byte " + i);
            }
        }
        for (int i = 0; i < IndiciumCodec.SIGNATURE_LENGTH; i++) {
            if (all[IndiciumCodec.PAYLOAD_LENGTH + i] != signature.byteAt(i)) {
                throw new InvalidRequestException("encoding does not end with the signature");
            }
        }
    }

    /** The signed part: the first {@value IndiciumCodec#PAYLOAD_LENGTH} bytes. */
    public byte[] signedPart() {
        return java.util.Arrays.copyOf(encoded.toArray(), IndiciumCodec.PAYLOAD_LENGTH);
    }

    /** Checks the signature against {@code keys}; shorthand for {@link VerificationKeySet#verify}. */
    public SignatureCheck verify(VerificationKeySet keys) {
        return keys.verify(this);
    }
}
