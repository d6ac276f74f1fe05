package org.openpostage.portal.internal.shop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openpostage.api.PostageException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.Money;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.CallContext;
import org.openpostage.portal.internal.store.Order;
import org.openpostage.portal.internal.store.OrderItem;
import org.openpostage.portal.internal.store.PortalStore;
import org.openpostage.portal.internal.store.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkout and refunds. A checkout re-prices every cart item from a fresh quote (a changed or
 * tampered price is refused before anything is charged), records the order, takes store credit
 * when the user pays that way, and sends the whole cart to the postal server as one batch
 * request, one entry per stamp, keyed by the order's idempotency key. Each entry succeeds or fails
 * on its own; store credit for failed entries is given back.
 */
public final class Checkout {
    private static final Logger log = LoggerFactory.getLogger(Checkout.class);

    private final Postage postage;
    private final PortalStore store;
    private final Long meterId;

    /** @param meterId the meter for store-credit orders, or {@code null} for the partner's default */
    public Checkout(Postage postage, PortalStore store, Long meterId) {
        this.postage = postage;
        this.store = store;
        this.meterId = meterId;
    }

    /** The total of the cart at today's prices, refusing when an item's price changed. */
    public long confirmPrices(List<CartItem> cart) {
        long total = 0;
        for (int i = 0; i < cart.size(); i++) {
            CartItem item = cart.get(i);
            RateQuote q = postage.quote(Forms.piece(item.mailClass(), item.grams(), item.origin(), item.destination()),
                    item.dateOfMailing());
            if (q.price().minorUnits() != item.price() || !q.price().currency().getCurrencyCode().equals(item.currency())) {
                throw new UserError(409, "The price of stamp " + (i + 1) + " (" + item.mailClass().displayName()
                        + ") is now " + q.price() + ", not " + Money.of(item.price(), item.currency())
                        + ". Nothing was charged; please remove it and add it again at the current price.");
            }
            total += q.price().minorUnits();
        }
        return total;
    }

    /**
     * Places the order: {@code card} is the user's card, or {@code null} to pay with store credit.
     * {@code shownTotal} is the total the user saw; it must be today's total.
     */
    public Order placeOrder(User user, List<CartItem> cart, CardPayment card, String printMode, long shownTotal) {
        if (cart.isEmpty()) {
            throw UserError.invalid("Your cart is empty.");
        }
        long total = confirmPrices(cart);
        String currency = cart.get(0).currency();
        if (total != shownTotal) {
            throw new UserError(409, "The total sent with the form (" + Money.of(shownTotal, currency)
                    + ") is not the price of your cart (" + Money.of(total, currency) + "). Nothing was charged;"
                    + " please check your cart and pay again.");
        }
        List<OrderItem> items = cart.stream().map(c -> OrderItem.of(c.mailClass().name(), c.grams(), c.origin(),
                c.destination(), c.price(), c.dateOfMailing(), c.background())).toList();
        String cardLabel = card == null ? null : card.brand() + " ending " + card.last4();
        Order order = store.createOrder(user.id(), card == null ? "CREDIT" : "CARD", cardLabel, currency, printMode, items);
        if (card == null && !store.debitCredit(user.id(), total, currency, "Order " + order.id(), order.id())) {
            String msg = "Your store credit (" + Money.of(store.balance(user.id()), currency) + ") does not cover "
                    + Money.of(total, currency) + ". Nothing was charged.";
            store.orderStatus(order.id(), "FAILED", msg);
            order.items().forEach(i -> store.itemFailed(i.id(), "Not enough store credit."));
            return reload(user, order);
        }
        PaymentMethod payment = card == null ? PaymentMethod.account() : card;
        List<BatchEntry> entries = new ArrayList<>();
        for (OrderItem item : order.items()) {
            entries.add(new BatchEntry(reference(item), request(item, currency, payment, card == null)));
        }
        BatchPurchaseResult result;
        try {
            result = postage.client().purchaseBatch(new BatchPurchaseRequest(entries),
                    CallContext.withKey(order.idempotencyKey()));
        } catch (PostageException e) {
            log.warn("order {}: batch failed: {} ({})", order.id(), e.code(), e.requestId());
            String msg = Messages.of(e);
            order.items().forEach(i -> store.itemFailed(i.id(), msg));
            if (card == null) {
                store.creditBack(user.id(), total, currency, "Order " + order.id() + " failed", order.id());
            }
            store.orderStatus(order.id(), "FAILED", msg);
            return reload(user, order);
        }
        long failedAmount = 0;
        String firstError = null;
        for (OrderItem item : order.items()) {
            BatchItemResult r = result.result(reference(item)).orElse(null);
            if (r != null && r.succeeded()) {
                Indicium ind = r.purchase().indicia().get(0);
                store.itemIssued(item.id(), ind.indiciumId(), ind.data().toArray(),
                        ind.image() == null ? null : ind.image().content().toArray());
            } else {
                String msg = r == null ? "The postal server did not answer for this stamp. Nothing was charged for it."
                        : Messages.of(r.error().code(), r.error().message());
                firstError = firstError == null ? msg : firstError;
                store.itemFailed(item.id(), msg);
                failedAmount += item.price();
            }
        }
        if (card == null && failedAmount > 0) {
            store.creditBack(user.id(), failedAmount, currency, "Stamps of order " + order.id() + " not issued", order.id());
        }
        long failed = result.failed();
        String status = failed == 0 ? "COMPLETED" : failed == entries.size() ? "FAILED" : "PARTIAL";
        store.orderStatus(order.id(), status, failed == 0 ? null : firstError);
        log.info("order {}: {} of {} stamps issued", order.id(), entries.size() - failed, entries.size());
        return reload(user, order);
    }

