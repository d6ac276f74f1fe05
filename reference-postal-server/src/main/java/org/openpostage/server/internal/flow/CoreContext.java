package org.openpostage.server.internal.flow;

import java.time.Clock;
import java.time.LocalDate;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.value.Mode;
import org.openpostage.server.spi.PaymentGateway;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.spi.StampImaging;
import org.openpostage.server.internal.backgrounds.BackgroundStore;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.idempotency.IdempotencyStore;
import org.openpostage.server.internal.ledger.Ledger;
import org.openpostage.server.internal.ledger.Signatures;
import org.openpostage.server.internal.nodes.Nodes;
import org.openpostage.server.internal.payments.PaymentStore;
import org.openpostage.server.internal.rates.RateBook;
import org.openpostage.server.internal.rates.RateSource;
import org.openpostage.server.internal.signing.SigningDevice;
import org.openpostage.server.internal.signing.SigningKeys;

/**
 * The parts of one core instance that the flows share.
 *
 * @param rateSource  the rate tables, configured and uploaded ({@link #rates()} is the book in force)
 * @param liveGateway the gateway for live-mode card payments, or {@code null} if there is none
 * @param nodes       this core instance among the ledger's nodes: its id in claims (random per
 *                    start), its heartbeat, and the claims its requests hold
 */
public record CoreContext(ServerConfig config, Database db, Clock clock, Ledger ledger, IdempotencyStore idempotency,
                          PaymentStore payments, RateSource rateSource, BackgroundStore backgrounds, SigningKeys signingKeys,
                          Signatures signatures, StampImaging imaging, PaymentGateway testGateway,
                          PaymentGateway liveGateway, Nodes nodes) {

    /** This node's id, as claims name it. */
    public String nodeId() {
        return nodes.nodeId();
    }

    /**
     * Refuses to issue postage of {@code mode} that this server may not sign: live postage with keys
     * of the software keystore, unless {@code psd.allow-software-keys-for-live-postage} (a demo
     * setting) allows it. Checked before any money moves.
     *
     * @throws ServiceUnavailableException if the server may not issue it
     */
    public void requireSigningAllowed(Mode mode) {
        if (mode == Mode.LIVE && signingKeys.device().kind() == SigningDevice.Kind.SOFTWARE
                && !config.softwareKeysForLivePostage()) {
            throw new ServiceUnavailableException("this postal server cannot issue live postage: its signing keys are "
                    + "not in a postal security device (a PKCS#11 token), so the operator has not enabled live sales; "
                    + "nothing was charged. Test postage is available with a test API key");
        }
    }

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

    /** The rate tables this node prices with now: the configured ones and the operators' uploads. */
    public RateBook rates() {
        return rateSource.book();
    }

    /** Today in the server's time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), config.zone());
    }
}
