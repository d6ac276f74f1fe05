package org.openpostage.portal.internal.store;

import org.openpostage.jdbc.Transactions;
import static org.openpostage.portal.internal.store.Jdbc.insert;
import static org.openpostage.portal.internal.store.Jdbc.instant;
import static org.openpostage.portal.internal.store.Jdbc.prepare;
import static org.openpostage.portal.internal.store.Jdbc.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Orders and their stamps ({@code orders}, {@code order_items}: one row per stamp), and the
 * background resolver's claims on pending orders. Taking store credit for an order and giving it
 * back happen in the same transaction as the order's change ({@link CreditStore}'s entries).
 * Every query but the resolver's is scoped to the order's owner.
 */
public final class OrderStore {
    private final Transactions tx;

    OrderStore(Transactions tx) {
        this.tx = tx;
    }

    /**
     * Records a new order and its items, all {@code PENDING}, and in the same transaction takes
     * {@code hold} minor units of the user's store credit (0 for card orders). Empty, with nothing
     * recorded, when the credit does not cover {@code hold}. The order gets a random idempotency
     * key, so a reset portal database never reuses one.
     */
    public Optional<Order> createOrder(long userId, String paymentKind, String cardLabel, String currency,
                                       String printMode, Long meterId, List<OrderItem> items, long hold) {
        return tx.run("create order", c -> {
            if (hold > 0) {
                CreditStore.lockUser(c, userId);
                if (CreditStore.balance(c, userId) < hold) {
                    return Optional.<Order>empty();
                }
            }
            String key = "order-" + UUID.randomUUID();
            long id = insert(c, "INSERT INTO orders (user_id, payment_kind, card_label, currency, print_mode,"
                    + " idempotency_key, created_at, meter_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", userId, paymentKind,
                    cardLabel, currency, printMode, key, Instant.now(), meterId);
            int position = 0;
            for (OrderItem i : items) {
                insert(c, "INSERT INTO order_items (order_id, position, mail_class, grams, origin, destination, price,"
                                + " date_of_mailing, background, status, frame, sender, recipient)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)",
                        id, position++, i.mailClass(), i.grams(), i.origin(), i.destination(), i.price(),
                        i.dateOfMailing(), i.background(), i.frame(), AddressColumns.encode(i.sender()),
                        AddressColumns.encode(i.recipient()));
            }
            if (hold > 0) {
                CreditStore.add(c, userId, -hold, currency, "Order " + id, id);
            }
            return order(c, userId, id);
        });
    }

    /** Records that pending item {@code itemId} was issued; false (nothing changed) if it was settled already. */
    public boolean itemIssued(long itemId, String indiciumId, byte[] indicium, byte[] image) {
        return tx.run("record issued stamp", c -> update(c, "UPDATE order_items SET status = 'ISSUED', indicium_id = ?,"
                + " indicium = ?, image = ?, message = NULL WHERE id = ? AND status = 'PENDING'",
                indiciumId, indicium, image, itemId) == 1);
    }

    /**
     * Records that pending item {@code itemId} of the user's order {@code orderId} failed for good,
     * and why (in words for the user), and in the same transaction gives {@code credit} minor units
     * back to the user's store credit. Happens once: false (nothing changed) if it was settled already.
     */
    public boolean itemFailed(long userId, long orderId, long itemId, String message, long credit, String currency) {
        return tx.run("record failed stamp", c -> {
            int n = update(c, "UPDATE order_items SET status = 'FAILED', message = ? WHERE id = ? AND order_id = ?"
                    + " AND status = 'PENDING' AND order_id IN (SELECT id FROM orders WHERE user_id = ?)",
                    message, itemId, orderId, userId);
            if (n == 1 && credit > 0) {
                CreditStore.add(c, userId, credit, currency, "Stamp not issued, order " + orderId, orderId);
            }
            return n == 1;
        });
    }

