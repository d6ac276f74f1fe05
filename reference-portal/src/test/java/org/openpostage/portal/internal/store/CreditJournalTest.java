package org.openpostage.portal.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store credit journal as the account page reads it. */
class CreditJournalTest {
    @TempDir
    Path dir;

    @Test
    void aCreditWithoutAnOrderHasNoOrderId() {
        PortalDatabase store = PortalDatabase.open(dir);
        try {
            store.users().createUserIfAbsent("carol", "Carol", "not-a-real-hash", 5_000, "USD");
            long carol = store.users().findUser("carol").orElseThrow().id();
            List<CreditEntry> journal = store.credit().creditJournal(carol);
            assertEquals(1, journal.size());
            assertEquals("Welcome credit", journal.get(0).reason());
            assertEquals(5_000, journal.get(0).amount());
            // order_id is NULL: the page must not link it to an order (it once read as order 0)
            assertNull(journal.get(0).orderId());
            assertEquals(5_000, store.credit().balance(carol));
        } finally {
            store.close();
        }
    }
}
