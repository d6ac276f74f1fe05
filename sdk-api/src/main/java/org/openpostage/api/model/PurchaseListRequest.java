package org.openpostage.api.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.internal.Checks;

/**
 * Asks for the caller's purchases issued in a period, oldest first, one page at a time. The caller
 * sees the purchases of its own mode only (a test key lists test purchases).
 *
 * <pre>{@code
 * PurchaseListRequest page = PurchaseListRequest.of(monthStart, monthEnd);
 * do {
 *     PurchasePage result = postal.listPurchases(page);
 *     result.purchases().forEach(books::record);
 *     page = result.nextPageToken() == null ? null : page.nextPage(result.nextPageToken());
 * } while (page != null);
 * }</pre>
 *
 * @param from      the start of the period, inclusive
 * @param to        the end of the period, exclusive; after {@code from}
 * @param pageSize  how many purchases a page holds at most, 1 to {@value #MAX_PAGE_SIZE}
 * @param pageToken where to continue: the {@link PurchasePage#nextPageToken()} of the page before,
 *                  or {@code null} for the first page. Opaque; valid with the same period only
 */
public record PurchaseListRequest(Instant from, Instant to, int pageSize, @Nullable String pageToken) {
    /** The largest page a server returns. */
    public static final int MAX_PAGE_SIZE = 1000;
    /** The page size of {@link #of(Instant, Instant)}. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    public PurchaseListRequest {
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        if (!to.isAfter(from)) {
            throw new InvalidArgumentException("to (" + to + ") must be after from (" + from + ")");
        }
        Checks.range("pageSize", pageSize, 1, MAX_PAGE_SIZE);
        if (pageToken != null) {
            Checks.token("pageToken", pageToken, 200);
        }
    }

    /** The first page of purchases from {@code from} (inclusive) to {@code to} (exclusive), 100 a page. */
    public static PurchaseListRequest of(Instant from, Instant to) {
        return new PurchaseListRequest(from, to, DEFAULT_PAGE_SIZE, null);
    }

    /** The same period and page size, continuing at {@code pageToken}. */
    public PurchaseListRequest nextPage(String pageToken) {
        return new PurchaseListRequest(from, to, pageSize, Checks.notNull("pageToken", pageToken));
    }

    /** A copy with pages of {@code pageSize}. */
    public PurchaseListRequest withPageSize(int pageSize) {
        return new PurchaseListRequest(from, to, pageSize, pageToken);
    }
}
