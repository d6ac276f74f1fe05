package org.openpostage.portal.internal.shop;

/** Something the user asked for cannot be done; the message says why, in words for them. */
public final class UserError extends RuntimeException {
    private final int status;

    /** @param status the HTTP status to answer with; @param message for the user */
    public UserError(int status, String message) {
        super(message);
        this.status = status;
    }

    /** A 400 with {@code message}. */
    public static UserError invalid(String message) {
        return new UserError(400, message);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
