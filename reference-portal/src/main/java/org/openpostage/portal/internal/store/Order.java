package org.openpostage.portal.internal.store;

import java.time.Instant;
import java.util.List;

/**
 * A checkout: one batch request to the postal server, one item per stamp.
 *
 * @param id          the order id
 * @param userId      its owner
 * @param status      {@code PENDING}, {@code COMPLETED} (every item issued), {@code PARTIAL} or {@code FAILED}
 * @param paymentKind {@code CARD} or {@code CREDIT}
 * @param cardLabel   for card orders, "VISA ending 4242"; never more of the number
 * @param currency    the ISO currency code
 * @param printMode   {@code auto} or {@code on-request}
 * @param message     what went wrong with the order as a whole, for the user, or {@code null}
 * @param createdAt   when it was placed
 * @param idempotencyKey the key of its batch request at the postal server (random, so a reset
 *                    portal database never reuses one)
 * @param items       the stamps, in cart order
 */
public record Order(long id, long userId, String status, String paymentKind, String cardLabel, String currency,
                    String printMode, String message, Instant createdAt, String idempotencyKey, List<OrderItem> items) {
    /** @throws NullPointerException if items is null */
    public Order {
        items = List.copyOf(items);
    }

    /** A copy with {@code items}. */
    public Order withItems(List<OrderItem> items) {
        return new Order(id, userId, status, paymentKind, cardLabel, currency, printMode, message, createdAt, idempotencyKey, items);
    }

    /** The items issued and not refunded: the stamps to print. */
    public List<OrderItem> printable() {
        return items.stream().filter(OrderItem::issued).toList();
    }

    /** The sum of the prices of the items issued (refunded ones included), in minor units. */
    public long charged() {
        return items.stream().filter(i -> i.indiciumId() != null).mapToLong(OrderItem::price).sum();
    }

    /** The item {@code itemId} of this order, if any. */
    public java.util.Optional<OrderItem> item(long itemId) {
        return items.stream().filter(i -> i.id() == itemId).findFirst();
    }
}
