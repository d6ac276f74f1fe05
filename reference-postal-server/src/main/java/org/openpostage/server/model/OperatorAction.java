package org.openpostage.server.model;


/**
 * What an entry of the operator journal records. Every change an operator makes through
 * {@link org.openpostage.server.PostalAdmin} (the admin console, the admin command line) is journaled in the same
 * transaction as the change, with the operator's name.
 */
public enum OperatorAction {
    /** A signing key was created in the signing device. */
    KEY_CREATED,
    /** A signing key became the active key of its mode. */
    KEY_ACTIVATED,
    /** A signing key stopped signing. */
    KEY_RETIRED,
    /** A signing key was revoked. */
    KEY_REVOKED,
    /** A partner (a portal) was registered. */
    PARTNER_CREATED,
    /** An API key was issued to a partner (its id, mode and scanner flag; never its secret). */
    API_KEY_ISSUED,
    /** An API key was revoked. */
    API_KEY_REVOKED,
    /** A meter was created for a partner. */
    METER_CREATED,
    /** Money was loaded onto a meter (a FUNDING journal entry). */
    METER_FUNDED,
    /** A card refund the gateway had refused was queued for another payout. */
    CARD_REFUND_RETRIED,
    /** An image was added to the background catalogue. */
    BACKGROUND_ADDED,
    /** An image was retired from the background catalogue. */
    BACKGROUND_RETIRED,
    /** A rate table was uploaded, to take effect on a later day. */
    RATE_TABLE_UPLOADED,
    /** An uploaded rate table was withdrawn before its day. */
    RATE_TABLE_WITHDRAWN,
    /** An operator account was created. */
    OPERATOR_CREATED,
    /** An operator account's password was set (which also lifts a lock). */
    OPERATOR_PASSWORD_SET,
    /** An operator account was disabled. */
    OPERATOR_DISABLED,
    /** A disabled operator account was enabled again. */
    OPERATOR_ENABLED,
    /** An operator signed in to the admin console. */
    OPERATOR_SIGNED_IN
}
