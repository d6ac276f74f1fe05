package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.render.StampReader;
import org.openpostage.server.model.JournalKind;

/**
 * Card orders over both transports: an order of several stamps is one purchase at the postal
 * server, so the card is charged once for the total; its stamps are issued together (and each can
 * be refunded on its own), or refused together with the reason shown for every stamp.
 */
class CardCheckoutTest {
    private static final Pattern ITEM = Pattern.compile("<li class=\"cart-item\" id=\"item-[0-9]+\">(.*?)</li>");

    private final World world = World.get();

    @ParameterizedTest
    @ValueSource(strings = {"paper-shop", "market"})
    void anOrderOfSeveralStampsChargesTheCardOnceAndIssuesEveryStamp(String partner) throws Exception {
        PortalApp portal = portal(partner);
        Journal journal = new Journal(world, partner);
        Web web = Web.signedIn(portal, "alice");
        long credit = PortalSecurityTest.balance(web);
        long mark = journal.mark();
        PortalSecurityTest.addToCart(web, "LETTER");
        addWithCataloguePicture(web, "LARGE_LETTER");
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> pay = cardForm(web, "4242 4242 4242 4242");
        long total = Long.parseLong(pay.get("total"));

        HttpResponse<String> placed = web.post("/checkout", pay);
        assertEquals(303, placed.statusCode(), placed.body());
        String location = placed.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/orders/[0-9]+/print"), location);
        String order = location.split("/")[2];

        assertEquals(List.of(total), journal.since(mark, JournalKind.FUNDING).stream()
                .map(e -> e.amount().minorUnits()).toList(), "one card payment, of the order's total");
        assertEquals(3, journal.count(JournalKind.DEBIT, mark), "three stamps issued in it");
        assertEquals(credit, PortalSecurityTest.balance(web), "store credit untouched by a card order");

        String page = web.get("/orders/" + order).body();
        assertTrue(page.contains("Status: <strong id=\"order-status\">Complete</strong>"), page);
        List<String> items = items(page);
        assertEquals(3, items.size(), page);
        for (String item : items) {
            assertTrue(item.contains("<span class=\"status\">Issued</span>"), item);
            Matcher png = Pattern.compile("/orders/" + order + "/items/[0-9]+/stamp.png").matcher(item);
            assertTrue(png.find(), item);
            assertTrue(StampReader.create().verify(web.bytes(png.group()).body(), world.keys()).valid(),
                    "each stamp is valid postage: " + item);
        }

        Matcher refund = Pattern.compile("action=\"(/orders/" + order + "/items/[0-9]+/refund)\"").matcher(page);
        assertTrue(refund.find(), page);
        assertEquals(303, web.post(refund.group(1), Map.of("_csrf", web.hidden(page, "_csrf"), "confirm", "yes"))
                .statusCode());
        page = web.get("/orders/" + order).body();
        assertTrue(page.contains("to your card (VISA ending 4242)"), page);
        assertEquals(1, occurrences(page, "<span class=\"status\">Refunded</span>"), page);
        assertEquals(2, occurrences(page, "<span class=\"status\">Issued</span>"), "the others stay valid: " + page);
    }

    @ParameterizedTest
    @ValueSource(strings = {"paper-shop", "market"})
    void aDeclinedCardRefusesEveryStampOfTheOrderAndSaysWhyForEach(String partner) throws Exception {
        PortalApp portal = portal(partner);
        Journal journal = new Journal(world, partner);
        Web web = Web.signedIn(portal, "bob");
        long mark = journal.mark();
        PortalSecurityTest.addToCart(web, "LETTER");
        PortalSecurityTest.addToCart(web, "LARGE_LETTER");

        HttpResponse<String> placed = web.post("/checkout", cardForm(web, "4000 0000 0000 0002"));
        assertEquals(303, placed.statusCode(), placed.body());
        assertEquals("/cart", placed.headers().firstValue("Location").orElseThrow(), "back to the cart to pay again");
        String cart = web.get("/cart").body();
        assertTrue(cart.contains("Your card was declined"), cart);

        // A declined checkout is listed among the attempts that did not go through, not as an order.
        Matcher latest = Pattern.compile("(?s)id=\"attempts\".*?href=\"/orders/([0-9]+)\"").matcher(web.get("/orders").body());
        assertTrue(latest.find());
        String page = web.get("/orders/" + latest.group(1)).body();
        assertTrue(page.contains("Status: <strong id=\"order-status\">Failed</strong>"), page);
        List<String> items = items(page);
        assertEquals(2, items.size(), page);
        for (String item : items) {
            assertTrue(item.contains("<span class=\"status\">Not issued</span>"), item);
            assertTrue(item.contains("Your card was declined. Nothing was charged; please use another card."), item);
        }
        assertEquals(0, journal.count(JournalKind.FUNDING, mark), "nothing charged");
        assertEquals(0, journal.count(JournalKind.DEBIT, mark), "nothing issued");
    }

    private PortalApp portal(String partner) {
        return partner.equals("market") ? world.market : world.paperShop;
    }

    /** Adds a stamp with the first picture of the postal server's catalogue. */
    private static void addWithCataloguePicture(Web web, String mailClass) throws Exception {
        Map<String, String> form = PortalSecurityTest.addForm(web, mailClass);
        Matcher m = Pattern.compile("value=\"(catalogue:[^\"]+)\"").matcher(web.get("/?weight=20&from=94107&to=10001").body());
        assertTrue(m.find(), "the catalogue has a picture");
        form.put("background", m.group(1));
        assertEquals(303, web.post("/cart", form).statusCode());
    }

    private static Map<String, String> cardForm(Web web, String number) throws Exception {
        Map<String, String> form = new HashMap<>(PortalSecurityTest.checkoutForm(web));
        form.putAll(Map.of("payment", "card", "cardNumber", number, "cardExpiry", "12/30", "cardCvv", "123",
                "cardHolder", ""));
        return form;
    }

    private static List<String> items(String page) {
        Matcher m = ITEM.matcher(page);
        List<String> items = new java.util.ArrayList<>();
        while (m.find()) {
            items.add(m.group(1));
        }
        return items;
    }

    private static int occurrences(String page, String text) {
        return page.split(Pattern.quote(text), -1).length - 1;
    }
}
