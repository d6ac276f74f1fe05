package org.openpostage.server;

/** What an entry of the operator journal records. */
public enum OperatorAction {
    /** A signing key was created in the signing device. */
    KEY_CREATED,
    /** A signing key became the active key of its mode. */
    KEY_ACTIVATED,
    /** A signing key stopped signing. */
    KEY_RETIRED,
    /** A signing key was revoked. */
    KEY_REVOKED
}
