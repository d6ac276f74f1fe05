package org.openpostage.portal.internal.store;

/** The portal's database failed. */
public final class StoreException extends RuntimeException {
    /** @param message what failed; @param cause the JDBC error */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
