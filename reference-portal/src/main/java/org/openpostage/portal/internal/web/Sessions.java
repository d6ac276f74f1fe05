package org.openpostage.portal.internal.web;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side sessions keyed by a random cookie (HttpOnly, SameSite=Lax, Secure unless turned
 * off for plain-HTTP hosts other than localhost). Idle sessions expire after two hours; signing
 * in gives the browser a new session id.
 */
public final class Sessions {
    private static final Duration IDLE = Duration.ofHours(2);

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final String cookieName;
    private final boolean secure;

    /** @param cookieName unique per portal (cookies do not separate ports); @param secure mark it Secure */
    public Sessions(String cookieName, boolean secure) {
        this.cookieName = cookieName;
        this.secure = secure;
    }

    /** The request's session, or null. */
    public Session find(Context ctx) {
        Session current = ctx.attribute("session");
        if (current != null) {
            return current;
        }
        String id = ctx.cookie(cookieName);
        Session s = id == null ? null : sessions.get(id);
        if (s != null && s.lastSeen.plus(IDLE).isBefore(Instant.now())) {
            sessions.remove(id);
            return null;
        }
        if (s != null) {
            s.lastSeen = Instant.now();
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
            sessions.remove(old.id);
        }
        ctx.attribute("session", null);
        return create(ctx);
    }

    private Session create(Context ctx) {
        sessions.entrySet().removeIf(e -> e.getValue().lastSeen.plus(IDLE).isBefore(Instant.now()));
        Session s = new Session(Session.token());
        sessions.put(s.id, s);
        ctx.header("Set-Cookie", cookieName + "=" + s.id + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
        ctx.attribute("session", s);
        return s;
    }
}
