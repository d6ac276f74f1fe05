package org.openpostage.api.indicium;

/** The outcome of checking an indicium's signature against a key set. */
public enum SignatureCheck {
    /** The signature is good under the key the indicium names. */
    VALID,
    /** The key set has no key with the id the indicium names. */
    UNKNOWN_KEY,
    /** The signature does not verify (altered data, wrong key, or the key's algorithm differs). */
    BAD_SIGNATURE
}
