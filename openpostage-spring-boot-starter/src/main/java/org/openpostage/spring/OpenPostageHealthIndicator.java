package org.openpostage.spring;

import java.time.Duration;
import java.util.Objects;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalClient;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.AccountStatement;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the postal server answers the client and accepts its credentials: asks for the account
 * statement (read-only, never retried past {@code timeout}) and reports {@code UP} with the
 * endpoint, the partner, the mode and the time taken, or {@code DOWN} with the error code and
 * message. It is not part of the liveness or readiness groups by default, and should stay out of
 * liveness: restarting a shop does not mend a postal server.
 */
public final class OpenPostageHealthIndicator implements HealthIndicator {
    private final PostalClient client;
    private final Duration timeout;

    /** Checks {@code client}, waiting at most {@code timeout}. */
    public OpenPostageHealthIndicator(PostalClient client, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Health health() {
        long start = System.nanoTime();
        Health.Builder health;
        try {
            AccountStatement statement = client.accountStatement(CallContext.empty().withTimeout(timeout));
            health = Health.up().withDetail("partner", statement.partnerId()).withDetail("mode", statement.mode().name());
        } catch (PostageException e) {
            health = Health.down().withDetail("code", e.code().name()).withDetail("error", e.getMessage());
            if (e.requestId() != null) {
                health.withDetail("requestId", e.requestId());
            }
        }
        return health.withDetail("endpoint", client.config().endpoint().toString())
                .withDetail("timeMs", (System.nanoTime() - start) / 1_000_000).build();
    }
}
