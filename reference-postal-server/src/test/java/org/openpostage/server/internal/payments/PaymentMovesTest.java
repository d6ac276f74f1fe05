package org.openpostage.server.internal.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openpostage.server.internal.payments.PaymentMoves.Move;
import org.openpostage.server.internal.payments.PaymentStore.State;

/** The card payment's state machine: the table in the code is the table in docs/ledger.md, and it holds money. */
class PaymentMovesTest {
    private static final Path LEDGER = Path.of("..", "docs", "ledger.md");
    private static final Pattern MOVE_ROW = Pattern.compile("(?m)^\\| `([A-Z]+)` \\| `([A-Z]+)` \\| (.+) \\|$");
    private static final Pattern STATE_ROW = Pattern.compile("(?m)^\\| `([A-Z]+)` \\| [^|]+ \\| (yes)? ?\\|$");

    @Test
    void docsLedgerShowsExactlyTheMovesOfTheCode() throws Exception {
        String doc = Files.readString(LEDGER);
        List<Move> documented = new ArrayList<>();
        Matcher m = MOVE_ROW.matcher(doc);
        while (m.find()) {
            documented.add(new Move(State.valueOf(m.group(1)), State.valueOf(m.group(2)), m.group(3)));
        }
        assertEquals(PaymentMoves.table(), documented, "docs/ledger.md's table of moves");
    }

    @Test
    void theFinalStatesOfTheDocsAreThoseWithNoMoveOut() throws Exception {
        Set<State> documentedFinal = EnumSet.noneOf(State.class);
        Set<State> documented = EnumSet.noneOf(State.class);
        Matcher m = STATE_ROW.matcher(Files.readString(LEDGER));
        while (m.find()) {
            documented.add(State.valueOf(m.group(1)));
            if (m.group(2) != null) {
                documentedFinal.add(State.valueOf(m.group(1)));
            }
        }
        assertEquals(EnumSet.allOf(State.class), documented, "every state is described");
        Set<State> noMoveOut = EnumSet.allOf(State.class).stream().filter(PaymentMoves::isFinal)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(State.class)));
        assertEquals(EnumSet.of(State.ISSUED, State.DECLINED, State.VOIDED, State.REFUNDED, State.FAILED), noMoveOut);
        assertEquals(noMoveOut, documentedFinal);
    }

    @Test
    void takenMoneyIsEitherSpentOnPostageOrGivenBack() {
        assertEquals(EnumSet.of(State.ISSUED, State.COMPENSATING), PaymentMoves.next(State.CAPTURED));
        assertEquals(EnumSet.of(State.REFUNDED), PaymentMoves.next(State.COMPENSATING));
        // Nothing that has not been captured is issued, and nothing captured goes back to an earlier state.
        for (Move move : PaymentMoves.table()) {
            if (move.to() == State.ISSUED) {
                assertEquals(State.CAPTURED, move.from(), move.toString());
            }
            if (move.from() == State.CAPTURED || move.from() == State.COMPENSATING) {
                assertTrue(EnumSet.of(State.ISSUED, State.COMPENSATING, State.REFUNDED).contains(move.to()),
                        move.toString());
            }
        }
    }

    @Test
    void everyStateIsReachedAndEveryPaymentCanEnd() {
        assertEquals(EnumSet.allOf(State.class), reachable(State.AUTHORIZING));
        for (State s : State.values()) {
            assertTrue(reachable(s).stream().anyMatch(PaymentMoves::isFinal), s + " can end");
        }
    }

    @Test
    void aMoveOutsideTheTableIsRefusedBeforeTheRowIsTouched() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PaymentMoves.check("pay_1", State.ISSUED, State.REFUNDED));
        assertEquals("payment pay_1 cannot move from ISSUED to REFUNDED: not a move of the card payment's state"
                + " machine (PaymentMoves)", e.getMessage());
        assertFalse(PaymentMoves.allowed(State.DECLINED, State.CAPTURED));
        assertFalse(PaymentMoves.allowed(State.CAPTURED, State.VOIDED), "a capture is never voided, only refunded");
    }

    private static Set<State> reachable(State from) {
        Set<State> seen = EnumSet.of(from);
        Deque<State> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            for (State next : PaymentMoves.next(todo.pop())) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }
}
