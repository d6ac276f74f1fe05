package org.openpostage.api.indicium;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.internal.EcdsaSignatures;

/**
 * Signs the payload of an indicium. A postal server holds one per active signing key; the key may
 * live in memory, a PKCS#12 keystore or a hardware module.
 *
 * <p>Implementations must be thread-safe.
 */
public interface IndiciumSigner {
    /** The algorithm this signer uses. */
    SignatureAlgorithm algorithm();

    /** The id of the key, as published in the {@link VerificationKeySet}. */
    long keyId();

    /**
     * Signs {@code payload}.
     *
     * @return the {@value IndiciumCodec#SIGNATURE_LENGTH}-byte raw signature ({@code r || s} for ECDSA)
     */
    byte[] sign(byte[] payload);

    /**
     * A signer backed by a JCA provider.
     *
     * @param algorithm the algorithm; must match the key
     * @param keyId     the key's id
     * @param key       the private key (EC P-256 or Ed25519)
     * @param provider  the provider to sign with (BouncyCastle is several times faster than the JDK's
     *                  on Java 17), or {@code null} for the JDK's default
     */
    static IndiciumSigner jca(SignatureAlgorithm algorithm, long keyId, PrivateKey key, @Nullable Provider provider) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(key, "key");
        String jcaName = algorithm == SignatureAlgorithm.ECDSA_P256_SHA256 ? "SHA256withECDSA" : "Ed25519";
        // Each thread signs with its own Signature and its own random source: ECDSA draws a fresh
        // nonce for every signature, and a provider left to its default draws it from one shared
        // SecureRandom that every signing thread then queues on.
        ThreadLocal<Signature> signatures = ThreadLocal.withInitial(() -> {
            try {
                Signature s = provider == null ? Signature.getInstance(jcaName) : Signature.getInstance(jcaName, provider);
                s.initSign(key, random());
                return s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign with " + jcaName + ": " + e.getMessage(), e);
            }
        });
        signatures.get(); // fail now, not at the first purchase, if the key does not fit
        return new IndiciumSigner() {
            @Override
            public SignatureAlgorithm algorithm() {
                return algorithm;
            }

            @Override
            public long keyId() {
                return keyId;
            }

            @Override
            public byte[] sign(byte[] payload) {
                try {
                    Signature s = signatures.get();
                    s.update(payload);
                    byte[] sig = s.sign();
                    return algorithm == SignatureAlgorithm.ECDSA_P256_SHA256
                            ? EcdsaSignatures.derToRaw(sig, 32) : sig;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("signing failed: " + e.getMessage(), e);
                }
            }
        };
    }

    /** A random source for one thread: the JDK's NIST DRBG where it exists, else the default. */
    private static SecureRandom random() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
