package org.openpostage.api.model;

import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * The outcome of one batch entry: exactly one of {@code purchase} and {@code error} is set.
 *
 * @param reference the entry's reference
 * @param purchase  the completed purchase, or {@code null} if the entry failed
 * @param error     why the entry failed, or {@code null} if it succeeded
 */
public record BatchItemResult(String reference, @Nullable Purchase purchase, @Nullable PostageError error) {
    public BatchItemResult {
        Checks.token("result.reference", reference, 64);
        if ((purchase == null) == (error == null)) {
            throw new InvalidArgumentException("result '" + reference + "' must have exactly one of purchase and error");
        }
    }

    /** A successful entry. */
    public static BatchItemResult success(String reference, Purchase purchase) {
        return new BatchItemResult(reference, purchase, null);
    }

    /** A failed entry. */
    public static BatchItemResult failure(String reference, PostageError error) {
        return new BatchItemResult(reference, null, error);
    }

    /** Whether the entry succeeded. */
    public boolean succeeded() {
        return purchase != null;
    }
}
