package org.openpostage.server.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;

/**
 * A signing key as the operator sees it: its id, mode, state, the device that holds its private
 * half, and its public half (what {@code PostalAdmin.signingKeys()} and the key ceremony commands
 * show).
 *
 * @param keyId             the id indicia carry; test keys from 2<sup>31</sup> up
 * @param mode              whether it signs live postage or test indicia
 * @param algorithm         its algorithm
 * @param state             pending, active, retired or revoked
 * @param device            the kind of device holding the private half: {@code PKCS11} or {@code SOFTWARE}
 * @param heldByThisNode    whether this node's device holds the private half (so it can sign with it)
 * @param publicKey         the public key, X.509 SubjectPublicKeyInfo (DER)
 * @param createdAt         when it was created in the device
 * @param activeFrom        when it started signing, or {@code null} while pending
 * @param retiredAt         when it stopped signing, or {@code null}
 * @param lastDateOfMailing for a retired key, the last date of mailing it can have signed for, or {@code null}
 * @param revokedAt         when it was revoked, or {@code null}
 */
public record SigningKeyInfo(long keyId, Mode mode, SignatureAlgorithm algorithm, State state, String device,
                             boolean heldByThisNode, Bytes publicKey, Instant createdAt, Instant activeFrom,
                             Instant retiredAt, LocalDate lastDateOfMailing, Instant revokedAt) {
    /** The life of a key. */
    public enum State {
        /** Created in the device, not yet signing, not published. */
        PENDING,
        /** The one key of its mode that signs new indicia. */
        ACTIVE,
        /** No longer signing; still published, so its indicia keep verifying. */
        RETIRED,
        /** Retired and no longer trusted offline: it may have leaked. */
        REVOKED
    }

    /** The SHA-256 of the public key, in hex: what the ceremony's witnesses compare. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.toArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e); // every JDK must have it
        }
    }
}
