package org.openpostage.server.model;

import java.time.Instant;

/**
 * A partner (a portal) as the operator sees it.
 *
 * @param partnerId   its id, as its API keys' callers carry it
 * @param displayName a name to show
 * @param createdAt   when it was registered
 * @param activeKeys  how many of its API keys are not revoked
 * @param meters      how many meters it has, in both modes
 */
public record PartnerInfo(String partnerId, String displayName, Instant createdAt, int activeKeys, int meters) {
}
