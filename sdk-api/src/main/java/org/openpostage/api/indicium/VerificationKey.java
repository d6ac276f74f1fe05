package org.openpostage.api.indicium;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import org.openpostage.api.Bytes;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.internal.Checks;

/**
 * A published key that verifies indicia.
 *
 * <p>Keys are rotated: a new key starts signing and the old one is retired, but stays published
 * so that the indicia it signed keep verifying.
 *
 * @param keyId       the id indicia carry in bytes 2 to 5 (uint32)
 * @param algorithm   the algorithm the key is for
 * @param publicKey   the public key as X.509 SubjectPublicKeyInfo (DER); checked to be P-256 or Ed25519
 * @param activeFrom  when the key started signing
 * @param retiredAt   when it stopped signing, or {@code null} while it still signs
 */
public record VerificationKey(long keyId, SignatureAlgorithm algorithm, Bytes publicKey, Instant activeFrom,
                              Instant retiredAt) {
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    public VerificationKey {
        Checks.range("keyId", keyId, 0, IndiciumData.MAX_UINT32);
        Checks.notNull("algorithm", algorithm);
        Checks.notNull("publicKey", publicKey);
        Checks.notNull("activeFrom", activeFrom);
        if (retiredAt != null && retiredAt.isBefore(activeFrom)) {
            throw new InvalidRequestException("key " + keyId + " is retired before it became active");
        }
        toPublicKey(algorithm, publicKey, keyId);
    }

    /** A key built from a JCA public key. */
    public static VerificationKey of(long keyId, SignatureAlgorithm algorithm, PublicKey key, Instant activeFrom,
                                     Instant retiredAt) {
        return new VerificationKey(keyId, algorithm, Bytes.of(key.getEncoded()), activeFrom, retiredAt);
    }

    /** The key as a JCA {@link PublicKey}. */
    public PublicKey toPublicKey() {
        return toPublicKey(algorithm, publicKey, keyId);
    }

    /** Whether the key still signs new indicia. */
    public boolean active() {
        return retiredAt == null;
    }

    private static PublicKey toPublicKey(SignatureAlgorithm algorithm, Bytes encoded, long keyId) {
        try {
            PublicKey key = KeyFactory.getInstance(algorithm.keyAlgorithm())
                    .generatePublic(new X509EncodedKeySpec(encoded.toArray()));
            if (algorithm == SignatureAlgorithm.ECDSA_P256_SHA256
                    && !(key instanceof ECPublicKey ec && ec.getParams().getOrder().equals(P256_ORDER))) {
                throw new InvalidRequestException("key " + keyId + " is not a P-256 key");
            }
            return key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new InvalidRequestException("key " + keyId + " is not a valid " + algorithm + " public key");
        }
    }
}
