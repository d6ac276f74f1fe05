package org.openpostage.api.indicium;

/**
 * The outcome of checking an indicium's signature against a key set. Only {@link #VALID} means
 * the indicium is trusted offline; {@link #signatureMatches()} tells whether the bytes are those
 * the key signed, whatever the key's state.
 */
public enum SignatureCheck {
    /** The signature is good under the key the indicium names, and that key is in good standing for its date. */
    VALID,
    /** The key set has no key with the id the indicium names. */
    UNKNOWN_KEY,
    /** The signature does not verify (altered data, wrong key, or the key's algorithm differs). */
    BAD_SIGNATURE,
    /**
     * The signature is good, but the key was revoked (it may have leaked): offline, nothing it
     * signed is trusted. Only the postal server's records can still tell its genuine pieces.
     */
    REVOKED_KEY,
    /**
     * The signature is good, but the indicium is dated after the last date of mailing of its
     * retired key: the postal server did not sign it while that key was in use.
     */
    OUTSIDE_KEY_PERIOD,
    /**
     * The signature is good, but under a test key ({@link VerificationKey#mode()}): a specimen
     * made for testing, never postage, whatever the indicium's own test flag says.
     */
    TEST_KEY;

    /** Whether the signature itself is good under the named key, whatever the key's state. */
    public boolean signatureMatches() {
        return this == VALID || this == REVOKED_KEY || this == OUTSIDE_KEY_PERIOD || this == TEST_KEY;
    }
}
