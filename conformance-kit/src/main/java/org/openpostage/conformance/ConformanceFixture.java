package org.openpostage.conformance;

import java.time.Duration;
import java.time.YearMonth;
import java.util.Objects;
import org.openpostage.api.PostalService;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * What the conformance suite needs to know about the postal server under test.
 *
 * <p>The server must be set up so that:
 * <ul>
 *   <li>{@link #service()} is authenticated as a partner in <b>test</b> mode whose default test meter
 *       holds at least 1,000.00 (in the currency of the server's rates) — the suite debits a few
 *       hundred;</li>
 *   <li>the four {@linkplain Cards cards} behave as named (most servers have documented test cards;
 *       the defaults are the reference server's);</li>
 *   <li>{@link #samplePiece()} is a piece the server sells;</li>
 *   <li>{@link #service()} and {@link #live()} may record scans when they verify indicia (on the
 *       reference server: API keys issued as scanner keys), since the suite checks that a second
 *       scan of a piece is reported.</li>
 * </ul>
 * Optional parts enable more tests; tests whose part is missing are reported as skipped.
 *
 * @param service          the service, authenticated as a test-mode partner
 * @param unauthenticated  the same service reached with credentials the server refuses
 * @param live             the service authenticated as a live-mode partner with a funded account, or
 *                         {@code null}; enables the VALID / DUPLICATE / REFUNDED verification tests
 * @param cards            the server's test cards
 * @param samplePiece      a mail piece the server sells
 * @param otherModeMeterId a meter of the same partner in the other mode (live), or {@code null};
 *                         enables the permission test
 * @param reconcile        settles pending card payments at once (in-process targets), or {@code null}
 *                         to wait for the server's own reconciler
 * @param settleTimeout    how long to wait for a pending payment to settle
 */
public record ConformanceFixture(PostalService service, PostalService unauthenticated, PostalService live, Cards cards,
                                 MailPiece samplePiece, Long otherModeMeterId, Runnable reconcile,
                                 Duration settleTimeout) {
    public ConformanceFixture {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(unauthenticated, "unauthenticated");
        Objects.requireNonNull(cards, "cards");
        Objects.requireNonNull(samplePiece, "samplePiece");
        Objects.requireNonNull(settleTimeout, "settleTimeout");
    }

    /** A builder with the reference server's test cards, a 20 g letter from 94107 to 10001, and a 60 s settle timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Card numbers that make the server's gateway answer in a known way.
     *
     * @param approved          approved and captured
     * @param declined          declined by the issuer
     * @param insufficientFunds declined for insufficient funds
     * @param pending           the gateway times out, later settles as approved; or {@code null}
     */
    public record Cards(CardPayment approved, CardPayment declined, CardPayment insufficientFunds, CardPayment pending) {
        public Cards {
            Objects.requireNonNull(approved, "approved");
            Objects.requireNonNull(declined, "declined");
            Objects.requireNonNull(insufficientFunds, "insufficientFunds");
        }

        /** The reference postal server's documented test cards (docs/test-cards.md). */
        public static Cards referenceServer() {
            return new Cards(card("4242424242424242"), card("4000000000000002"), card("4000000000009995"),
                    card("4000000000000119"));
        }

        /** A card with {@code number}, expiring in five years, CVV 123. */
        public static CardPayment card(String number) {
            return new CardPayment(number, YearMonth.now().plusYears(5), "123", "Conformance Kit");
        }
    }

    /** Builds a {@link ConformanceFixture}. */
    public static final class Builder {
        private PostalService service;
        private PostalService unauthenticated;
        private PostalService live;
        private Cards cards = Cards.referenceServer();
        private MailPiece samplePiece = MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"))
                .withDestination(PostalCode.of("10001"));
        private Long otherModeMeterId;
        private Runnable reconcile;
        private Duration settleTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** The test-mode service (required). */
        public Builder service(PostalService s) { service = s; return this; }
        /** The service reached with refused credentials (required). */
        public Builder unauthenticated(PostalService s) { unauthenticated = s; return this; }
        /** A live-mode service (optional). */
        public Builder live(PostalService s) { live = s; return this; }
        /** The test cards. */
        public Builder cards(Cards c) { cards = c; return this; }
        /** A piece the server sells. */
        public Builder samplePiece(MailPiece p) { samplePiece = p; return this; }
        /** A meter of the other mode (optional). */
        public Builder otherModeMeterId(Long id) { otherModeMeterId = id; return this; }
        /** A hook that settles pending payments now (optional). */
        public Builder reconcile(Runnable r) { reconcile = r; return this; }
        /** How long to wait for a pending payment to settle. */
        public Builder settleTimeout(Duration d) { settleTimeout = d; return this; }

        /** The fixture. */
        public ConformanceFixture build() {
            return new ConformanceFixture(service, unauthenticated, live, cards, samplePiece, otherModeMeterId,
                    reconcile, settleTimeout);
        }
    }
}
