package org.openpostage.portal.internal.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.portal.internal.store.User;

/** An order is one purchase for a card, so it holds at most as many stamps as one purchase may. */
class CheckoutLimitTest {
    @Test
    void anOrderOfMoreStampsThanOnePurchaseMayHoldIsRefusedBeforeAnythingIsSent() {
        assertEquals(PurchaseRequest.MAX_ITEMS, Checkout.MAX_STAMPS);
        CartItem stamp = new CartItem("a", MailClass.LETTER, 20, "94107", "10001", 82, "USD", LocalDate.now(), null);
        // No postal server and no database: the limit is checked before either is used.
        Checkout checkout = new Checkout(null, null, null);
        UserError e = assertThrows(UserError.class, () -> checkout.placeOrder(new User(1, "alice", "Alice", "-"),
                Collections.nCopies(Checkout.MAX_STAMPS + 1, stamp), null, "auto", 82L * (Checkout.MAX_STAMPS + 1)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("An order holds at most 500 stamps; your cart has 501."), e.getMessage());
    }
}
