package org.openpostage.api.model;

import java.util.List;
import java.util.Optional;
import org.openpostage.api.internal.Checks;

/**
 * The outcomes of a batch, one per entry, in the order of the request.
 *
 * @param results one result per entry
 */
public record BatchPurchaseResult(List<BatchItemResult> results) {
    public BatchPurchaseResult {
        results = Checks.list("results", results, 1, BatchPurchaseRequest.MAX_ENTRIES);
    }

    /** The result for the entry with {@code reference}. */
    public Optional<BatchItemResult> result(String reference) {
        return results.stream().filter(r -> r.reference().equals(reference)).findFirst();
    }

    /** How many entries succeeded. */
    public long succeeded() {
        return results.stream().filter(BatchItemResult::succeeded).count();
    }

    /** How many entries failed. */
    public long failed() {
        return results.size() - succeeded();
    }
}
