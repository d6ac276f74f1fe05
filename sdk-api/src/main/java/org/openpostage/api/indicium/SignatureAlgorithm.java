package org.openpostage.api.indicium;

import org.openpostage.api.error.IndiciumFormatException;

/**
 * The signature algorithms an indicium may be signed with. Both give 64-byte raw signatures.
 */
public enum SignatureAlgorithm {
    /**
     * ECDSA over NIST P-256 with SHA-256; the signature is {@code r || s}, each 32 bytes big-endian
     * (IEEE P1363 form, not DER). The default.
     */
    ECDSA_P256_SHA256(1, "EC"),
    /** Ed25519 (RFC 8032); the 64-byte signature as the RFC defines it. */
    ED25519(2, "Ed25519");

    private final int id;
    private final String keyAlgorithm;

    SignatureAlgorithm(int id, String keyAlgorithm) {
        this.id = id;
        this.keyAlgorithm = keyAlgorithm;
    }

    /** The algorithm id carried in byte 1 of the indicium. */
    public int id() {
        return id;
    }

    /** The JCA key algorithm name ({@code KeyFactory}, {@code KeyPairGenerator}). */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    /**
     * The algorithm with id {@code id}.
     *
     * @throws IndiciumFormatException if no algorithm has that id
     */
    public static SignatureAlgorithm fromId(int id) {
        for (SignatureAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        throw new IndiciumFormatException("indicium byte 1 (algorithm id): " + id + " is not a known algorithm "
                + "(1 = ECDSA P-256, 2 = Ed25519)");
    }
}
