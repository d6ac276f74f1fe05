package org.openpostage.portal.internal.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalClient;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.portal.internal.store.OrderItem;
import org.openpostage.portal.internal.store.PortalDatabase;

/**
 * The background resolver takes turns: with more pending store-credit orders than one pass
 * takes, each pass starts with those never tried, then those tried least recently, so orders that
 * stay pending do not keep newer ones from ever being sent again.
 */
class PendingOrderTurnsTest {
    @TempDir
    Path dir;

    @Test
    void ordersThatStayPendingTakeTurnsWithNewerOnes() {
        List<String> sentKeys = new ArrayList<>();
        // A postal server that never answers a batch: every order stays pending, however often it is sent.
        PostalClient unreachable = (PostalClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PostalClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "an unreachable postal server";
                    }
                    if (method.getName().equals("purchaseBatch") && args.length == 2) {
                        sentKeys.add(((CallContext) args[1]).idempotencyKey());
                        throw new ServiceUnavailableException("no answer (test)");
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not used by the resolver");
                });
        try (PortalDatabase db = PortalDatabase.open(dir)) {
            db.users().createUserIfAbsent("dora", "Dora", "not-a-real-hash", 10_000, "USD");
            long dora = db.users().findUser("dora").orElseThrow().id();
            Map<String, Long> orderOfKey = new HashMap<>();
            List<Long> orders = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var order = db.orders().createOrder(dora, "CREDIT", null, "USD", "auto", null, List.of(OrderItem.of("LETTER",
                        20, "94107", "10001", 82, LocalDate.now(), null)), 82).orElseThrow();
                orderOfKey.put(order.idempotencyKey(), order.id());
                orders.add(order.id());
            }
            long o1 = orders.get(0);
            long o2 = orders.get(1);
            long o3 = orders.get(2);
            PendingOrderResolver resolver = new PendingOrderResolver(new Checkout(new Postage(unreachable), db, null),
                    db.orders(), 2);

            assertEquals(List.of(o1, o2), pass(resolver, sentKeys, orderOfKey), "first pass: the two oldest");
            assertEquals(List.of(o3, o1), pass(resolver, sentKeys, orderOfKey), "then the one never tried first");
            assertEquals(List.of(o2, o3), pass(resolver, sentKeys, orderOfKey), "then the least recently tried");
            assertEquals(10_000 - 3 * 82, db.credit().balance(dora), "the credit stays held while the orders are pending");
        }
    }

    private static List<Long> pass(PendingOrderResolver resolver, List<String> sentKeys, Map<String, Long> orderOfKey) {
        sentKeys.clear();
        assertEquals(2, resolver.runOnce(), "a pass sends as many orders as it may take");
        return sentKeys.stream().map(orderOfKey::get).toList();
    }
}
