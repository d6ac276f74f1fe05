package org.openpostage.portal.internal.web;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpostage.portal.internal.shop.CartItem;

/**
 * One browser's session: who signed in, the CSRF token, the cart, and one-time checkout tokens.
 * What it holds is bounded: the cart by its caller ({@link #addAll}), the checkout tokens here
 * (the {@link #OPEN_CHECKOUTS} most recent open ones, the {@link #USED_CHECKOUTS} most recent used ones).
 */
public final class Session {
    /** How many checkout forms (cart pages) of one session can be paid at once: the most recently shown. */
    static final int OPEN_CHECKOUTS = 5;
    /** How many used checkout tokens are remembered, to say which order a replayed form made. */
    static final int USED_CHECKOUTS = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    final String id;
    final String csrf = token();
    volatile Long userId;
    volatile Instant lastSeen = Instant.now();
    private final List<CartItem> cart = new ArrayList<>();
    private final Set<String> openCheckouts = new LinkedHashSet<>();
    private final Map<String, Long> usedCheckouts = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > USED_CHECKOUTS;
        }
    };
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

    /**
     * Adds all of {@code items} to the cart if it then holds at most {@code max}, else nothing: one
     * step, so parallel adds cannot together pass the limit. Returns whether they were added.
     */
    public synchronized boolean addAll(List<CartItem> items, int max) {
        if (cart.size() + items.size() > max) {
            return false;
        }
        cart.addAll(items);
        return true;
    }

    /** Removes an item from the cart; false if it was not there. */
    public synchronized boolean remove(String itemId) {
        return cart.removeIf(i -> i.id().equals(itemId));
    }

    /** Empties the cart. */
    public synchronized void clearCart() {
        cart.clear();
    }

    /**
     * A new one-time token for a checkout form. Only the {@link #OPEN_CHECKOUTS} most recent stay
     * open: each cart page makes one, and the oldest form is then refused as no longer valid.
     */
    public synchronized String openCheckout() {
        String t = token();
        openCheckouts.add(t);
        if (openCheckouts.size() > OPEN_CHECKOUTS) {
            Iterator<String> oldest = openCheckouts.iterator();
            oldest.next();
            oldest.remove();
        }
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
        if (token == null) {
            return -1L;
        }
        return usedCheckouts.getOrDefault(token, -1L);
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
