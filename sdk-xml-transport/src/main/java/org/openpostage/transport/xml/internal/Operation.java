package org.openpostage.transport.xml.internal;

/**
 * The operations of protocol v1 and where they live: one HTTP method and path each. Shared by the
 * server binding (routing) and the client (requests and retry rules).
 */
public enum Operation {
    /** {@code POST /v1/quote}. */
    QUOTE("POST", "/v1/quote", Kind.READ),
    /** {@code POST /v1/purchases}. */
    PURCHASE("POST", "/v1/purchases", Kind.KEYED),
    /** {@code POST /v1/purchase-batches}. */
    PURCHASE_BATCH("POST", "/v1/purchase-batches", Kind.KEYED),
    /** {@code POST /v1/refunds}. */
    REFUND("POST", "/v1/refunds", Kind.KEYED),
    /** {@code GET /v1/account}. */
    ACCOUNT_STATEMENT("GET", "/v1/account", Kind.READ),
    /** {@code GET /v1/backgrounds}. */
    BACKGROUNDS("GET", "/v1/backgrounds", Kind.READ),
    /** {@code GET /v1/verification-keys}. */
    VERIFICATION_KEYS("GET", "/v1/verification-keys", Kind.READ),
    /** {@code GET /v1/print-component}. */
    PRINT_COMPONENT("GET", "/v1/print-component", Kind.READ),
    /** {@code POST /v1/verify}: records a scan, so it is neither read-only nor keyed. */
    VERIFY("POST", "/v1/verify", Kind.UNKEYED_WRITE);

    /** How an operation may be repeated. */
    private enum Kind {
        /** No effect: always safe to repeat. */
        READ,
        /** An effect keyed by the Idempotency-Key header: safe to repeat with the same key. */
        KEYED,
        /** An effect without a key: repeat only when the request surely never reached the server. */
        UNKEYED_WRITE
    }

    private final String method;
    private final String path;
    private final Kind kind;

    Operation(String method, String path, Kind kind) {
        this.method = method;
        this.path = path;
        this.kind = kind;
    }

    /** The HTTP method. */
    public String method() {
        return method;
    }

    /** The path, relative to the endpoint's base path. */
    public String path() {
        return path;
    }

    /** Whether the request has an XML body (every POST). */
    public boolean hasRequestBody() {
        return method.equals("POST");
    }

    /** Whether the request needs an {@code Idempotency-Key} header. */
    public boolean keyed() {
        return kind == Kind.KEYED;
    }

    /**
     * Whether repeating the request cannot repeat an effect even if the first attempt reached the
     * server: true for read-only and keyed operations, false for verify (each call records a scan).
     */
    public boolean safeToRepeat() {
        return kind != Kind.UNKEYED_WRITE;
    }
}
