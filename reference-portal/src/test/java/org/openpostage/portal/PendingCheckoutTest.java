package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.render.StampReader;
import org.openpostage.server.model.JournalKind;

/**
 * Checkout when the postal server's answer does not arrive: the portal reaches the postal server
 * through a {@link FlakyFront} that loses batch purchases or their answers. The order stays
 * pending with the store credit held, and re-sending the same batch under the same key (on
 * "Check again", on opening the order, or in a pass of the background resolver, which two nodes
 * on one database run without sending twice) settles it: issued once, debited once at the postal
 * server, charged once in the portal.
 */
class PendingCheckoutTest {
    private static final String PARTNER = "paper-shop";
    private static World world;
    private static FlakyFront front;
    private static PortalApp portal;
    private static Journal journal;

    @BeforeAll
    static void start() throws Exception {
        world = World.get();
        journal = new Journal(world, PARTNER);
        front = new FlakyFront(world.server.xmlEndpoint(), world.serverTls());
        portal = world.extraPortal(PARTNER, "Flaky Shop", front.endpoint());
    }

    @AfterAll
    static void stop() {
        if (portal != null) {
            portal.close();
        }
        if (front != null) {
            front.close();
        }
    }

    @AfterEach
    void heal() {
        front.mode(FlakyFront.Mode.PASS);
    }

    @Test
    void aLostAnswerLeavesTheOrderPendingAndCheckAgainIssuesItOnce() throws Exception {
        Web web = Web.signedIn(portal, "alice");
        long before = PortalSecurityTest.balance(web);
        long mark = lastJournalEntry();
        int forwarded = front.batchesForwarded();
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> pay = PortalSecurityTest.checkoutForm(web);
        long total = Long.parseLong(pay.get("total"));

        front.mode(FlakyFront.Mode.LOSE_ANSWER);
        String order = placedOrder(web.post("/checkout", pay));
        String page = web.get("/orders/" + order).body(); // opening it asks again: lost again
        assertTrue(page.contains("We're confirming your order with the postal service"), page);
        assertTrue(page.contains("Status: <strong id=\"order-status\">Confirming with the postal service</strong>"), page);
        assertTrue(page.contains("stays reserved"), page);
        assertEquals(before - total, PortalSecurityTest.balance(web), "the credit is held, not given back");
        assertTrue(front.batchesForwarded() - forwarded >= 2, "the batch reached the postal server, and again");
        assertEquals(1, count(JournalKind.DEBIT, mark), "the postal server debited once for all the attempts");
        assertTrue(web.get("/cart").body().contains("Your cart is empty"), "the stamp is in the order, not to be paid again");

        HttpResponse<String> forged = web.post("/orders/" + order + "/confirm", Map.of("_csrf", "forged"));
        assertEquals(403, forged.statusCode());

        front.mode(FlakyFront.Mode.PASS);
        HttpResponse<String> check = web.post("/orders/" + order + "/confirm", Map.of("_csrf", web.hidden(page, "_csrf")));
        assertEquals(303, check.statusCode(), check.body());
        page = assertIssuedOnce(web, order, mark, 1, before - total);
        assertTrue(page.contains("Order " + order + " is confirmed: 1 stamp issued."), page);
    }

    @Test
    void aLostRequestIsSentAgainWhenTheOrderIsOpened() throws Exception {
        Web web = Web.signedIn(portal, "bob");
        long before = PortalSecurityTest.balance(web);
        long mark = lastJournalEntry();
        PortalSecurityTest.addToCart(web, "LETTER");
        PortalSecurityTest.addToCart(web, "LARGE_LETTER");
        Map<String, String> pay = PortalSecurityTest.checkoutForm(web);
        long total = Long.parseLong(pay.get("total"));

        front.mode(FlakyFront.Mode.LOSE_REQUEST);
        String order = placedOrder(web.post("/checkout", pay));
        assertEquals(0, count(JournalKind.DEBIT, mark), "the postal server never saw it");
        assertEquals(before - total, PortalSecurityTest.balance(web), "the credit is held until the postal server answers");

        front.mode(FlakyFront.Mode.PASS);
        assertIssuedOnce(web, order, mark, 2, before - total); // opening the order sent it
    }