    /**
     * Records that item {@code itemId} of the user's order was refunded and, in the same
     * transaction, gives {@code credit} minor units back to the user's store credit. Happens once:
     * false when the item was not (or no longer) issued.
     */
    public boolean itemRefunded(long userId, long orderId, long itemId, String refundId, long credit, String currency) {
        return tx.run("record refund", c -> {
            int n = update(c, "UPDATE order_items SET status = 'REFUNDED', refund_id = ?, refunded_at = ?"
                    + " WHERE id = ? AND order_id = ? AND status = 'ISSUED'"
                    + " AND order_id IN (SELECT id FROM orders WHERE user_id = ?)", refundId, Instant.now(), itemId,
                    orderId, userId);
            if (n == 1 && credit > 0) {
                CreditStore.add(c, userId, credit, currency, "Refund of an unused stamp", orderId);
            }
            return n == 1;
        });
    }

    // ---- the background resolver ----

    /**
     * The ids of store-credit orders placed after {@code since} with a stamp still pending and no
     * claim holding at {@code now}, at most {@code limit}: those never tried first, then those tried
     * least recently ({@link #claimOrder} notes the time), so orders that stay pending cannot keep
     * newer ones from being tried.
     */
    public List<Long> unclaimedPendingCreditOrders(Instant since, Instant now, int limit) {
        return tx.run("find pending orders", c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT o.id FROM orders o WHERE o.payment_kind = 'CREDIT'"
                    + " AND o.created_at > ? AND (o.claimed_until IS NULL OR o.claimed_until <= ?) AND EXISTS"
                    + " (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.status = 'PENDING')"
                    + " ORDER BY o.last_tried_at NULLS FIRST, o.id LIMIT ?", since, now, limit); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
    }

    /**
     * Claims order {@code orderId} for {@code node} until {@code until}, unless another claim holds
     * (one conditional UPDATE, so of several nodes sharing this database one wins), notes the time
     * as its last try, and returns it.
     */
    public Optional<Order> claimOrder(long orderId, String node, Instant until) {
        return tx.run("claim order", c -> {
            Instant now = Instant.now();
            if (update(c, "UPDATE orders SET claimed_by = ?, claimed_until = ?, last_tried_at = ?"
                    + " WHERE id = ? AND (claimed_until IS NULL OR claimed_until <= ?)", node, until, now, orderId, now) != 1) {
                return Optional.<Order>empty();
            }
            try (PreparedStatement ps = prepare(c, "SELECT user_id FROM orders WHERE id = ?", orderId);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return order(c, rs.getLong(1), orderId);
            }
        });
    }

    /** Ends {@code node}'s claim on order {@code orderId} (another node's claim stays). */
    public void releaseOrder(long orderId, String node) {
        tx.run("release order", c -> update(c, "UPDATE orders SET claimed_by = NULL, claimed_until = NULL WHERE id = ?"
                + " AND claimed_by = ?", orderId, node));
    }

    // ---- reading ----

    /** Order {@code orderId} with its items, if it belongs to the user. */
    public Optional<Order> order(long userId, long orderId) {
        return tx.run("read order", c -> order(c, userId, orderId));
    }

    /** The user's orders, newest first. */
    public List<Order> orders(long userId) {
        return tx.run("list orders", c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id FROM orders WHERE user_id = ? ORDER BY id DESC", userId);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            List<Order> out = new ArrayList<>();
            for (long id : ids) {
                order(c, userId, id).ifPresent(out::add);
            }
            return out;
        });
    }

    private static Optional<Order> order(Connection c, long userId, long orderId) throws SQLException {
        Order head;
        try (PreparedStatement ps = prepare(c, "SELECT id, payment_kind, card_label, currency, print_mode, created_at,"
                + " idempotency_key, meter_id FROM orders WHERE id = ? AND user_id = ?", orderId, userId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Long meter = rs.getObject(8, Long.class);
            head = new Order(rs.getLong(1), userId, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    instant(rs, 6), rs.getString(7), meter, List.of());
        }
        List<OrderItem> items = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT id, position, mail_class, grams, origin, destination, price,"
                + " date_of_mailing, background, status, message, indicium_id, indicium, image, refund_id,"
                + " frame, sender, recipient"
                + " FROM order_items WHERE order_id = ? ORDER BY position", orderId); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                items.add(new OrderItem(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getObject(8, LocalDate.class), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getString(12), rs.getBytes(13), rs.getBytes(14),
                        rs.getString(15), rs.getString(16), AddressColumns.decode(rs.getString(17)),
                        AddressColumns.decode(rs.getString(18))));
            }
        }
        return Optional.of(head.withItems(items));
    }
}
