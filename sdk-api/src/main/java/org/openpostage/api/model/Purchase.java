package org.openpostage.api.model;

import java.time.Instant;
import java.util.List;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;

/**
 * A completed purchase: its indicia, debited and signed.
 *
 * <p>Every indicium in it has been debited from its meter exactly once, before it was returned.
 * Replaying the purchase with the same idempotency key returns an equal {@code Purchase} (the same
 * indicium bytes) without a second debit.
 *
 * @param purchaseId the postal server's id for the purchase
 * @param indicia    the indicia, in the order of the request's items
 * @param total      the total postage
 * @param payment    how it was paid
 * @param mode       {@link Mode#TEST} if issued under a test key (indicia flagged as test)
 * @param issuedAt   when the purchase was committed
 */
public record Purchase(String purchaseId, List<Indicium> indicia, Money total, PaymentSummary payment, Mode mode,
                       Instant issuedAt) {
    public Purchase {
        Checks.token("purchaseId", purchaseId, 64);
        indicia = Checks.list("indicia", indicia, 1, PurchaseRequest.MAX_ITEMS);
        Checks.notNull("total", total);
        Checks.notNull("payment", payment);
        Checks.notNull("mode", mode);
        Checks.notNull("issuedAt", issuedAt);
    }
}
