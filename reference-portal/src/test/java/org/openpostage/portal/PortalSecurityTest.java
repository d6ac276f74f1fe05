package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Forged, replayed and tampered posts, and other users' orders, at the HTTP level: each is
 * refused with a message saying why, and nothing is charged.
 */
class PortalSecurityTest {
    private static final Pattern BALANCE = Pattern.compile("id=\"balance\">USD ([0-9.]+)<");

    private final World world = World.get();

    @Test
    void markupTypedIntoAFieldIsShownAsTextNeverRun() throws Exception {
        String markup = "\"><img src=x onerror=alert(1)>";
        Web web = Web.signedIn(world.paperShop, "bob");
        emptyCart(web);
        Map<String, String> form = new HashMap<>(addForm(web, "LETTER"));
        form.putAll(Map.of("senderName", markup, "senderLine1", "1 Market St", "senderCity", "San Francisco",
                "senderRegion", "CA", "recipientName", markup, "recipientLine1", "350 Fifth Avenue",
                "recipientCity", markup, "recipientRegion", "ZZ"));
        HttpResponse<String> refused = web.post("/cart", form); // re-shown with what was typed
        assertEquals(400, refused.statusCode(), refused.body());
        assertFalse(refused.body().contains("<img src=x"), "no raw markup on the re-shown form");
        int at = refused.body().indexOf("img src=x");
        assertTrue(refused.body().contains("&lt;img src=x onerror=alert(1)"), "what was typed is kept, as text: "
                + (at < 0 ? "not shown" : refused.body().substring(Math.max(0, at - 80), at + 60)));

        form.put("recipientRegion", "NY");
        form.put("recipientCity", "New York");
        HttpResponse<String> added = web.post("/cart", form);
        String page = added.statusCode() == 303 ? web.get("/cart").body() : added.body();
        assertFalse(page.contains("<img src=x"), "no raw markup in the cart or its form");
        emptyCart(web);
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() throws Exception {
        Web web = new Web(world.paperShop.url());
        HttpResponse<String> r = web.get("/login");
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("script-src 'self'"), csp);
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertTrue(r.headers().firstValue("Strict-Transport-Security").orElseThrow().startsWith("max-age="));
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
    }

    @Test
    void thePrintPageKeepsTheStrictPolicyWithoutExceptionsForThePrintComponent() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        String strict = web.get("/").headers().firstValue("Content-Security-Policy").orElseThrow();
        addToCart(web, "LETTER");
        HttpResponse<String> placed = web.post("/checkout", checkoutForm(web));
        String order = placed.headers().firstValue("Location").orElseThrow().split("/")[2];
        HttpResponse<String> print = web.get("/orders/" + order + "/print");
        assertEquals(200, print.statusCode(), print.body());
        assertTrue(print.body().contains("integrity=\"sha256-"), "the component is loaded with its integrity hash");
        assertEquals(strict, print.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertTrue(strict.contains("style-src 'self';"), strict);
    }

