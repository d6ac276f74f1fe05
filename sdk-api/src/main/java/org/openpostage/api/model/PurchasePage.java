package org.openpostage.api.model;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.internal.Checks;

/**
 * One page of a {@link PurchaseListRequest}'s purchases, oldest first (by commit time, then id).
 *
 * @param purchases     the purchases of this page; may be empty
 * @param nextPageToken the token of the next page, or {@code null} when this is the last one
 */
public record PurchasePage(List<PurchaseSummary> purchases, @Nullable String nextPageToken) {
    public PurchasePage {
        purchases = Checks.list("purchases", purchases, 0, PurchaseListRequest.MAX_PAGE_SIZE);
        if (nextPageToken != null) {
            Checks.token("nextPageToken", nextPageToken, 200);
        }
    }
}
