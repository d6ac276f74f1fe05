package org.openpostage.portal.internal.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side sessions keyed by a random cookie (HttpOnly, SameSite=Lax, Secure unless turned
 * off for plain-HTTP hosts other than localhost). Idle sessions expire after two hours; signing
 * in gives the browser a new session id.
 *
 * <p>Every request without a cookie that needs a session (the sign-in page, for one) makes one,
 * so their number is capped at {@link #MAX_SESSIONS}. The sessions are kept in the order they were
 * last used, so expired ones are swept from the front as new ones are made (each is looked at once,
 * not every session on every request). When the table is still full, the least recently used
 * session that nobody signed in to is dropped (or, if the oldest few are all signed in, the least
 * recently used one). A shop would rather do this than refuse new sessions with a 503: a refusal
 * would let anyone who can send cookie-less requests lock every new visitor out, sign-in included,
 * while dropping the idlest anonymous session only costs a visitor who had not signed in their
 * cart; signed-in sessions come only from passwords checked under the sign-in throttle. Memory
 * stays bounded either way: each session's cart and checkout tokens are capped too ({@link Session}).
 */
public final class Sessions {
    /** How long a session lasts without a request. */
    static final Duration IDLE = Duration.ofHours(2);
    /** The most sessions kept at once. */
    static final int MAX_SESSIONS = 10_000;
    /** How many of the least recently used sessions are searched for one without a user, when full. */
    private static final int EVICTION_SEARCH = 64;

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    /** In access order: the least recently used first. Guarded by {@code this}. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(256, 0.75f, true);
    private final String cookieName;
    private final boolean secure;
    private final int max;
    private final Clock clock;
    private long evicted;

    /** @param cookieName unique per portal (cookies do not separate ports); @param secure mark it Secure */
    public Sessions(String cookieName, boolean secure) {
        this(cookieName, secure, MAX_SESSIONS, Clock.systemUTC());
    }

    /** Sessions capped at {@code max}, idle time measured by {@code clock} (for tests). */
    Sessions(String cookieName, boolean secure, int max, Clock clock) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one session must fit, not " + max);
        }
        this.cookieName = cookieName;
        this.secure = secure;
        this.max = max;
        this.clock = clock;
    }

    /** The request's session, or null. */
    public Session find(Context ctx) {
        Session current = ctx.attribute("session");
        if (current != null) {
            return current;
        }
        String id = ctx.cookie(cookieName);
        Session s = id == null ? null : lookup(id);
        if (s != null) {
            ctx.attribute("session", s);
        }
        return s;
    }

    /** The request's session, created (and its cookie set) if there is none. */
    public Session get(Context ctx) {
        Session s = find(ctx);
        return s != null ? s : create(ctx);
    }

    /** A new session replacing the current one (on sign-in and sign-out). */
    public Session renew(Context ctx) {
        Session old = find(ctx);
        if (old != null) {
            remove(old.id);
        }
        ctx.attribute("session", null);
        return create(ctx);
    }

    private Session create(Context ctx) {
        Session s = open();
        ctx.header("Set-Cookie", cookieName + "=" + s.id + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
        ctx.attribute("session", s);
        return s;
    }

    /** The live session with this id, now marked as used, or null (an expired one is dropped). */
    synchronized Session lookup(String id) {
        Session s = sessions.get(id); // moves it to the end: the most recently used
        if (s == null) {
            return null;
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            sessions.remove(id);
            return null;
        }
        s.lastSeen = now;
        return s;
    }

    /** A new session, after sweeping expired ones and, when still full, dropping one. */
    synchronized Session open() {
        Instant now = clock.instant();
        sweep(now);
        if (sessions.size() >= max) {
            evictOne();
        }
        Session s = new Session(Session.token());
        s.lastSeen = now;
        sessions.put(s.id, s);
        return s;
    }

    /** Drops the session with this id, if any. */
    synchronized void remove(String id) {
        sessions.remove(id);
    }

    /** How many sessions are kept. */
    synchronized int size() {
        return sessions.size();
    }

    /** Drops expired sessions from the front, where the least recently used are; stops at the first live one. */
    private void sweep(Instant now) {
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext() && expired(it.next(), now)) {
            it.remove();
        }
    }

    private void evictOne() {
        Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator();
        String victim = null;
        for (int i = 0; i < EVICTION_SEARCH && it.hasNext(); i++) {
            Map.Entry<String, Session> e = it.next();
            if (victim == null) {
                victim = e.getKey(); // the least recently used, if all searched are signed in
            }
            if (e.getValue().userId == null) {
                victim = e.getKey();
                break;
            }
        }
        sessions.remove(victim);
        if (evicted++ % 1_000 == 0) {
            log.warn("{} sessions are open, the most kept; dropped the least recently used ({} so far)", max,
                    evicted);
        }
    }

    private static boolean expired(Session s, Instant now) {
        return !s.lastSeen.plus(IDLE).isAfter(now);
    }
}