    @Test
    void aPendingCardOrderIsCheckedAgainWithTheSameCardOnly() throws Exception {
        Web web = Web.signedIn(portal, "alice");
        long credit = PortalSecurityTest.balance(web);
        long mark = lastJournalEntry();
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> pay = new HashMap<>(PortalSecurityTest.checkoutForm(web));
        pay.putAll(card("4242 4242 4242 4242"));
        pay.put("payment", "card");

        front.mode(FlakyFront.Mode.LOSE_ANSWER);
        String order = placedOrder(web.post("/checkout", pay));
        String page = web.get("/orders/" + order).body();
        assertTrue(page.contains("enter the card you paid with (VISA ending 4242)"), page);
        assertTrue(page.contains("id=\"confirm-form\"") && page.contains("name=\"cardNumber\""), page);
        assertEquals(1, count(JournalKind.FUNDING, mark), "the card was charged once");
        front.mode(FlakyFront.Mode.PASS);

        Map<String, String> other = new HashMap<>(card("5555 5555 5555 4444"));
        other.put("_csrf", web.hidden(page, "_csrf"));
        HttpResponse<String> wrong = web.post("/orders/" + order + "/confirm", other);
        assertEquals(409, wrong.statusCode());
        assertTrue(wrong.body().contains("was paid with VISA ending 4242, not with MASTERCARD ending 4444"), wrong.body());

        Map<String, String> same = new HashMap<>(card("4242424242424242"));
        same.put("_csrf", web.hidden(page, "_csrf"));
        assertEquals(303, web.post("/orders/" + order + "/confirm", same).statusCode());
        page = web.get("/orders/" + order).body();
        assertTrue(page.contains("Status: <strong id=\"order-status\">Complete</strong>"), page);
        assertEquals(1, count(JournalKind.FUNDING, mark), "still charged once");
        assertEquals(1, count(JournalKind.DEBIT, mark));
        assertEquals(credit, PortalSecurityTest.balance(web), "store credit untouched by a card order");
    }

    @Test
    void aPendingCardOrderOfSeveralStampsIsOneChargeAndIsIssuedWholeOnCheckAgain() throws Exception {
        Web web = Web.signedIn(portal, "bob");
        long mark = lastJournalEntry();
        PortalSecurityTest.addToCart(web, "LETTER");
        PortalSecurityTest.addToCart(web, "LARGE_LETTER");
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> pay = new HashMap<>(PortalSecurityTest.checkoutForm(web));
        long total = Long.parseLong(pay.get("total"));
        pay.putAll(card("4242 4242 4242 4242"));
        pay.put("payment", "card");

        front.mode(FlakyFront.Mode.LOSE_ANSWER);
        String order = placedOrder(web.post("/checkout", pay));
        String page = web.get("/orders/" + order).body();
        assertEquals(3, occurrences(page, "<span class=\"status\">Confirming</span>"), page);
        assertEquals(List.of(total), fundings(mark), "the card was charged once, for the whole order");
        assertEquals(3, count(JournalKind.DEBIT, mark), "all three stamps were issued in that one purchase");
        front.mode(FlakyFront.Mode.PASS);

        Map<String, String> same = new HashMap<>(card("4242-4242-4242-4242"));
        same.put("_csrf", web.hidden(page, "_csrf"));
        assertEquals(303, web.post("/orders/" + order + "/confirm", same).statusCode());
        page = web.get("/orders/" + order).body();
        assertTrue(page.contains("Status: <strong id=\"order-status\">Complete</strong>"), page);
        assertEquals(3, occurrences(page, "<span class=\"status\">Issued</span>"), page);
        assertEquals(List.of(total), fundings(mark), "still one charge");
        assertEquals(3, count(JournalKind.DEBIT, mark), "still three debits");
        assertEquals(3, assertStampsVerify(web, order, page));
    }

