package org.openpostage.portal.internal.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openpostage.api.error.PostageException;
import org.openpostage.portal.internal.shop.Messages;
import org.openpostage.portal.internal.shop.Passwords;
import org.openpostage.portal.internal.shop.SignInThrottle;
import org.openpostage.portal.internal.shop.UserError;
import org.openpostage.portal.internal.store.User;
import org.openpostage.portal.internal.store.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, sessions, CSRF checks, security headers and error pages. Every POST must carry the
 * session's CSRF token; every page but sign-in and static files needs a signed-in user.
 */
public final class Security {
    /** The Content-Security-Policy of every page: no inline script or style, nothing from elsewhere. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Logger log = LoggerFactory.getLogger(Security.class);
    /** The largest oversized upload read to its end before it is refused (see refuseOversizedUpload). */
    static final long DISCARDED_AT_MOST = 64L << 20;
    private static final Set<String> PUBLIC_PREFIXES = Set.of("/login", "/static/", "/print/", "/brand.css", "/healthz");

    private final Sessions sessions;
    private final UserStore store;
    private final Layout layout;
    private final SignInThrottle throttle;

    /** @param sessions the sessions; @param store users; @param layout pages; @param throttle failed sign-ins */
    public Security(Sessions sessions, UserStore store, Layout layout, SignInThrottle throttle) {
        this.sessions = sessions;
        this.store = store;
        this.layout = layout;
        this.throttle = throttle;
    }

    /** Registers the filters, sign-in routes and error handlers. */
    public void register(RoutesConfig r) {
        r.before(this::headers);
        r.before(this::csrf);
        r.before(this::requireUser);
        r.get("/login", this::loginPage);
        r.post("/login", this::login);
        r.post("/logout", this::logout);
        r.get("/healthz", ctx -> ctx.result("ok"));
        r.exception(UserError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        r.exception(PostageException.class, (e, ctx) -> {
            log.warn("postal server call failed: {} {} (request {})", e.code(), e.getMessage(), e.requestId());
            error(ctx, 502, Messages.of(e));
        });
        r.exception(Exception.class, (e, ctx) -> {
            String id = UUID.randomUUID().toString().substring(0, 8);
            log.error("request {} {} failed (error id {})", ctx.method(), ctx.path(), id, e);
            error(ctx, 500, "Something went wrong on our side (error " + id + "). Nothing was charged by this request"
                    + " unless your orders say so; please try again.");
        });
        r.error(404, "html", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "There is no page at " + ctx.path() + ".");
            }
        });
    }

    /** The signed-in user of the request, or null. */
    public User user(Context ctx) {
        return ctx.attribute("user");
    }

    /** The request's session (created when missing). */
    public Session session(Context ctx) {
        return sessions.get(ctx);
    }

    private void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        if (!ctx.path().startsWith("/static/") && !ctx.path().startsWith("/print/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    private void csrf(Context ctx) {
        if (!"POST".equals(ctx.method().name())) {
            return;
        }
        refuseOversizedUpload(ctx);
        Session s = sessions.find(ctx);
        String sent = ctx.formParam("_csrf");
        if (s == null || sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                s.csrf.getBytes(StandardCharsets.UTF_8))) {
            log.info("refused a {} to {} without a valid CSRF token", ctx.method(), ctx.path());
            throw new UserError(403, "This form has expired or did not come from this site, so it was refused and"
                    + " nothing was changed. Please go back, reload the page and try again.");
        }
    }

    /**
     * Refuses a multipart post larger than an upload may be before anything parses its body: the
     * container's multipart limit would otherwise fail the first read (the CSRF token's) with an
     * exception, and the shopper would see a 500 instead of what is wrong with the picture.
     *
     * <p>The body is read to its end and dropped first, up to {@link #DISCARDED_AT_MOST}: a
     * connection closed while the browser is still sending is reset, and the reset takes the
     * answer with it, so the shopper would see "connection reset" instead of the message.
     * Larger requests are answered at once and their connection closed.
     */
    private static void refuseOversizedUpload(Context ctx) {
        String type = ctx.contentType();
        long length = ctx.contentLength();
        if (type != null && type.startsWith("multipart/") && length > ShopRoutes.MAX_UPLOAD_REQUEST) {
            if (length <= DISCARDED_AT_MOST) {
                discardBody(ctx);
            }
            // The request is the picture and a few hundred bytes of form: its length is the picture's size.
            throw ShopRoutes.tooLarge(length - ShopRoutes.MULTIPART_OVERHEAD);
        }
    }

    private static void discardBody(Context ctx) {
        try (InputStream body = ctx.req().getInputStream()) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            log.debug("an oversized upload ended early: {}", e.toString()); // the browser left; the answer may not arrive
        }
    }

    private void requireUser(Context ctx) {
        Session s = sessions.find(ctx);
        if (s != null && s.userId != null) {
            store.findUserById(s.userId).ifPresent(u -> ctx.attribute("user", u));
        }
        String path = ctx.path();
        if (user(ctx) != null || path.equals("/login") || PUBLIC_PREFIXES.stream().anyMatch(path::startsWith)) {
            return;
        }
        if ("GET".equals(ctx.method().name())) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
        } else {
            throw new UserError(401, "Please sign in first; nothing was changed.");
        }
    }

    private void loginPage(Context ctx) {
        Session s = sessions.get(ctx);
        ctx.html(layout.page("login.jte", "Sign in", null, s, new Pages.Login(s.csrf, "")));
    }

    private void login(Context ctx) {
        String username = ctx.formParam("username") == null ? "" : ctx.formParam("username").strip();
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        try {
            // Counted before the password is looked at: a lock holds for the right one too, and
            // parallel guesses are counted one after the other, so no more than the limit are checked.
            throttle.attempt(username, ctx.ip());
        } catch (SignInThrottle.Refused e) {
            ctx.header("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
            signInAgain(ctx, 429, e.getMessage(), username);
            return;
        }
        Optional<User> found = store.findUser(username);
        boolean right = found.map(u -> Passwords.matches(password, u.passwordHash()))
                .orElseGet(() -> Passwords.matchesNobody(password)); // as slow either way
        if (!right) {
            throttle.failed(ctx.ip());
            signInAgain(ctx, 401, "The user name or password is not right. Please try again.", username);
            return;
        }
        throttle.succeeded(username, ctx.ip());
        User user = found.get();
        if (Passwords.needsRehash(user.passwordHash())) {
            // A hash from before the current work factor: replaced now, while the password is at hand.
            store.updatePasswordHash(user.id(), Passwords.hash(password));
        }
        Session s = sessions.renew(ctx);
        s.userId = user.id();
        s.flash("ok", "Welcome, " + user.displayName() + ".");
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void signInAgain(Context ctx, int status, String message, String username) {
        Session s = sessions.get(ctx);
        s.flash("error", message);
        ctx.status(status).html(layout.page("login.jte", "Sign in", null, s, new Pages.Login(s.csrf, username)));
    }

    private void logout(Context ctx) {
        Session s = sessions.renew(ctx);
        s.flash("ok", "You are signed out.");
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void error(Context ctx, int status, String message) {
        Session s = sessions.find(ctx);
        String heading = status == 404 ? "Not found" : status >= 500 ? "Sorry" : "That did not work";
        ctx.status(status).html(layout.page("error.jte", "Error", user(ctx), s, new Pages.ErrorPage(heading, message)));
    }
}
