package org.openpostage.fuzzing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.openpostage.portal.internal.shop.Addresses;
import org.openpostage.portal.internal.shop.FieldError;
import org.openpostage.portal.internal.shop.Forms;
import org.openpostage.portal.internal.shop.Frames;
import org.openpostage.portal.internal.shop.UserError;

/**
 * The portal's form handling on any field values: every field either becomes a value or is
 * refused with a message for the shopper ({@link FieldError} next to its field, or
 * {@link UserError}), never another exception that would reach the error page as a 500.
 */
class PortalFormsFuzzTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 7);

    @FuzzTest(maxDuration = "30s")
    void everyFieldIsAValueOrAMessage(FuzzedDataProvider in) {
        Map<String, String> form = new HashMap<>();
        for (String name : new String[] {"recipientName", "recipientLine1", "recipientLine2", "recipientCity",
                "recipientRegion"}) {
            form.put(name, in.consumeBoolean() ? null : in.consumeString(80));
        }
        String country = in.consumeString(4);
        shopper(() -> Forms.mailClass(in.consumeString(20)));
        shopper(() -> Forms.grams(in.consumeString(12)));
        shopper(() -> Forms.postalCode(in.consumeString(16), "recipient's", in.consumeBoolean(),
                in.consumeBoolean() ? null : country, "to"));
        shopper(() -> Forms.country(in.consumeString(6), "US", "country"));
        shopper(() -> Forms.date(in.consumeString(14), TODAY, in.consumeInt(0, 400)));
        shopper(() -> Forms.card(in.consumeString(24), in.consumeString(8), in.consumeString(5), in.consumeString(40)));
        shopper(() -> Addresses.read("recipient", form::get, Forms.country(country, "US", "country"),
                Forms.postalCode(in.consumeString(12), "recipient's", true, country, "to")));
        // The picture's placement: the form's two fields, kept as text, read back for rendering.
        shopper(() -> Frames.parse(Frames.of(in.consumeString(6), in.consumeRemainingAsString())));
    }

    /** Runs one field's handling: a value or a message for the shopper. */
    private static void shopper(Runnable field) {
        try {
            field.run();
        } catch (FieldError | UserError forTheShopper) {
            if (forTheShopper.getMessage() == null || forTheShopper.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a message", forTheShopper);
            }
        }
    }
}
