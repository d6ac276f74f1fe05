package org.openpostage.api.model;

import org.openpostage.api.internal.Checks;

/**
 * One purchase within a batch, typically one user's order.
 *
 * @param reference the portal's reference for the entry (its order id, say), unique within the batch;
 *                  results are matched to entries by it, and it scopes the entry's idempotency
 * @param request   the purchase
 */
public record BatchEntry(String reference, PurchaseRequest request) {
    public BatchEntry {
        Checks.token("entry.reference", reference, 64);
        Checks.notNull("entry.request", request);
    }
}
