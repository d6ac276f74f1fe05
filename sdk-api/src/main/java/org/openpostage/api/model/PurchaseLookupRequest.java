package org.openpostage.api.model;

import org.openpostage.api.internal.Checks;

/**
 * Asks for a past purchase by its id ({@link Purchase#purchaseId()}), with its indicia rendered
 * again in any output the server offers: a reprint, or a look at what was bought for
 * reconciliation. Read-only: nothing is charged and no indicium is issued again; the signed data
 * is the same, byte for byte, as the purchase returned.
 *
 * @param purchaseId the purchase's id
 * @param print      how to render the indicia ({@link PrintOptions#dataOnly()} for the signed data only)
 */
public record PurchaseLookupRequest(String purchaseId, PrintOptions print) {
    public PurchaseLookupRequest {
        Checks.token("purchaseId", purchaseId, 64);
        Checks.notNull("print", print);
    }

    /** A lookup of {@code purchaseId} returning the signed data only. */
    public static PurchaseLookupRequest of(String purchaseId) {
        return new PurchaseLookupRequest(purchaseId, PrintOptions.dataOnly());
    }

    /** A copy rendering the indicia per {@code print}. */
    public PurchaseLookupRequest withPrint(PrintOptions print) {
        return new PurchaseLookupRequest(purchaseId, print);
    }
}
