package org.openpostage.server.model;

import java.time.Instant;
import org.openpostage.api.value.Mode;

/**
 * An API key as the server knows it: never its secret.
 *
 * @param keyId     the key's public id
 * @param partnerId the partner it belongs to
 * @param mode      test or live
 * @param scanner   whether its verify calls record scans (a mail-processing key)
 * @param createdAt when it was issued
 * @param revokedAt when it was revoked, or {@code null} while it is valid
 */
public record ApiKeyInfo(String keyId, String partnerId, Mode mode, boolean scanner, Instant createdAt,
                         Instant revokedAt) {
    /** Whether the key still authenticates. */
    public boolean active() {
        return revokedAt == null;
    }
}
