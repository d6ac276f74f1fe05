package org.openpostage.server.internal.flow;

import java.time.Clock;
import java.time.LocalDate;
import org.openpostage.api.Mode;
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
 * @param nodeId identifies this core instance in claims (random per start)
 */
public record CoreContext(ServerConfig config, Database db, Clock clock, Ledger ledger, IdempotencyStore idempotency,
                          PaymentStore payments, RateBook rates, BackgroundStore backgrounds, SigningKeys signingKeys,
                          StampImaging imaging, PaymentGateway testGateway, PaymentGateway liveGateway, String nodeId) {

    /** The gateway for {@code mode}: test mode only ever uses the simulated gateway. */
    public PaymentGateway gateway(Mode mode) {
        return mode == Mode.TEST ? testGateway : liveGateway;
    }

    /** Today in the server's time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), config.zone());
    }
}
