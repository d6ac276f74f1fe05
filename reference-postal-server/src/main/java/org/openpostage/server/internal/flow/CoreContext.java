package org.openpostage.server.internal.flow;

import java.time.Clock;
import java.time.LocalDate;
import org.openpostage.api.Mode;
import org.openpostage.api.ServiceUnavailableException;
import org.openpostage.server.PaymentGateway;
import org.openpostage.server.ServerConfig;
import org.openpostage.server.StampImaging;
import org.openpostage.server.internal.backgrounds.BackgroundStore;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.idempotency.IdempotencyStore;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.payments.PaymentStore;
import org.openpostage.server.internal.rates.RateBook;
import org.openpostage.server.internal.signing.SigningKeys;

/**
 * The parts of one core instance that the flows share.
 *
 * @param liveGateway the gateway for live-mode card payments, or {@code null} if there is none
 * @param nodeId      identifies this core instance in claims (random per start)
 */
public record CoreContext(ServerConfig config, Database db, Clock clock, Ledger ledger, IdempotencyStore idempotency,
                          PaymentStore payments, RateBook rates, BackgroundStore backgrounds, SigningKeys signingKeys,
                          StampImaging imaging, PaymentGateway testGateway, PaymentGateway liveGateway, String nodeId) {

    /**
     * The gateway for {@code mode}: test mode only ever uses the simulated gateway. Calls through it
     * are bounded well below the request lease (see {@link BoundedGateway}).
     *
     * @throws ServiceUnavailableException for live mode when no live gateway is configured
     */
    public PaymentGateway gateway(Mode mode) {
        PaymentGateway g = mode == Mode.TEST ? testGateway : liveGateway;
        if (g == null) {
            throw new ServiceUnavailableException("live card payments are not available on this postal server: no live "
                    + "card gateway is configured; nothing was charged. Pay from the account instead");
        }
        return new BoundedGateway(g, config.requestLease().dividedBy(4));
    }

    /** Today in the server's time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), config.zone());
    }
}
