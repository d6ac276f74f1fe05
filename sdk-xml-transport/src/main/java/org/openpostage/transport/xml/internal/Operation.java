package org.openpostage.transport.xml.internal;

import org.openpostage.api.PostalOperation;

/**
 * The operations of protocol v1 and where they live: one HTTP method and path each, for each
 * {@link PostalOperation}, whose {@link PostalOperation.Kind} decides keys and retries. Shared by
 * the server binding (routing) and the client (requests).
 */
public enum Operation {
    /** {@code POST /v1/quote}. */
    QUOTE("POST", "/v1/quote", PostalOperation.QUOTE),
    /** {@code POST /v1/purchases}. */
    PURCHASE("POST", "/v1/purchases", PostalOperation.PURCHASE),
    /** {@code POST /v1/purchase-batches}. */
    PURCHASE_BATCH("POST", "/v1/purchase-batches", PostalOperation.PURCHASE_BATCH),
    /** {@code POST /v1/refunds}. */
    REFUND("POST", "/v1/refunds", PostalOperation.REFUND),
    /** {@code GET /v1/account}. */
    ACCOUNT_STATEMENT("GET", "/v1/account", PostalOperation.ACCOUNT_STATEMENT),
    /** {@code GET /v1/backgrounds}. */
    BACKGROUNDS("GET", "/v1/backgrounds", PostalOperation.BACKGROUNDS),
    /** {@code GET /v1/verification-keys}. */
    VERIFICATION_KEYS("GET", "/v1/verification-keys", PostalOperation.VERIFICATION_KEYS),
    /** {@code GET /v1/print-component}. */
    PRINT_COMPONENT("GET", "/v1/print-component", PostalOperation.PRINT_COMPONENT),
    /** {@code POST /v1/verify}: records a scan, so it is neither read-only nor keyed. */
    VERIFY("POST", "/v1/verify", PostalOperation.VERIFY),
    /** {@code POST /v1/purchase-lookup}: read-only, with a body. */
    LOOKUP_PURCHASE("POST", "/v1/purchase-lookup", PostalOperation.LOOKUP_PURCHASE),
    /** {@code POST /v1/purchase-list}: read-only, with a body. */
    LIST_PURCHASES("POST", "/v1/purchase-list", PostalOperation.LIST_PURCHASES),
    /** {@code POST /v1/journal-export}: read-only, with a body. */
    EXPORT_JOURNAL("POST", "/v1/journal-export", PostalOperation.EXPORT_JOURNAL);

    private final String method;
    private final String path;
    private final PostalOperation<?, ?> operation;

    Operation(String method, String path, PostalOperation<?, ?> operation) {
        this.method = method;
        this.path = path;
        this.operation = operation;
    }

    /** The operation of {@code op}. */
    public static Operation of(PostalOperation<?, ?> op) {
        for (Operation o : values()) {
            if (o.operation == op) {
                return o;
            }
        }
        throw new IllegalArgumentException("no XML operation for " + op);
    }

    /** The HTTP method. */
    public String method() {
        return method;
    }

    /** The path, relative to the endpoint's base path. */
    public String path() {
        return path;
    }

    /** The contract's operation. */
    public PostalOperation<?, ?> operation() {
        return operation;
    }

    /** Whether the request has an XML body (every POST). */
    public boolean hasRequestBody() {
        return method.equals("POST");
    }

    /** Whether the request needs an {@code Idempotency-Key} header. */
    public boolean keyed() {
        return operation.kind().needsIdempotencyKey();
    }
}
