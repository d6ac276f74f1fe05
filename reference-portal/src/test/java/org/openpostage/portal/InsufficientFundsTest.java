package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Currency;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openpostage.api.value.Mode;

/**
 * Missing funds, said in the shopper's terms: a card without funds asks for another card, and a
 * store-credit stamp the shop's own prepaid meter cannot pay for says the shop cannot issue it and
 * that the credit was given back (it is). Neither shows the postal server's detail, which names
 * the card or the shop's meter and its balance.
 */
class InsufficientFundsTest {
    private static final String CARD = "Your card has insufficient funds. Nothing was charged; please use another card.";
    private static final String SHOP = "The shop cannot issue this stamp right now; your store credit for it was given back.";

    private final World world = World.get();

    @Test
    void aCardWithoutFundsAsksForAnotherCard() throws Exception {
        Web web = Web.signedIn(world.paperShop, "bob");
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> pay = new HashMap<>(PortalSecurityTest.checkoutForm(web));
        pay.putAll(Map.of("payment", "card", "cardNumber", "4000 0000 0000 9995", "cardExpiry", "12/30",
                "cardCvv", "123", "cardHolder", ""));
        HttpResponse<String> placed = web.post("/checkout", pay);
        assertEquals(303, placed.statusCode(), placed.body());
        assertEquals("/cart", placed.headers().firstValue("Location").orElseThrow());
        assertFlash(web.get("/cart").body(), CARD);

        String order = latestOrder(web);
        String page = web.get("/orders/" + order).body();
        assertTrue(page.contains("<span class=\"error-text\">" + CARD + "</span>"), page);
        assertFalse(page.contains("insufficient funds:"), "the postal server's detail is not shown: " + page);
        PortalSecurityTest.emptyCart(web);
    }

    @Test
    void aStampTheShopsMeterCannotPayForGivesTheStoreCreditBack() throws Exception {
        // A partner of its own whose one live meter was never funded (the demo partners keep their one meter each).
        String partner = "empty-meter-" + UUID.randomUUID().toString().substring(0, 8);
        world.server.admin().createPartner(partner, "Empty Meter Shop");
        String key = world.server.admin().issueApiKey(partner, Mode.LIVE).apiKey();
        long emptyMeter = world.server.admin().createMeter(partner, Mode.LIVE, Currency.getInstance("USD")).meterId();
        try (PortalApp portal = world.extraPortal("paper-shop", "Empty Meter Shop", world.server.xmlEndpoint(),
                Files.createTempDirectory(world.dir, "empty-meter"), Map.of("postal.api-key", key, "portal.partner", partner,
                        "postal.meter-id", String.valueOf(emptyMeter)))) {
            Web web = Web.signedIn(portal, "alice");
            long before = PortalSecurityTest.balance(web);
            PortalSecurityTest.addToCart(web, "LETTER");
            HttpResponse<String> placed = web.post("/checkout", PortalSecurityTest.checkoutForm(web));
            assertEquals(303, placed.statusCode(), placed.body());
            assertEquals("/cart", placed.headers().firstValue("Location").orElseThrow());
            String cart = web.get("/cart").body();
            assertFlash(cart, SHOP);
            assertEquals(before, PortalSecurityTest.balance(web), "the store credit was given back");

            String order = latestOrder(web);
            String page = web.get("/orders/" + order).body();
            assertTrue(page.contains("Status: <strong id=\"order-status\">Failed</strong>"), page);
            assertTrue(page.contains("<span class=\"error-text\">" + SHOP + "</span>"), page);
            for (String detail : new String[] {"meter " + emptyMeter, " left", "needs USD", "not enough funds"}) {
                assertFalse(page.contains(detail) || cart.contains(detail), "\"" + detail + "\" is not shown: " + page);
            }
            String account = web.get("/account").body();
            assertTrue(account.contains("Stamp not issued, order " + order), account);
        }
    }

    private static void assertFlash(String page, String message) {
        Matcher m = Pattern.compile("<p class=\"flash error\" role=\"alert\">([^<]*)</p>").matcher(page);
        assertTrue(m.find(), page);
        assertEquals(message, m.group(1));
    }

    /** The newest order or attempt listed (attempts that charged nothing are listed apart from orders). */
    private static String latestOrder(Web web) throws Exception {
        Matcher m = Pattern.compile("href=\"/orders/([0-9]+)\"").matcher(web.get("/orders").body());
        long latest = 0;
        while (m.find()) {
            latest = Math.max(latest, Long.parseLong(m.group(1)));
        }
        assertTrue(latest > 0, "an order is listed");
        return Long.toString(latest);
    }
}
