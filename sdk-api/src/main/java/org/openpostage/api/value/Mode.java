package org.openpostage.api.value;

/**
 * Whether a caller works with real money or is testing.
 *
 * <p>Every API key is either a test key or a live key. Indicia issued under a test key carry a
 * test flag in their signed data, never verify as valid postage and render as SPECIMEN.
 */
public enum Mode {
    /** Test mode: simulated payments only, indicia flagged as test and not valid for mailing. */
    TEST,
    /** Live mode: real postage. */
    LIVE,
    /**
     * A value this version of the SDK does not know, sent by a newer server: a client decodes it as
     * this member instead of failing (see docs/api-evolution.md). Never sent by a client.
     */
    UNKNOWN
}
