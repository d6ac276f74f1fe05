package org.openpostage.server.spi;

import java.util.Objects;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.value.Money;

/**
 * The card gateway a postal server charges cards with. The reference server ships a
 * {@link org.openpostage.server.SimulatedCardGateway}; operators plug in their acquirer's gateway by implementing this
 * interface and passing it to {@link org.openpostage.server.PostalCore.Builder#liveGateway(PaymentGateway)}.
 *
 * <p>The core calls it in this order for a card purchase: {@link #authorize}, then
 * {@link #capture}; {@link #voidAuthorization} or {@link #refund} when it must give the money
 * back; and {@link #lookup} to learn the outcome of a call whose answer was lost.
 *
 * <h2>Contract for implementations</h2>
 * <ul>
 *   <li><b>Never throw for an outcome.</b> A decline is {@link Outcome#DECLINED}; a timeout, a
 *       lost connection or any answer you cannot read is {@link Outcome#UNKNOWN}, never a guess.
 *       The core treats an exception like {@code UNKNOWN}.</li>
 *   <li><b>Idempotent.</b> {@code authorize} is keyed by {@code paymentId} (send it to the
 *       gateway as the merchant reference or idempotency key), {@code refund} by
 *       {@code refundReference}; {@code capture} and {@code voidAuthorization} of the same
 *       reference twice have the effect of once.</li>
 *   <li><b>Card data.</b> The card number and CVV go to the gateway and nowhere else: never log
 *       them, store them, or put them in a {@link Result#message()}.</li>
 *   <li><b>Thread-safe</b>, and usable from any server node: {@link #lookup} must find a payment
 *       authorized through another node.</li>
 * </ul>
 */
public interface PaymentGateway {
    /** A short name for logs, for example {@code "simulated"}. */
    String name();

    /**
     * Authorizes {@code amount} on {@code card}.
     *
     * @param paymentId the postal server's id for this payment, unique per attempt; the key of
     *                  {@link #lookup}
     * @return {@code APPROVED} with the gateway's reference, a decline, or {@code UNKNOWN}
     */
    Result authorize(String paymentId, CardPayment card, Money amount);

    /** Captures {@code amount} (at most the authorized amount) of the authorization {@code gatewayReference}. */
    Result capture(String gatewayReference, Money amount);

    /** Releases an authorization that was not captured. */
    Result voidAuthorization(String gatewayReference);

    /**
     * Returns {@code amount} of a captured payment to the card.
     *
     * @param refundReference the postal server's id for this refund: a second call with it has no
     *                        further effect
     */
    Result refund(String gatewayReference, Money amount, String refundReference);

    /** What the gateway knows of the payment the core authorized as {@code paymentId}. */
    Status lookup(String paymentId);

    /** The outcome of a gateway call. */
    enum Outcome {
        /** Done. */
        APPROVED,
        /** Refused by the issuer or the gateway. */
        DECLINED,
        /** Refused for lack of funds. */
        INSUFFICIENT_FUNDS,
        /** No answer: the call may or may not have taken effect. Settle it with {@link #lookup}. */
        UNKNOWN
    }

    /**
     * The answer to a call.
     *
     * @param outcome          what happened
     * @param gatewayReference the gateway's id for the transaction, when it gave one
     * @param message          a short explanation for logs and users; never card data
     */
    record Result(Outcome outcome, String gatewayReference, String message) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            message = message == null ? outcome.name().toLowerCase(java.util.Locale.ROOT) : message;
        }

        /** An approval with the gateway's reference. */
        public static Result approved(String gatewayReference) {
            return new Result(Outcome.APPROVED, Objects.requireNonNull(gatewayReference, "gatewayReference"), "approved");
        }

        /** A call whose outcome is not known. */
        public static Result unknown(String message) {
            return new Result(Outcome.UNKNOWN, null, message);
        }
    }

    /** What {@link #lookup} can find about a payment. */
    enum State {
        /** Authorized, not captured. */
        AUTHORIZED,
        /** Captured: the money was taken. */
        CAPTURED,
        /** The authorization was released. */
        VOIDED,
        /** Declined. */
        DECLINED,
        /** Declined for lack of funds. */
        INSUFFICIENT_FUNDS,
        /** The gateway has no payment with that id: the authorization never reached it. */
        NOT_FOUND,
        /** The gateway could not be asked; try again later. */
        UNKNOWN
    }

    /**
     * The answer to {@link #lookup}.
     *
     * @param state            the payment's state at the gateway
     * @param gatewayReference the gateway's id for it, when it has one
     * @param message          a short explanation; never card data
     */
    record Status(State state, String gatewayReference, String message) {
        public Status {
            Objects.requireNonNull(state, "state");
            message = message == null ? state.name().toLowerCase(java.util.Locale.ROOT) : message;
        }
    }
}
