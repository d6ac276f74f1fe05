package org.openpostage.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.value.Money;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.db.SqlWork;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;
import org.openpostage.server.spi.PaymentGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A card gateway that moves no real money, for test mode and for the reference server. It
 * decides by the card number: the documented test cards (see {@code docs/test-cards.md} and the
 * constants below) give each outcome; <b>every other card number is declined</b>, so a real card
 * typed into a demo is never "charged" and never yields postage.
 *
 * <p>It keeps its transactions in the ledger database (tables {@code sim_gateway_*}), so a
 * payment authorized through one server node can be looked up, captured or refunded through
 * another. A "timeout" card records the real outcome but answers {@link Outcome#UNKNOWN}, as if
 * the response were lost on the way back; {@link #lookup} then reveals the outcome. Card numbers
 * are used only to choose the scenario: the tables hold the brand and the last four digits.
 */
public final class SimulatedCardGateway implements PaymentGateway {
    /** Visa, approved. */
    public static final String APPROVED_VISA = "4242424242424242";
    /** Mastercard, approved. */
    public static final String APPROVED_MASTERCARD = "5555555555554444";
    /** American Express, approved (4-digit CVV). */
    public static final String APPROVED_AMEX = "378282246310005";
    /** Declined by the issuer. */
    public static final String DECLINED = "4000000000000002";
    /** Declined for insufficient funds. */
    public static final String INSUFFICIENT_FUNDS = "4000000000009995";
    /** The authorization times out; a lookup finds it approved. */
    public static final String TIMEOUT_THEN_APPROVED = "4000000000000119";
    /** The authorization times out; a lookup finds it declined. */
    public static final String TIMEOUT_THEN_DECLINED = "4000000000000127";
    /** The authorization is approved; the capture times out, and a lookup finds it captured. */
    public static final String CAPTURE_TIMEOUT = "4000000000000135";

    private static final Logger log = LoggerFactory.getLogger(SimulatedCardGateway.class);

    /** What the simulator does for a card. */
    private enum Scenario {
        APPROVE, DECLINE, INSUFFICIENT_FUNDS, TIMEOUT_APPROVE, TIMEOUT_DECLINE, CAPTURE_TIMEOUT, UNKNOWN_CARD
    }

    private static final Map<String, Scenario> CARDS = Map.of(
            APPROVED_VISA, Scenario.APPROVE,
            APPROVED_MASTERCARD, Scenario.APPROVE,
            APPROVED_AMEX, Scenario.APPROVE,
            DECLINED, Scenario.DECLINE,
            INSUFFICIENT_FUNDS, Scenario.INSUFFICIENT_FUNDS,
            TIMEOUT_THEN_APPROVED, Scenario.TIMEOUT_APPROVE,
            TIMEOUT_THEN_DECLINED, Scenario.TIMEOUT_DECLINE,
            CAPTURE_TIMEOUT, Scenario.CAPTURE_TIMEOUT);

    private final DataSource dataSource;
    private final Clock clock;

    /**
     * A simulator keeping its records in {@code dataSource}, which must hold the server's schema.
     *
     * @param clock the clock for its timestamps
     */
    public SimulatedCardGateway(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Result authorize(String paymentId, CardPayment card, Money amount) {
        Scenario scenario = CARDS.getOrDefault(card.number(), Scenario.UNKNOWN_CARD);
        String state = switch (scenario) {
            case APPROVE, TIMEOUT_APPROVE, CAPTURE_TIMEOUT -> "AUTHORIZED";
            case DECLINE, TIMEOUT_DECLINE, UNKNOWN_CARD -> "DECLINED";
            case INSUFFICIENT_FUNDS -> "INSUFFICIENT_FUNDS";
        };
        String reference = Ids.newId("sim");
        Instant now = Time.now(clock);
        return call("authorize", c -> {
            try {
                Sql.update(c, "INSERT INTO sim_gateway_transactions (payment_id, gateway_reference, card_brand, card_last4,"
                                + " amount, currency, scenario, state, captured, refunded, created_at, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
                        paymentId, reference, card.brand(), card.last4(), amount.minorUnits(),
                        amount.currency().getCurrencyCode(), scenario, state, now, now);
            } catch (SQLException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
                // A repeated authorization of the same payment: answer what was decided the first time.
                Row row = find(c, "payment_id", paymentId).orElseThrow(() -> e);
                return row.authorizationResult();
            }
            log.debug("simulated gateway: payment {} {} ({} ending {})", paymentId, state, card.brand(), card.last4());
            if (scenario == Scenario.TIMEOUT_APPROVE || scenario == Scenario.TIMEOUT_DECLINE) {
                return Result.unknown("simulated gateway timeout");
            }
            return new Row(reference, scenario, state, amount.minorUnits(), 0, 0)
                    .authorizationResult();
        });
    }

    @Override
    public Result capture(String gatewayReference, Money amount) {
        Instant now = Time.now(clock);
        return call("capture", c -> {
            Optional<Row> found = lock(c, gatewayReference);
            if (found.isEmpty()) {
                return new Result(Outcome.DECLINED, gatewayReference, "no such authorization");
            }
            Row row = found.get();
            switch (row.state) {
                case "CAPTURED":
                    return Result.approved(gatewayReference);
                case "AUTHORIZED":
                    if (amount.minorUnits() > row.amount) {
                        return new Result(Outcome.DECLINED, gatewayReference, "capture exceeds the authorized amount");
                    }
                    Sql.update(c, "UPDATE sim_gateway_transactions SET state = 'CAPTURED', captured = ?, updated_at = ?"
                            + " WHERE gateway_reference = ?", amount.minorUnits(), now, gatewayReference);
                    return row.scenario == Scenario.CAPTURE_TIMEOUT
                            ? Result.unknown("simulated gateway timeout") : Result.approved(gatewayReference);
                default:
                    return new Result(Outcome.DECLINED, gatewayReference, "authorization is " + row.state.toLowerCase());
            }
        });
    }

    @Override
    public Result voidAuthorization(String gatewayReference) {
        Instant now = Time.now(clock);
        return call("void", c -> {
            Optional<Row> found = lock(c, gatewayReference);
            if (found.isEmpty()) {
                return new Result(Outcome.DECLINED, gatewayReference, "no such authorization");
            }
            return switch (found.get().state) {
                case "VOIDED" -> Result.approved(gatewayReference);
                case "AUTHORIZED" -> {
                    Sql.update(c, "UPDATE sim_gateway_transactions SET state = 'VOIDED', updated_at = ?"
                            + " WHERE gateway_reference = ?", now, gatewayReference);
                    yield Result.approved(gatewayReference);
                }
                default -> new Result(Outcome.DECLINED, gatewayReference,
                        "cannot void a " + found.get().state.toLowerCase() + " payment");
            };
        });
    }

    @Override
    public Result refund(String gatewayReference, Money amount, String refundReference) {
        Instant now = Time.now(clock);
        return call("refund", c -> {
            Optional<Row> found = lock(c, gatewayReference);
            if (found.isEmpty() || !found.get().state.equals("CAPTURED")) {
                return new Result(Outcome.DECLINED, gatewayReference, "no captured payment to refund");
            }
            boolean repeated = Sql.one(c, "SELECT refund_reference FROM sim_gateway_refunds WHERE refund_reference = ?",
                    rs -> rs.getString(1), refundReference).isPresent();
            if (repeated) {
                return Result.approved(gatewayReference);
            }
            Row row = found.get();
            if (row.refunded + amount.minorUnits() > row.captured) {
                return new Result(Outcome.DECLINED, gatewayReference, "refund exceeds the captured amount");
            }
            Sql.update(c, "INSERT INTO sim_gateway_refunds (refund_reference, gateway_reference, amount, created_at)"
                    + " VALUES (?, ?, ?, ?)", refundReference, gatewayReference, amount.minorUnits(), now);
            Sql.update(c, "UPDATE sim_gateway_transactions SET refunded = refunded + ?, updated_at = ?"
                    + " WHERE gateway_reference = ?", amount.minorUnits(), now, gatewayReference);
            return Result.approved(gatewayReference);
        });
    }

    @Override
    public Status lookup(String paymentId) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, "payment_id", paymentId)
                    .map(row -> new Status(State.valueOf(row.state), row.reference, null))
                    .orElse(new Status(State.NOT_FOUND, null, "no payment " + paymentId));
        } catch (SQLException e) {
            log.warn("simulated gateway: lookup of {} failed: {}", paymentId, e.getMessage());
            return new Status(State.UNKNOWN, null, "simulated gateway unavailable");
        }
    }

    /** Runs {@code work} in a transaction; a database failure is an unknown outcome, never an exception. */
    private Result call(String what, SqlWork<Result> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Result r = work.run(c);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("simulated gateway: {} failed: {}", what, e.getMessage());
            return Result.unknown("simulated gateway unavailable");
        }
    }

    private static Optional<Row> lock(Connection c, String gatewayReference) throws SQLException {
        return Sql.one(c, "SELECT gateway_reference, scenario, state, amount, captured, refunded"
                + " FROM sim_gateway_transactions WHERE gateway_reference = ? FOR UPDATE", Row::of, gatewayReference);
    }

    private static Optional<Row> find(Connection c, String column, String value) throws SQLException {
        return Sql.one(c, "SELECT gateway_reference, scenario, state, amount, captured, refunded"
                + " FROM sim_gateway_transactions WHERE " + column + " = ?", Row::of, value);
    }

    /** One simulated transaction. */
    private record Row(String reference, Scenario scenario, String state, long amount, long captured, long refunded) {
        static Row of(java.sql.ResultSet rs) throws SQLException {
            return new Row(rs.getString("gateway_reference"), Scenario.valueOf(rs.getString("scenario")),
                    rs.getString("state"), rs.getLong("amount"), rs.getLong("captured"), rs.getLong("refunded"));
        }

        Result authorizationResult() {
            return switch (state) {
                case "DECLINED" -> new Result(Outcome.DECLINED, reference, scenario == Scenario.UNKNOWN_CARD
                        ? "card declined: not a simulated test card (see docs/test-cards.md)" : "card declined by the issuer");
                case "INSUFFICIENT_FUNDS" -> new Result(Outcome.INSUFFICIENT_FUNDS, reference, "insufficient funds on the card");
                default -> Result.approved(reference);
            };
        }
    }
}
