package org.openpostage.api.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * Several independent purchases in one call, for example the requests of several users collected
 * by a portal. Each entry succeeds or fails on its own, with its own payment: a declined card in
 * one entry does not stop the others.
 *
 * <p>Idempotency: the batch's idempotency key together with each entry's reference identifies
 * that entry. Retrying the batch with the same key replays every entry's first outcome.
 *
 * @param entries 1 to {@value #MAX_ENTRIES} entries with distinct references and at most
 *                {@value #MAX_INDICIA} items in all
 */
public record BatchPurchaseRequest(List<BatchEntry> entries) {
    /** The most entries a batch may hold. */
    public static final int MAX_ENTRIES = 1000;
    /** The most indicia a batch may buy in all. */
    public static final int MAX_INDICIA = 1000;

    public BatchPurchaseRequest {
        entries = Checks.list("entries", entries, 1, MAX_ENTRIES);
        Set<String> seen = new HashSet<>();
        int indicia = 0;
        for (BatchEntry entry : entries) {
            if (!seen.add(entry.reference())) {
                throw new InvalidArgumentException("entries: reference '" + entry.reference() + "' appears twice");
            }
            indicia += entry.request().items().size();
        }
        if (indicia > MAX_INDICIA) {
            throw new InvalidArgumentException("entries buy " + indicia + " indicia; a batch may buy at most " + MAX_INDICIA);
        }
    }
}
