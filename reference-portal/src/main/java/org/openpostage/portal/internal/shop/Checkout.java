package org.openpostage.portal.internal.shop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.openpostage.api.CallContext;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.BatchEntry;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.portal.internal.store.Order;
import org.openpostage.portal.internal.store.OrderItem;
import org.openpostage.portal.internal.store.PortalDatabase;
import org.openpostage.portal.internal.store.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkout and refunds. A checkout re-prices every cart item from a fresh quote (a changed or
 * tampered price is refused before anything is charged), records the order and, in the same
 * transaction, holds the store credit when the user pays that way, then sends the order to the
 * postal server as one batch request under the order's idempotency key:
 * <ul>
 *   <li><b>store credit</b>: one entry per stamp, so each stamp succeeds or fails on its own and a
 *       failed stamp gets its credit back;</li>
 *   <li><b>card</b>: one entry holding every stamp in one {@link PurchaseRequest}, so the card is
 *       authorized and captured once, for the total, and the stamps are issued together or refused
 *       together, with the reason.</li>
 * </ul>
 *
 * <p>Only a definite answer settles a stamp: issued stamps keep their charge, stamps the postal
 * server refused for good get their store credit back (once). When the answer is not known (the
 * call failed after the client's own retries: outage, timeout, busy server, pending card payment)
 * the stamps stay {@code PENDING} and the credit stays held; {@link #confirm} re-sends the very
 * same batch under the same key, which the postal server answers with the first outcome and
 * never charges twice.
 */
public final class Checkout {
    /**
     * How long after checkout a pending order is still re-sent: well inside the postal server's
     * idempotency retention (at least 24 hours), after which a re-send could be taken as new.
     */
    public static final Duration CONFIRM_WINDOW = Duration.ofHours(20);

    /**
     * The most stamps one order may hold: a card order is one purchase, which the postal server
     * takes with at most this many items (a store-credit order stays well inside a batch's limits).
     */
    public static final int MAX_STAMPS = PurchaseRequest.MAX_ITEMS;

    private static final Logger log = LoggerFactory.getLogger(Checkout.class);

    private final Postage postage;
    private final PortalDatabase db;
    private final Long meterId;

    /** @param meterId the meter for store-credit orders, or {@code null} for the partner's default */
    public Checkout(Postage postage, PortalDatabase db, Long meterId) {
        this.postage = postage;
        this.db = db;
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
        if (cart.size() > MAX_STAMPS) {
            throw UserError.invalid("An order holds at most " + MAX_STAMPS + " stamps; your cart has " + cart.size()
                    + ". Nothing was charged; please remove some and pay for them in another order.");
        }
        long total = confirmPrices(cart);
        String currency = cart.get(0).currency();
        if (total != shownTotal) {
            throw new UserError(409, "The total sent with the form (" + Money.of(shownTotal, currency)
                    + ") is not the price of your cart (" + Money.of(total, currency) + "). Nothing was charged;"
                    + " please check your cart and pay again.");
        }
        List<OrderItem> items = cart.stream().map(c -> OrderItem.of(c.mailClass().name(), c.grams(), c.origin(),
                c.destination(), c.price(), c.dateOfMailing(), c.background(), c.frame(), c.sender(), c.recipient()))
                .toList();
        Order order = db.orders().createOrder(user.id(), card == null ? "CREDIT" : "CARD", card == null ? null : label(card),
                        currency, printMode, card == null ? meterId : null, items, card == null ? total : 0)
                .orElseThrow(() -> new UserError(409, "Your store credit (" + Money.of(db.credit().balance(user.id()), currency)
                        + ") does not cover " + Money.of(total, currency) + ". Nothing was charged."));
        return send(order, card == null ? PaymentMethod.account() : card, null);
    }

    /**
     * Asks the postal server again about a pending order of the user's by re-sending its batch
     * under its key. A card order needs the card it was paid with again ({@code card}; the portal
     * never keeps it): the postal server recognises the request only with the same payment. A
     * settled order is returned as it is.
     *
     * @param timeout how long to wait for the answer, or {@code null} for the client's own limit
     */
    public Order confirm(User user, long orderId, CardPayment card, Duration timeout) {
        return confirm(db.orders().order(user.id(), orderId).orElseThrow(() -> notYours(orderId)), card, timeout);
    }

    /**
     * {@link #confirm(User, long, CardPayment, Duration)} for an order already loaded (and known
     * to be its owner's): the background resolver's way in, with {@code card} {@code null} for a
     * store-credit order.
     */
    public Order confirm(Order order, CardPayment card, Duration timeout) {
        long orderId = order.id();
        if (!order.pending()) {
            return order;
        }
        if (!canConfirm(order)) {
            throw new UserError(409, "Order " + orderId + " could not be confirmed within a day, so it is not sent"
                    + " again. " + (order.byCredit() ? "Your store credit for it stays reserved; " : "") + "please contact"
                    + " us quoting order " + orderId + ".");
        }
        PaymentMethod payment = PaymentMethod.account();
        if (!order.byCredit()) {
            if (card == null) {
                throw UserError.invalid("To check order " + orderId + " again, please enter the card you paid with.");
            }
            if (!label(card).equals(order.cardLabel())) {
                throw new UserError(409, "Order " + orderId + " was paid with " + order.cardLabel() + ", not with "
                        + label(card) + ". Please enter that card: the postal server finds the order only with the same"
                        + " payment, and will not charge it twice.");
            }
            payment = card;
        }
        return send(order, payment, timeout);
    }

    /** Whether a pending order may still be re-sent (see {@link #CONFIRM_WINDOW}). */
    public static boolean canConfirm(Order order) {
        return order.createdAt().plus(CONFIRM_WINDOW).isAfter(Instant.now());
    }

    /** Sends the order's batch under its key and settles what the answer makes certain. */
    private Order send(Order order, PaymentMethod payment, Duration timeout) {
        BatchPurchaseRequest batch = batch(order, payment);
        CallContext context = CallContext.withKey(order.idempotencyKey());
        BatchPurchaseResult result;
        try {
            result = postage.client().purchaseBatch(batch, timeout == null ? context : context.withTimeout(timeout));
        } catch (PostageException e) {
            if (e.code() == ErrorCode.IDEMPOTENCY_KEY_REUSED && !order.byCredit()) {
                throw new UserError(409, "The postal server knows order " + order.id() + " with other card details."
                        + " Please enter exactly the card you paid with (the same number and expiry date).");
            }
            if (outcomeUnknown(e)) {
                log.warn("order {}: no answer from the postal server yet ({} {}, request {}); it stays pending",
                        order.id(), e.code(), e.getMessage(), e.requestId());
                return reload(order);
            }
            // The server's detail stays in the log, and only for store credit: for a card it names the card.
            log.warn("order {}: batch refused: {} ({}){}", order.id(), e.code(), e.requestId(),
                    order.byCredit() ? ": " + e.getMessage() : "");
            String msg = Messages.of(e, payment(order));
            order.items().stream().filter(OrderItem::pending).forEach(i -> fail(order, i, msg));
            return reload(order);
        } catch (RuntimeException e) {
            log.warn("order {}: the batch call failed without an answer; it stays pending", order.id(), e);
            return reload(order);
        }
        for (Entry entry : entries(order)) {
            BatchItemResult r = result.result(entry.reference()).orElse(null);
            if (r != null && entry.items().stream().anyMatch(OrderItem::pending)) {
                settle(order, entry, r); // else settled before, or not answered: asked again next time
            }
        }
        Order settled = reload(order);
        log.info("order {}: {} of {} stamps issued{}", order.id(), settled.printable().size(), settled.items().size(),
                settled.pending() ? ", some still pending" : "");
        return settled;
    }

    /**
     * Whether a failed batch call may still have been carried out: a retryable error (the
     * client's retries ran out), or an unexpected server-side error, whose effect is not known.
     */
    static boolean outcomeUnknown(PostageException e) {
        return e.retryable() || e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.IDEMPOTENCY_KEY_REUSED;
    }

    private static Messages.Payment payment(Order order) {
        return order.byCredit() ? Messages.Payment.STORE_CREDIT : Messages.Payment.CARD;
    }

    private void fail(Order order, OrderItem item, String message) {
        db.orders().itemFailed(order.userId(), order.id(), item.id(), message, order.byCredit() ? item.price() : 0,
                order.currency());
    }

    /** Settles the stamps of one batch entry from its result. */
    private void settle(Order order, Entry entry, BatchItemResult r) {
        if (r.succeeded()) {
            List<Indicium> indicia = r.purchase().indicia();
            if (indicia.size() != entry.items().size()) {
                log.error("order {}: entry {} answered with {} indicia for {} stamps; left pending", order.id(),
                        entry.reference(), indicia.size(), entry.items().size());
                return;
            }
            for (int i = 0; i < indicia.size(); i++) {
                Indicium ind = indicia.get(i); // in the order of the request's items
                db.orders().itemIssued(entry.items().get(i).id(), ind.indiciumId(), ind.data().toArray(),
                        ind.image() == null ? null : ind.image().content().toArray());
            }
        } else if (!r.error().retryable()) {
            log.warn("order {}: entry {} refused: {}{}", order.id(), entry.reference(), r.error().code(),
                    order.byCredit() ? ": " + r.error().message() : "");
            String msg = Messages.of(r.error().code(), r.error().message(), payment(order));
            entry.items().stream().filter(OrderItem::pending).forEach(i -> fail(order, i, msg));
        }
    }

    /**
     * One entry of an order's batch and the stamps it buys, in the order of its purchase items: one
     * entry per stamp for store credit, one entry with every stamp for a card (one charge).
     */
    private record Entry(String reference, List<OrderItem> items) {
    }

    private static List<Entry> entries(Order order) {
        if (order.byCredit()) {
            return order.items().stream().map(i -> new Entry("item-" + i.id(), List.of(i))).toList();
        }
        return List.of(new Entry("order-" + order.id(), order.items()));
    }

    /** The order's batch: built only from what the order stores, so every re-send is the same request. */
    private static BatchPurchaseRequest batch(Order order, PaymentMethod payment) {
        return new BatchPurchaseRequest(entries(order).stream()
                .map(e -> new BatchEntry(e.reference(), request(e.items(), order, payment))).toList());
    }

    private static String label(CardPayment card) {
        return card.brand() + " ending " + card.last4();
    }

    /** Refunds an unused stamp of the user's order; returns what to tell the user. */
    public String refund(User user, long orderId, long itemId) {
        Order order = db.orders().order(user.id(), orderId).orElseThrow(() -> notYours(orderId));
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
            log.warn("refund of order {} stamp {} refused: {} {} (request {})", orderId, itemId, e.code(), e.getMessage(),
                    e.requestId());
            throw new UserError(409, Messages.of(e));
        }
        boolean credit = "CREDIT".equals(order.paymentKind());
        boolean first = db.orders().itemRefunded(user.id(), orderId, itemId, refund.refundId(), credit ? item.price() : 0,
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

    /**
     * One purchase of {@code items}. Its print options are those the stamps share; stamps that
     * differ (some with a picture, some without) are bought as raw indicium data and composed by
     * the portal, since one purchase is rendered one way.
     */
    private static PurchaseRequest request(List<OrderItem> items, Order order, PaymentMethod payment) {
        List<PrintOptions> prints = items.stream().map(Checkout::print).distinct().toList();
        PrintOptions print = prints.size() == 1 ? prints.get(0) : PrintOptions.dataOnly();
        List<PurchaseItem> purchase = items.stream().map(i -> new PurchaseItem(Forms.piece(MailClass.valueOf(
                i.mailClass()), i.grams(), i.origin(), i.destination()), Money.of(i.price(), order.currency()),
                i.dateOfMailing(), i.sender(), i.recipient())).toList();
        return new PurchaseRequest(purchase, payment, print, order.meterId());
    }

    /** How the postal server renders {@code item} when bought on its own. */
    private static PrintOptions print(OrderItem item) {
        String bg = item.background();
        if (bg == null) {
            return PrintOptions.png(PrintOptions.DEFAULT_DPI);
        }
        if (bg.startsWith("catalogue:") && item.frame() == null) {
            return PrintOptions.png(PrintOptions.DEFAULT_DPI).withBackground(bg.substring("catalogue:".length()));
        }
        // The user's own picture, or one placed by the user: the portal composes the stamp.
        return PrintOptions.dataOnly();
    }

    private Order reload(Order order) {
        return db.orders().order(order.userId(), order.id()).orElseThrow();
    }
}
