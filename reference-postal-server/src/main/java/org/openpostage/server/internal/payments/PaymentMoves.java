package org.openpostage.server.internal.payments;

import static org.openpostage.server.internal.payments.PaymentStore.State.AUTHORIZED;
import static org.openpostage.server.internal.payments.PaymentStore.State.AUTHORIZING;
import static org.openpostage.server.internal.payments.PaymentStore.State.CAPTURED;
import static org.openpostage.server.internal.payments.PaymentStore.State.COMPENSATING;
import static org.openpostage.server.internal.payments.PaymentStore.State.DECLINED;
import static org.openpostage.server.internal.payments.PaymentStore.State.FAILED;
import static org.openpostage.server.internal.payments.PaymentStore.State.ISSUED;
import static org.openpostage.server.internal.payments.PaymentStore.State.REFUNDED;
import static org.openpostage.server.internal.payments.PaymentStore.State.UNKNOWN;
import static org.openpostage.server.internal.payments.PaymentStore.State.VOIDED;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.openpostage.server.internal.payments.PaymentStore.State;

/**
 * The card payment's state machine as one table: every move a payment may make, and why. The
 * same table is in docs/ledger.md ("Card payments"), and {@code PaymentMovesTest} holds the two
 * equal. {@link PaymentStore} refuses any move that is not here, so the table is not a comment
 * beside the code but the rule the code runs by.
 *
 * <p>A payment is driven by the request that started it ({@code CardPayments.pay}) or, when that
 * request's answer was lost or its node died, by whoever settles it later
 * ({@code CardPayments.settle}: the reconciler on any node, or a retry under the same key), who
 * asks the gateway what became of it. States with no move out are final.
 */
public final class PaymentMoves {
    /** One allowed move. */
    public record Move(State from, State to, String when) {
    }

    private static final List<Move> TABLE;

    static {
        List<Move> t = new ArrayList<>();
        // The request that starts the payment.
        t.add(new Move(AUTHORIZING, AUTHORIZED, "the gateway authorized it"));
        t.add(new Move(AUTHORIZING, DECLINED, "the gateway declined it (or the card lacks the funds)"));
        t.add(new Move(AUTHORIZING, UNKNOWN, "the authorization's answer was lost (a timeout)"));
        t.add(new Move(AUTHORIZED, CAPTURED, "the gateway captured it"));
        t.add(new Move(AUTHORIZED, VOIDED, "the capture was refused; the authorization is released"));
        t.add(new Move(AUTHORIZED, UNKNOWN, "the capture's answer was lost (a timeout)"));
        t.add(new Move(CAPTURED, ISSUED, "the issuing transaction committed (with the purchase and the key)"));
        t.add(new Move(CAPTURED, COMPENSATING, "issuing failed for good (not for a failure that passes)"));
        t.add(new Move(COMPENSATING, REFUNDED, "the gateway refunded it"));
        // Settling a payment whose outcome is not known: the gateway's lookup decides.
        for (State open : List.of(AUTHORIZING, AUTHORIZED, UNKNOWN)) {
            t.add(new Move(open, AUTHORIZED, "settling: the lookup says authorized (then it is captured)"));
            t.add(new Move(open, CAPTURED, "settling: the lookup says captured (then it is issued)"));
            t.add(new Move(open, DECLINED, "settling: the lookup says declined"));
            t.add(new Move(open, VOIDED, "settling: the lookup says voided"));
            t.add(new Move(open, FAILED, "settling: the gateway never received it, and its lease is over"));
        }
        // The same move twice is one move: an AUTHORIZING -> AUTHORIZED of the request path and
        // of settling, say. Keep the first wording.
        List<Move> unique = new ArrayList<>();
        for (Move m : t) {
            if (unique.stream().noneMatch(u -> u.from() == m.from() && u.to() == m.to())) {
                unique.add(m);
            }
        }
        TABLE = List.copyOf(unique);
    }

    private PaymentMoves() {
    }

    /** Every allowed move, in the order of the table in docs/ledger.md. */
    public static List<Move> table() {
        return TABLE;
    }

    /** Whether a payment in state {@code from} may move to {@code to}. */
    public static boolean allowed(State from, State to) {
        return TABLE.stream().anyMatch(m -> m.from() == from && m.to() == to);
    }

    /** The states a payment in {@code state} may move to; none for a final state. */
    public static Set<State> next(State state) {
        Set<State> next = EnumSet.noneOf(State.class);
        TABLE.stream().filter(m -> m.from() == state).forEach(m -> next.add(m.to()));
        return next;
    }

    /** Whether {@code state} is final: no move leads out of it. */
    public static boolean isFinal(State state) {
        return next(state).isEmpty();
    }

    /**
     * Refuses a move that is not in the table: a programming error, caught before the row is
     * touched.
     *
     * @throws IllegalStateException naming the payment and the move
     */
    static void check(String paymentId, State from, State to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("payment " + paymentId + " cannot move from " + from + " to " + to
                    + ": not a move of the card payment's state machine (PaymentMoves)");
        }
    }
}