    @Test
    void theBackgroundResolverIssuesAPendingStoreCreditOrderOnceAndLeavesCardOrdersAlone() throws Exception {
        Web web = Web.signedIn(portal, "alice");
        Pending credit = pendingCreditOrder(web);
        String order = credit.order();
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> byCard = new HashMap<>(PortalSecurityTest.checkoutForm(web));
        byCard.putAll(card("4242 4242 4242 4242"));
        byCard.put("payment", "card");
        String cardOrder = placedOrder(web.post("/checkout", byCard));
        assertEquals(PENDING, listedStatus(web, order));
        assertEquals(PENDING, listedStatus(web, cardOrder));

        front.mode(FlakyFront.Mode.PASS);
        int forwarded = front.batchesForwarded();
        try (PortalApp twin = world.extraPortal(PARTNER, "Flaky Twin", front.endpoint(), portal.config().dataDir(),
                Map.of())) { // a second node on the same database
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> one = nodes.submit(portal::resolvePendingOrders);
                Future<Integer> two = nodes.submit(twin::resolvePendingOrders);
                assertEquals(1, one.get() + two.get(), "both nodes ran a pass at once; the order was claimed by one");
            } finally {
                nodes.shutdown();
            }
        }
        assertEquals(1, front.batchesForwarded() - forwarded, "sent once, not once per node, and not the card order");
        assertEquals("Complete", listedStatus(web, order), "issued without the user opening it");
        assertEquals(PENDING, listedStatus(web, cardOrder), "a card order waits for its owner's card");
        assertEquals(0, portal.resolvePendingOrders(), "nothing left to send");
        assertIssuedOnce(web, order, credit.mark(), 2, credit.balanceAfter()); // its debit and the card order's
    }

    @Test
    void theScheduleSendsAPendingOrderAgainByItself() throws Exception {
        try (PortalApp timed = world.extraPortal(PARTNER, "Timed Shop", front.endpoint(),
                java.nio.file.Files.createTempDirectory(world.dir, "timed"), Map.of("portal.resolve-interval", "PT0.2S"))) {
            Web web = Web.signedIn(timed, "bob");
            Pending credit = pendingCreditOrder(web);
            String order = credit.order();
            assertEquals(PENDING, listedStatus(web, order));

            front.mode(FlakyFront.Mode.PASS);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (listedStatus(web, order).equals(PENDING) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals("Complete", listedStatus(web, order), "issued by the schedule, the order never opened");
            assertEquals(1, count(JournalKind.DEBIT, credit.mark()), "debited once");
            assertEquals(credit.balanceAfter(), PortalSecurityTest.balance(web), "the store credit is charged once");
        }
    }

    // ---- helpers ----

    private static final String PENDING = "Confirming with the postal service";

    /**
     * A store-credit order of one letter, placed while answers are lost.
     *
     * @param order        its id
     * @param mark         the postal server's last journal entry before it
     * @param balanceAfter the store credit once it is charged (once)
     */
    private record Pending(String order, long mark, long balanceAfter) {
    }

    private static Pending pendingCreditOrder(Web web) throws Exception {
        long before = PortalSecurityTest.balance(web);
        long mark = lastJournalEntry();
        PortalSecurityTest.addToCart(web, "LETTER");
        Map<String, String> pay = PortalSecurityTest.checkoutForm(web);
        front.mode(FlakyFront.Mode.LOSE_ANSWER);
        String order = placedOrder(web.post("/checkout", pay));
        return new Pending(order, mark, before - Long.parseLong(pay.get("total")));
    }

    /** The order's status in the order list, which (unlike the order's own page) does not ask the postal server. */
    private static String listedStatus(Web web, String order) throws Exception {
        String page = web.get("/orders").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<a href=\"/orders/" + order + "\">Order " + order
                + "</a>.*?<td[^>]*>([^<]*)</td></tr>").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    private static Map<String, String> card(String number) {
        return Map.of("cardNumber", number, "cardExpiry", "12/30", "cardCvv", "123", "cardHolder", "");
    }

    private static String placedOrder(HttpResponse<String> checkout) {
        assertEquals(303, checkout.statusCode(), checkout.body());
        String location = checkout.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/orders/[0-9]+"), "a pending order goes to its page, not to printing: " + location);
        return location.split("/")[2];
    }

    /**
     * The order is complete, the meter shows {@code stamps} debits since {@code mark} (one per
     * stamp, however often the batch was sent), the store credit is {@code balance}, and the first
     * stamp verifies. Returns the order page.
     */
    private static String assertIssuedOnce(Web web, String order, long mark, int stamps, long balance) throws Exception {
        String page = web.get("/orders/" + order).body();
        assertTrue(page.contains("Status: <strong id=\"order-status\">Complete</strong>"), page);
        assertEquals(stamps, count(JournalKind.DEBIT, mark), "one debit per stamp at the postal server");
        assertEquals(balance, PortalSecurityTest.balance(web), "the store credit is charged once");
        assertStampVerifies(web, order, page);
        return page;
    }

    private static void assertStampVerifies(Web web, String order, String page) throws Exception {
        assertTrue(assertStampsVerify(web, order, page) > 0, page);
    }

    /** Every stamp the order page links to is valid postage; returns how many there are. */
    private static int assertStampsVerify(Web web, String order, String page) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/orders/" + order + "/items/([0-9]+)/stamp.png\"")
                .matcher(page);
        java.util.Set<String> stamps = new java.util.LinkedHashSet<>();
        while (m.find()) {
            stamps.add(m.group().substring(0, m.group().length() - 1));
        }
        for (String stamp : stamps) {
            byte[] png = web.bytes(stamp).body();
            assertTrue(StampReader.create().verify(png, world.keys()).valid(), stamp + " is valid postage");
        }
        return stamps.size();
    }

    private static int occurrences(String page, String text) {
        return page.split(java.util.regex.Pattern.quote(text), -1).length - 1;
    }

    /** The amounts of the card payments journaled after {@code mark}, in minor units. */
    private static List<Long> fundings(long mark) {
        return journal.since(mark, JournalKind.FUNDING).stream().map(e -> e.amount().minorUnits()).toList();
    }

    private static long lastJournalEntry() {
        return journal.mark();
    }

    private static long count(JournalKind kind, long mark) {
        return journal.count(kind, mark);
    }
}
