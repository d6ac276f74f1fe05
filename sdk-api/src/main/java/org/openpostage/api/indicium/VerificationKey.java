package org.openpostage.api.indicium;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;

/**
 * A published key that verifies indicia.
 *
 * <p>Keys are rotated: a new key starts signing and the old one is retired, but stays published
 * so that the indicia it signed keep verifying. An indicium carries its date of mailing but no
 * signing time, so a retired key names the last date of mailing it could have signed for (the
 * postal server sets it: the UTC date it was retired, plus the longest a piece may be dated
 * ahead, plus a day for time zones ahead of UTC). An indicium dated later
 * than that, under that key, was not signed by the postal server ({@link
 * SignatureCheck#OUTSIDE_KEY_PERIOD}); this bounds what a private key that leaks after its
 * retirement can forge.
 *
 * <p>Keys are live or test keys, told apart by their id: ids from {@link #FIRST_TEST_KEY_ID}
 * (2<sup>31</sup>) up belong to test keys, which sign only test indicia, and no indicium under
 * one is ever postage ({@link SignatureCheck#TEST_KEY}), whatever its test flag says. A live key
 * never signs a test indicium. So a test stamp whose printed SPECIMEN mark was cut off still does
 * not verify as postage, and a test key that leaks (test keys may be kept less carefully) cannot
 * forge any.
 *
 * <p>A key that may have leaked while it signed is <em>revoked</em>: offline, nothing it signed
 * is trusted any more ({@link SignatureCheck#REVOKED_KEY}); only the postal server, which keeps a
 * record of every indicium it issued, can still tell its genuine pieces apart. A revoked key is
 * always retired too.
 *
 * @param keyId             the id indicia carry in bytes 2 to 5 (uint32); from
 *                          {@link #FIRST_TEST_KEY_ID} up, a test key
 * @param algorithm         the algorithm the key is for
 * @param publicKey         the public key as X.509 SubjectPublicKeyInfo (DER); checked to be P-256 or Ed25519
 * @param activeFrom        when the key started signing
 * @param retiredAt         when it stopped signing, or {@code null} while it still signs
 * @param lastDateOfMailing for a retired key, the last date of mailing an indicium under it can
 *                          carry; {@code null} for no limit (an active key, or a key retired
 *                          without one)
 * @param revokedAt         when the key was revoked, or {@code null}
 */
public record VerificationKey(long keyId, SignatureAlgorithm algorithm, Bytes publicKey, Instant activeFrom,
                              @Nullable Instant retiredAt, @Nullable LocalDate lastDateOfMailing,
                              @Nullable Instant revokedAt) {
    /** The first id of a test key: ids below it are live keys. */
    public static final long FIRST_TEST_KEY_ID = 0x8000_0000L;

    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    /**
     * @throws InvalidRequestException if the public key is not a key of {@code algorithm}, or the
     *                                 dates contradict each other (retired before active, a limit
     *                                 on a key that still signs or before the UTC date of its
     *                                 retirement, revoked but not retired or before it was retired)
     */
    public VerificationKey {
        Checks.range("keyId", keyId, 0, IndiciumData.MAX_UINT32);
        Checks.notNull("algorithm", algorithm);
        Checks.notNull("publicKey", publicKey);
        Checks.notNull("activeFrom", activeFrom);
        if (retiredAt != null && retiredAt.isBefore(activeFrom)) {
            throw new InvalidRequestException("key " + keyId + " is retired before it became active");
        }
        if (retiredAt == null && lastDateOfMailing != null) {
            throw new InvalidRequestException("key " + keyId + " still signs, so it has no last date of mailing");
        }
        if (lastDateOfMailing != null && lastDateOfMailing.isBefore(LocalDate.ofInstant(retiredAt, ZoneOffset.UTC))) {
            throw new InvalidRequestException("key " + keyId + " has a last date of mailing (" + lastDateOfMailing
                    + ") before the day it was retired");
        }
        if (revokedAt != null && retiredAt == null) {
            throw new InvalidRequestException("key " + keyId + " is revoked but not retired");
        }
        if (revokedAt != null && revokedAt.isBefore(retiredAt)) {
            throw new InvalidRequestException("key " + keyId + " is revoked before it was retired");
        }
        toPublicKey(algorithm, publicKey, keyId);
    }

    /** A key with no last date of mailing that is not revoked. */
    public VerificationKey(long keyId, SignatureAlgorithm algorithm, Bytes publicKey, Instant activeFrom,
                           @Nullable Instant retiredAt) {
        this(keyId, algorithm, publicKey, activeFrom, retiredAt, null, null);
    }

    /** A key built from a JCA public key, with no last date of mailing, not revoked. */
    public static VerificationKey of(long keyId, SignatureAlgorithm algorithm, PublicKey key, Instant activeFrom,
                                     @Nullable Instant retiredAt) {
        return new VerificationKey(keyId, algorithm, Bytes.of(key.getEncoded()), activeFrom, retiredAt);
    }

    /**
     * A copy of this key, retired at {@code at} and limited to indicia dated up to {@code
     * lastDateOfMailing} (unlimited if {@code null}).
     */
    public VerificationKey asRetired(Instant at, LocalDate lastDateOfMailing) {
        return new VerificationKey(keyId, algorithm, publicKey, activeFrom, at, lastDateOfMailing, revokedAt);
    }

    /** A copy of this key, revoked at {@code at}; it must be retired already. */
    public VerificationKey asRevoked(Instant at) {
        return new VerificationKey(keyId, algorithm, publicKey, activeFrom, retiredAt, lastDateOfMailing, at);
    }

    /** The key as a JCA {@link PublicKey}. */
    public PublicKey toPublicKey() {
        return toPublicKey(algorithm, publicKey, keyId);
    }

    /** Whether the key signs live postage or test indicia, as its id says. */
    public Mode mode() {
        return modeOf(keyId);
    }

    /** The mode of the key with id {@code keyId}: test from {@link #FIRST_TEST_KEY_ID} up, else live. */
    public static Mode modeOf(long keyId) {
        return keyId >= FIRST_TEST_KEY_ID ? Mode.TEST : Mode.LIVE;
    }

    /**
     * This key, after checking that {@code published}, the mode a key set states for it, is the
     * mode its id gives ({@code null}: a key set that states none; {@link Mode#UNKNOWN}: one this
     * version cannot name, so the id decides).
     *
     * @throws InvalidRequestException if they differ
     */
    public VerificationKey requireMode(Mode published) {
        if (published != null && published != Mode.UNKNOWN && published != mode()) {
            throw new InvalidRequestException("key " + keyId + " is published as a " + published + " key, but its id is"
                    + " that of a " + mode() + " key (test keys have ids from " + FIRST_TEST_KEY_ID + " up)");
        }
        return this;
    }

    /** Whether the key still signs new indicia. */
    public boolean active() {
        return retiredAt == null;
    }

    /** Whether the key was revoked: offline, nothing it signed is trusted. */
    public boolean revoked() {
        return revokedAt != null;
    }

    /** Whether an indicium dated {@code dateOfMailing} falls within the dates this key could sign for. */
    public boolean covers(LocalDate dateOfMailing) {
        return lastDateOfMailing == null || !dateOfMailing.isAfter(lastDateOfMailing);
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
