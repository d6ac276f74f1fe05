package org.openpostage.portal.internal.web;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpostage.portal.internal.shop.CartItem;

/** One browser's session: who signed in, the CSRF token, the cart, and one-time checkout tokens. */
public final class Session {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String id;
    final String csrf = token();
    volatile Long userId;
    volatile Instant lastSeen = Instant.now();
    private final List<CartItem> cart = new ArrayList<>();
    private final Set<String> openCheckouts = new HashSet<>();
    private final Map<String, Long> usedCheckouts = new HashMap<>();
    private String flash;
    private String flashKind;
    private String lastQuery = "";

    Session(String id) {
        this.id = id;
    }

    /** A random URL-safe token of 256 bits. */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A copy of the cart. */
    public synchronized List<CartItem> cart() {
        return List.copyOf(cart);
    }

    /** Adds to the cart. */
    public synchronized void add(CartItem item) {
        cart.add(item);
    }

    /** Removes an item from the cart; false if it was not there. */
    public synchronized boolean remove(String itemId) {
        return cart.removeIf(i -> i.id().equals(itemId));
    }

    /** Empties the cart. */
    public synchronized void clearCart() {
        cart.clear();
    }

    /** A new one-time token for a checkout form. */
    public synchronized String openCheckout() {
        String t = token();
        openCheckouts.add(t);
        return t;
    }

    /**
     * Uses up a checkout token: null if it was open (go ahead), else the order it was used for
     * (a replay), or -1 when it was never issued.
     */
    public synchronized Long useCheckout(String token) {
        if (token != null && openCheckouts.remove(token)) {
            usedCheckouts.put(token, 0L);
            return null;
        }
        return token == null ? -1L : usedCheckouts.getOrDefault(token, -1L);
    }

    /** Remembers the order a used checkout token produced. */
    public synchronized void checkoutDone(String token, long orderId) {
        usedCheckouts.put(token, orderId);
    }

    /** Sets a message for the next page. */
    public synchronized void flash(String kind, String message) {
        flashKind = kind;
        flash = message;
    }

    /** Takes the message for this page: {kind, text}, or null. */
    public synchronized String[] takeFlash() {
        if (flash == null) {
            return null;
        }
        String[] f = {flashKind, flash};
        flash = null;
        return f;
    }

    /** The rates query last shown. */
    public synchronized String lastQuery() {
        return lastQuery;
    }

    /** Remembers the rates query last shown. */
    public synchronized void lastQuery(String q) {
        lastQuery = q == null ? "" : q;
    }
}
