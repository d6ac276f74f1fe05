package org.openpostage.portal.internal.shop;

import java.math.BigDecimal;
import java.util.Locale;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.value.Money;
import org.openpostage.portal.internal.store.CreditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store credit bought by card. The shop takes the payment itself (the postal server sells postage,
 * not the shop's credit), through its {@link Gateway}; the credit journal gets the amount with the
 * card's brand and last four digits, never more of it. The reference portal's gateway is
 * {@link #SIMULATED}: it accepts the same test cards as the postal server's simulated gateway
 * (docs/test-cards.md) and moves no money; a real shop plugs in its payment provider.
 */
public final class TopUps {
    /** The least and the most one top-up adds, in minor units. */
    public static final long MIN = 500;
    /** See {@link #MIN}. */
    public static final long MAX = 50_000;
    private static final Logger log = LoggerFactory.getLogger(TopUps.class);

    /** What a card payment provider answers. */
    public enum Outcome {
        /** The amount was charged. */
        APPROVED,
        /** The bank said no. */
        DECLINED,
        /** The card has too little left. */
        INSUFFICIENT_FUNDS
    }

    /** A card payment provider: charges a card once. */
    @FunctionalInterface
    public interface Gateway {
        /** Charges {@code amount} to {@code card}. */
        Outcome charge(CardPayment card, Money amount);
    }

    /** The demo's gateway: the test cards of docs/test-cards.md decide; any other card is approved. */
    public static final Gateway SIMULATED = (card, amount) -> switch (card.number()) {
        case "4000000000000002" -> Outcome.DECLINED;
        case "4000000000009995" -> Outcome.INSUFFICIENT_FUNDS;
        default -> Outcome.APPROVED;
    };

    private final CreditStore store;
    private final Gateway gateway;

    /** @param store the credit journal; @param gateway who charges the card */
    public TopUps(CreditStore store, Gateway gateway) {
        this.store = store;
        this.gateway = gateway;
    }

    /** An amount typed in the form ({@code 20}, {@code 20.00}) in minor units of {@code currency}. */
    public static long amount(String typed, String currency) {
        try {
            long minor = new BigDecimal(typed == null ? "" : typed.strip().replace(',', '.'))
                    .setScale(2).movePointRight(2).longValueExact();
            if (minor >= MIN && minor <= MAX) {
                return minor;
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // fall through
        }
        throw new FieldError("amount", "Please enter an amount from " + Money.of(MIN, currency) + " to "
                + Money.of(MAX, currency) + ", such as 20.00.");
    }

    /** Charges {@code card} and adds the amount to the user's credit; returns what to tell them. */
    public String topUp(long userId, long amount, String currency, CardPayment card) {
        Money money = Money.of(amount, currency);
        String label = card.brand() + " ending " + card.last4();
        Outcome outcome = gateway.charge(card, money);
        log.info("top-up of {} for user {} by {}: {}", money, userId, label, outcome);
        switch (outcome) {
            case DECLINED -> throw UserError.invalid("Your card was declined. Nothing was charged; please use another card.");
            case INSUFFICIENT_FUNDS -> throw UserError.invalid("Your card has insufficient funds. Nothing was charged;"
                    + " please use another card.");
            default -> {
            }
        }
        store.addCredit(userId, amount, currency, "Top-up by " + label);
        return "Added " + money + " to your store credit, charged to " + label.toLowerCase(Locale.ROOT)
                .replaceFirst("^[a-z]+", card.brand().toString()) + ".";
    }
}