    @Test
    void aFormPostWithoutOrWithAWrongCsrfTokenIsRefused() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        Map<String, String> form = addForm(web, "LETTER");
        form.remove("_csrf");
        HttpResponse<String> none = web.post("/cart", form);
        assertEquals(403, none.statusCode());
        assertTrue(none.body().contains("did not come from this site"), none.body());
        form.put("_csrf", "forged-token");
        HttpResponse<String> wrong = web.post("/cart", form);
        assertEquals(403, wrong.statusCode());
        assertTrue(wrong.body().contains("nothing was changed"), wrong.body());
        assertTrue(web.get("/cart").body().contains("Your cart is empty"));
    }

    @Test
    void aSignInWithoutTheTokenIsRefusedToo() throws Exception {
        Web web = new Web(world.paperShop.url());
        web.get("/login");
        HttpResponse<String> r = web.post("/login", Map.of("username", "alice", "password", "alice-postage"));
        assertEquals(403, r.statusCode());
    }

    @Test
    void aTamperedPriceIsRefusedWhenAddingToTheCart() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        Map<String, String> form = addForm(web, "LETTER");
        String price = usd(Long.parseLong(form.get("price_LETTER")));
        form.put("price_LETTER", "1");
        HttpResponse<String> r = web.post("/cart", form);
        assertEquals(409, r.statusCode());
        assertTrue(r.body().contains("(USD 0.01) is not the current price of a standard letter (" + price + ")"), r.body());
        assertTrue(web.get("/cart").body().contains("Your cart is empty"));
    }

    @Test
    void aTamperedTotalIsRefusedAtCheckoutAndNothingIsCharged() throws Exception {
        Web web = Web.signedIn(world.market, "alice");
        long before = balance(web);
        addToCart(web, "LETTER");
        Map<String, String> pay = checkoutForm(web);
        String total = usd(Long.parseLong(pay.get("total")));
        pay.put("total", "1");
        HttpResponse<String> r = web.post("/checkout", pay);
        assertEquals(409, r.statusCode());
        assertTrue(r.body().contains("is not the price of your cart (" + total + "). Nothing was charged"), r.body());
        assertEquals(before, balance(web));
        emptyCart(web);
    }

    @Test
    void aReplayedCheckoutIsRefusedAndChargedOnce() throws Exception {
        Web web = Web.signedIn(world.paperShop, "bob");
        long before = balance(web);
        addToCart(web, "LETTER");
        Map<String, String> pay = checkoutForm(web);
        long total = Long.parseLong(pay.get("total"));
        HttpResponse<String> first = web.post("/checkout", pay);
        assertEquals(303, first.statusCode(), first.body());
        String order = first.headers().firstValue("Location").orElseThrow().split("/")[2];
        HttpResponse<String> replay = web.post("/checkout", pay);
        assertEquals(409, replay.statusCode());
        assertTrue(replay.body().contains("already submitted as order " + order + "; it was not sent or charged again"),
                replay.body());
        assertEquals(before - total, balance(web));
    }

    @Test
    void anotherUsersOrderIsNeitherShownNorRefunded() throws Exception {
        Web alice = Web.signedIn(world.paperShop, "alice");
        addToCart(alice, "LETTER");
        HttpResponse<String> placed = alice.post("/checkout", checkoutForm(alice));
        String location = placed.headers().firstValue("Location").orElseThrow();
        String order = location.split("/")[2];
        String page = alice.get("/orders/" + order).body();
        Matcher item = Pattern.compile("action=\"/orders/" + order + "/items/([0-9]+)/refund\"").matcher(page);
        assertTrue(item.find(), page);

        Web bob = Web.signedIn(world.paperShop, "bob");
        long bobBefore = balance(bob);
        HttpResponse<String> view = bob.get("/orders/" + order);
        assertEquals(404, view.statusCode());
        assertTrue(view.body().contains("Order " + order + " is not one of your orders."), view.body());
        assertEquals(404, bob.bytes("/orders/" + order + "/items/" + item.group(1) + "/stamp.png").statusCode());
        String csrf = bob.hidden(bob.get("/").body(), "_csrf");
        HttpResponse<String> refund = bob.post("/orders/" + order + "/items/" + item.group(1) + "/refund",
                Map.of("_csrf", csrf));
        assertEquals(404, refund.statusCode());
        assertTrue(refund.body().contains("is not one of your orders"), refund.body());
        assertEquals(bobBefore, balance(bob));
        assertTrue(alice.get("/orders/" + order).body().contains("Refund this unused stamp"), "still unrefunded");
    }

    @Test
    void badInputGetsAMessagePeopleUnderstand() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        String page = web.get("/?weight=heavy&from=94107&to=10001").body();
        assertTrue(page.contains("The weight must be a whole number of grams from 1 to 70000; \"heavy\" is not."), page);
        page = web.get("/?weight=20&from=9%2A1&to=10001").body();
        assertTrue(page.contains("The sender's postal code \"9*1\" is not a ZIP Code of the United States"
                + " (5 digits, or ZIP+4 such as 94107-1234)."), page);
    }

    // ---- helpers ----

    static Map<String, String> addForm(Web web, String mailClass) throws Exception {
        String page = web.get("/?weight=20&from=94107&to=10001").body();
        Map<String, String> form = new HashMap<>(Web.hiddenFields(page, "add-form"));
        form.put("class", mailClass);
        form.put("quantity", "1");
        form.put("background", "");
        return form;
    }

    static void addToCart(Web web, String mailClass) throws Exception {
        HttpResponse<String> r = web.post("/cart", addForm(web, mailClass));
        assertEquals(303, r.statusCode(), r.body());
    }

    static Map<String, String> checkoutForm(Web web) throws Exception {
        Map<String, String> form = new HashMap<>(Web.hiddenFields(web.get("/cart").body(), "checkout-form"));
        form.put("payment", "credit");
        form.put("print", "on-request");
        return form;
    }

    static void emptyCart(Web web) throws Exception {
        String page = web.get("/cart").body();
        Matcher m = Pattern.compile("name=\"item\" value=\"([^\"]+)\"").matcher(page);
        String csrf = web.hidden(page, "_csrf");
        while (m.find()) {
            web.post("/cart/remove", Map.of("_csrf", csrf, "item", m.group(1)));
        }
    }

    static String usd(long minor) {
        return org.openpostage.api.value.Money.of(minor, "USD").toString();
    }

    static long balance(Web web) throws Exception {
        String page = web.get("/account").body();
        Matcher m = BALANCE.matcher(page);
        assertTrue(m.find(), page);
        return new java.math.BigDecimal(m.group(1)).movePointRight(2).longValueExact();
    }
}
