package org.openpostage.api.model;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Money;

/**
 * Buys one or more indicia with one payment. All items succeed together or none does: a purchase
 * is debited and issued in one transaction.
 *
 * <p>All items must be priced in one currency; the payment covers their sum.
 *
 * @param items   the indicia to buy, 1 to {@value #MAX_ITEMS}
 * @param payment how the purchase is paid
 * @param print   how to render the indicia
 * @param meterId the meter to debit, or {@code null} for the caller's default meter in its mode
 */
public record PurchaseRequest(List<PurchaseItem> items, PaymentMethod payment, PrintOptions print,
                              @Nullable Long meterId) {
    /** The most items one purchase may hold. */
    public static final int MAX_ITEMS = 500;

    public PurchaseRequest {
        items = Checks.list("items", items, 1, MAX_ITEMS);
        Checks.notNull("payment", payment);
        Checks.notNull("print", print);
        if (meterId != null) {
            Checks.range("meterId", meterId, 1, 0xFFFF_FFFFL);
        }
        var currency = items.get(0).price().currency();
        for (int i = 1; i < items.size(); i++) {
            if (!items.get(i).price().currency().equals(currency)) {
                throw new InvalidArgumentException("items[" + i + "].price is in " + items.get(i).price().currency()
                        + " but items[0] is in " + currency + ": one purchase has one currency");
            }
        }
    }

    /** A purchase of {@code items} paid by {@code payment}, returning signed data only, from the default meter. */
    public static PurchaseRequest of(List<PurchaseItem> items, PaymentMethod payment) {
        return new PurchaseRequest(items, payment, PrintOptions.dataOnly(), null);
    }

    /** A copy rendered as {@code print}. */
    public PurchaseRequest withPrint(PrintOptions print) {
        return new PurchaseRequest(items, payment, print, meterId);
    }

    /** A copy that debits meter {@code meterId}. */
    public PurchaseRequest withMeter(Long meterId) {
        return new PurchaseRequest(items, payment, print, meterId);
    }

    /** The sum of the items' prices: the amount paid. */
    public Money total() {
        Money total = Money.zero(items.get(0).price().currency());
        for (PurchaseItem item : items) {
            total = total.plus(item.price());
        }
        return total;
    }
}
