package org.openpostage.portal.internal.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A checkout: one batch request to the postal server, one item per stamp. Its status follows
 * from its items, so it can never disagree with them.
 *
 * @param id             the order id
 * @param userId         its owner
 * @param paymentKind    {@code CARD} or {@code CREDIT}
 * @param cardLabel      for card orders, "VISA ending 4242"; never more of the number
 * @param currency       the ISO currency code
 * @param printMode      {@code auto} or {@code on-request}
 * @param createdAt      when it was placed
 * @param idempotencyKey the key of its batch request at the postal server; every re-send uses it
 * @param meterId        the meter a store-credit order was sent for, or {@code null} (the partner's default)
 * @param items          the stamps, in cart order
 */
public record Order(long id, long userId, String paymentKind, String cardLabel, String currency, String printMode,
                    Instant createdAt, String idempotencyKey, Long meterId, List<OrderItem> items) {
    /** @throws NullPointerException if items is null */
    public Order {
        items = List.copyOf(items);
    }

    /** A copy with {@code items}. */
    public Order withItems(List<OrderItem> items) {
        return new Order(id, userId, paymentKind, cardLabel, currency, printMode, createdAt, idempotencyKey, meterId, items);
    }

    /** Whether the user pays with store credit. */
    public boolean byCredit() {
        return "CREDIT".equals(paymentKind);
    }

    /**
     * {@code PENDING} while the postal server's answer for some stamp is not known, else
     * {@code COMPLETED} (every stamp issued), {@code PARTIAL} or {@code FAILED} (none issued).
     */
    public String status() {
        if (items.stream().anyMatch(OrderItem::pending)) {
            return "PENDING";
        }
        long issued = items.stream().filter(i -> i.indiciumId() != null).count();
        return issued == items.size() ? "COMPLETED" : issued == 0 ? "FAILED" : "PARTIAL";
    }

    /** Whether the outcome of some stamp is still unknown. */
    public boolean pending() {
        return "PENDING".equals(status());
    }

    /** Why the first stamp that failed was not issued, for the user, or {@code null}. */
    public String message() {
        return items.stream().map(OrderItem::message).filter(m -> m != null).findFirst().orElse(null);
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
    public Optional<OrderItem> item(long itemId) {
        return items.stream().filter(i -> i.id() == itemId).findFirst();
    }
}
