package org.openpostage.api.indicium;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.internal.EcdsaSignatures;

/**
 * The keys a postal server publishes to verify its indicia, current and retired.
 *
 * <p>Verification needs only the JDK. Instances are immutable and thread-safe.
 */
public final class VerificationKeySet {
    private final List<VerificationKey> keys;
    private final Map<Long, VerificationKey> byId = new HashMap<>();
    private final Map<Long, PublicKey> publicKeys = new HashMap<>();

    /**
     * @throws InvalidRequestException if two keys share an id
     */
    public VerificationKeySet(List<VerificationKey> keys) {
        this.keys = Checks.list("keys", keys, 0, 10_000);
        for (VerificationKey key : this.keys) {
            if (byId.put(key.keyId(), key) != null) {
                throw new InvalidRequestException("key id " + key.keyId() + " appears twice in the key set");
            }
            publicKeys.put(key.keyId(), key.toPublicKey());
        }
    }

    /** All keys, in the order given. */
    public List<VerificationKey> keys() {
        return keys;
    }

    /** The key with {@code keyId}. */
    public Optional<VerificationKey> find(long keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** Checks {@code indicium}'s signature against the key it names. */
    public SignatureCheck verify(SignedIndicium indicium) {
        IndiciumData data = indicium.data();
        VerificationKey key = byId.get(data.keyId());
        if (key == null) {
            return SignatureCheck.UNKNOWN_KEY;
        }
        if (key.algorithm() != data.algorithm()) {
            return SignatureCheck.BAD_SIGNATURE;
        }
        try {
            boolean ecdsa = data.algorithm() == SignatureAlgorithm.ECDSA_P256_SHA256;
            Signature s = Signature.getInstance(ecdsa ? "SHA256withECDSA" : "Ed25519");
            s.initVerify(publicKeys.get(data.keyId()));
            s.update(indicium.signedPart());
            byte[] raw = indicium.signature().toArray();
            return s.verify(ecdsa ? EcdsaSignatures.rawToDer(raw) : raw) ? SignatureCheck.VALID
                    : SignatureCheck.BAD_SIGNATURE;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return SignatureCheck.BAD_SIGNATURE;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKeySet other && keys.equals(other.keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

    @Override
    public String toString() {
        return "VerificationKeySet" + keys.stream().map(VerificationKey::keyId).toList();
    }
}
