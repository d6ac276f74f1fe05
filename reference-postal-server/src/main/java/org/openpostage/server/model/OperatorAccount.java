package org.openpostage.server.model;

import java.time.Instant;

/**
 * An operator's account for the admin console, never with its password hash.
 *
 * @param name              the sign-in name, also the actor the operator journal records
 * @param displayName       a name to show
 * @param createdAt         when the account was made
 * @param passwordChangedAt when its password was last set
 * @param lastSignInAt      its last successful sign-in, or {@code null}
 * @param lockedUntil       until when sign-ins are refused after repeated wrong passwords, or {@code null}
 * @param disabledAt        when it was disabled (it cannot sign in), or {@code null}
 */
public record OperatorAccount(String name, String displayName, Instant createdAt, Instant passwordChangedAt,
                              Instant lastSignInAt, Instant lockedUntil, Instant disabledAt) {
    /** Whether the account may sign in (not disabled; a lock may still hold for a while). */
    public boolean enabled() {
        return disabledAt == null;
    }
}
