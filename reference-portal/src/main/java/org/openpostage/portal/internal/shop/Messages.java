package org.openpostage.portal.internal.shop;

import org.openpostage.api.PostageException;

/** Words for the user about what the postal server said; never a stack trace. */
public final class Messages {
    private Messages() {
    }

    /** Why a class cannot carry a piece, for the rates table. */
    public static String unavailable(PostageException e) {
        return switch (e.code()) {
            case INVALID_REQUEST -> "not available for this piece (" + e.getMessage() + ")";
            default -> "not available right now";
        };
    }

    /** What a message is about: a stamp of a card order, a stamp of a store-credit order, or anything else. */
    public enum Payment {
        /** A stamp of an order paid by card. */
        CARD,
        /** A stamp of an order paid with the user's store credit (the shop's own meter at the postal server). */
        STORE_CREDIT,
        /** No order: a refund, a quote, a preview. */
        NONE
    }

    /**
     * What went wrong with a purchase or refund, for the user. The postal server's {@code detail}
     * is written for developers: it appears only where it helps the user (what was refused), never
     * for missing funds, where it names the card or the shop's own meter and its balance.
     */
    public static String of(org.openpostage.api.ErrorCode code, String detail, Payment payment) {
        return switch (code) {
            // The server's detail is written for developers and repeats the card; the user needs the outcome.
            case PAYMENT_DECLINED -> "Your card was declined. Nothing was charged; please use another card.";
            case INSUFFICIENT_FUNDS -> switch (payment) {
                case CARD -> "Your card has insufficient funds. Nothing was charged; please use another card.";
                // The shop's prepaid meter ran low: the shopper's credit was enough and is given back.
                case STORE_CREDIT -> "The shop cannot issue this stamp right now; your store credit for it was given back.";
                case NONE -> "The postal service could not do this right now. Nothing was charged.";
            };
            case PAYMENT_PENDING -> "Your bank has not answered yet. Nothing was issued; please check your orders again in a minute.";
            case PRICE_CHANGED -> "The price changed since you added this stamp. Nothing was charged; please add it again at the new price.";
            case REFUND_NOT_ALLOWED -> "This stamp cannot be refunded: " + detail + ".";
            case NOT_FOUND -> "The postal server does not know this item: " + detail + ".";
            case INVALID_REQUEST -> "The postal server refused the request: " + detail + ".";
            case RATE_LIMITED, SERVICE_UNAVAILABLE, DEADLINE_EXCEEDED, REQUEST_IN_PROGRESS ->
                    "The postal service is busy or unreachable; please try again shortly.";
            default -> "The postal service could not do this (" + code + "). Nothing was charged.";
        };
    }

    /** What a user is told about an order whose outcome the postal server has not confirmed yet. */
    public static String pending(org.openpostage.portal.internal.store.Order order) {
        String head = "We're confirming your order with the postal service. ";
        return order.byCredit()
                ? head + "Your store credit for it stays reserved until the postal service answers; you are never charged twice."
                : head + "To check again, enter the card you paid with (" + order.cardLabel() + "); it is never charged twice.";
    }

    /** {@link #of(org.openpostage.api.ErrorCode, String, Payment)} for an exception about {@code payment}. */
    public static String of(PostageException e, Payment payment) {
        return of(e.code(), e.getMessage(), payment);
    }

    /** {@link #of(PostageException, Payment)} outside an order (a refund, a quote). */
    public static String of(PostageException e) {
        return of(e, Payment.NONE);
    }
}
