package org.openpostage.api.model;

import org.jspecify.annotations.Nullable;
import java.time.LocalDate;
import org.openpostage.api.internal.Checks;

/**
 * Asks for the price of one mail piece.
 *
 * @param piece         the mail piece
 * @param dateOfMailing the day it will be mailed, which decides the rate table in force; {@code null}
 *                      means today in the postal server's time zone
 */
public record QuoteRequest(MailPiece piece, @Nullable LocalDate dateOfMailing) {
    public QuoteRequest {
        Checks.notNull("piece", piece);
    }

    /** A quote for {@code piece} mailed today. */
    public static QuoteRequest of(MailPiece piece) {
        return new QuoteRequest(piece, null);
    }
}