    /** Refunds an unused stamp of the user's order; returns what to tell the user. */
    public String refund(User user, long orderId, long itemId) {
        Order order = store.order(user.id(), orderId).orElseThrow(() -> notYours(orderId));
        OrderItem item = order.item(itemId).orElseThrow(() -> new UserError(404,
                "Order " + orderId + " has no stamp " + itemId + "."));
        if (!item.issued()) {
            throw new UserError(409, "Only an issued, unused stamp can be refunded; this one is "
                    + item.status().toLowerCase(Locale.ROOT) + ".");
        }
        Refund refund;
        try {
            refund = postage.client().refund(new RefundRequest(item.indiciumId()),
                    CallContext.withKey(order.idempotencyKey() + "-refund-" + item.id()));
        } catch (PostageException e) {
            throw new UserError(409, Messages.of(e));
        }
        boolean credit = "CREDIT".equals(order.paymentKind());
        boolean first = store.itemRefunded(user.id(), orderId, itemId, refund.refundId(), credit ? item.price() : 0,
                order.currency());
        if (!first) {
            throw new UserError(409, "This stamp was refunded already.");
        }
        return "Refunded " + refund.amount() + " to " + (credit ? "your store credit" : "your card ("
                + order.cardLabel() + ")") + ". The stamp is no longer valid postage.";
    }

    /** The error for an order id that is not the user's (whether or not it exists). */
    public static UserError notYours(long orderId) {
        return new UserError(404, "Order " + orderId + " is not one of your orders.");
    }

    private PurchaseRequest request(OrderItem item, String currency, PaymentMethod payment, boolean account) {
        String bg = item.background();
        PrintOptions print;
        if (bg == null) {
            print = PrintOptions.png(PrintOptions.DEFAULT_DPI);
        } else if (bg.startsWith("catalogue:")) {
            print = PrintOptions.png(PrintOptions.DEFAULT_DPI).withBackground(bg.substring("catalogue:".length()));
        } else {
            print = PrintOptions.dataOnly(); // the user's own picture: the portal composes the stamp
        }
        PurchaseItem pi = new PurchaseItem(Forms.piece(org.openpostage.api.model.MailClass.valueOf(item.mailClass()),
                item.grams(), item.origin(), item.destination()), Money.of(item.price(), currency),
                item.dateOfMailing());
        return new PurchaseRequest(List.of(pi), payment, print, account ? meterId : null);
    }

    private static String reference(OrderItem item) {
        return "item-" + item.id();
    }

    private Order reload(User user, Order order) {
        return store.order(user.id(), order.id()).orElseThrow();
    }
}
