package org.openpostage.portal.internal.shop;

/**
 * A form field's value cannot be used: the page shows {@link #getMessage()} next to the field
 * named {@link #field()} and keeps what the shopper typed.
 */
public final class FieldError extends RuntimeException {
    private final String field;

    /** @param field the field's id in the page; @param message for the user */
    public FieldError(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The field's id in the page. */
    public String field() {
        return field;
    }

    /** As a {@link UserError} (400), for places that show errors as a page. */
    public UserError asUserError() {
        return UserError.invalid(getMessage());
    }
}
