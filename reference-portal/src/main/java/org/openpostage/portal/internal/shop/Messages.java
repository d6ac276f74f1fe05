package org.openpostage.portal.internal.shop;

import org.openpostage.api.error.PostageException;

/** Words for the user about what the postal server said; never a stack trace. */
public final class Messages {
    private Messages() {
    }

    /**
     * Why a class cannot carry a piece, for the rates table, in the shop's words (the postal
     * server's message is for developers): {@code tooHeavy} when the class is sold, only not at
     * this weight.
     */
    public static String unavailable(PostageException e, boolean tooHeavy, boolean needsDestination) {
        if (e.code() != org.openpostage.api.error.ErrorCode.INVALID_REQUEST) {
            return "Not available right now";
        }
        return tooHeavy ? "Too heavy for this kind of mail" : needsDestination
                ? "Needs the recipient's postal code" : "Not offered for this piece";
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
     * What went wrong with a purchase or refund, for the user, in the shop's words: the postal
     * server's {@code detail} is written for developers (it names fields, cards, the shop's own
     * meter and its balance) and never reaches a page; callers log it.
     */
    public static String of(org.openpostage.api.error.ErrorCode code, String detail, Payment payment) {
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
            // The server's detail is for developers (and names its own records): the user gets the outcome.
            case REFUND_NOT_ALLOWED -> "This stamp cannot be refunded: it was used or refunded already, or its"
                    + " refund period is over.";
            case NOT_FOUND -> "The postal service does not know this stamp any more.";
            case INVALID_REQUEST -> "The postal service could not accept this request. Nothing was charged.";
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

    /** {@link #of(org.openpostage.api.error.ErrorCode, String, Payment)} for an exception about {@code payment}. */
    public static String of(PostageException e, Payment payment) {
        return of(e.code(), e.getMessage(), payment);
    }

    /** {@link #of(PostageException, Payment)} outside an order (a refund, a quote). */
    public static String of(PostageException e) {
        return of(e, Payment.NONE);
    }
}
