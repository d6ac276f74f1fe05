package org.openpostage.api.model;

/** The outcome of verifying an indicium at mail processing. Only {@link #VALID} means good postage. */
public enum Verdict {
    /** Signed by a published key, issued, not refunded, not seen before, not a test indicium. */
    VALID,
    /** Genuine, but this piece (meter and serial) was scanned before: a copy. */
    DUPLICATE,
    /** Genuine, but refunded: no longer valid postage. */
    REFUNDED,
    /** Genuine, but issued under a test key: never valid postage. */
    TEST_INDICIUM,
    /** Signed with a key not in the published key set. */
    UNKNOWN_KEY,
    /** The signature does not match the data: altered or forged. */
    BAD_SIGNATURE,
    /** The signature is good but the postal server has no record of issuing it. */
    NOT_ISSUED,
    /**
     * A value this version of the SDK does not know, sent by a newer server: a client decodes it as
     * this member instead of failing (see docs/api-evolution.md). Never sent by a client.
     */
    UNKNOWN
}
