package org.openpostage.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.value.Bytes;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.model.BackgroundEntry;
import org.openpostage.server.model.IssuedApiKey;
import org.openpostage.server.model.JournalEntry;
import org.openpostage.server.model.MeterAudit;
import org.openpostage.server.model.MeterInfo;
import org.openpostage.server.model.OperatorAccount;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.model.PartnerInfo;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.PostalCore;
import org.openpostage.server.model.RateTableInfo;
import org.openpostage.server.model.SigningKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's pages and actions. GETs show, POSTs change and redirect (post/redirect/get), with
 * the outcome as a one-time message in the session. Every POST but the sign-in's needs a signed-in
 * operator, and every POST the session's CSRF token and the console's own origin.
 */
final class ConsoleRoutes {
    private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);
    /** The Content-Security-Policy of every page: nothing but the console's own stylesheet and images. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
            ConsoleRoutes.class.getClassLoader(), "org.openpostage.server.console.jte");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PAGE = 100;

    private static final String OPERATOR = "operator";
    private static final String CSRF = "csrf";
    private static final String FLASH_OK = "flash.ok";
    private static final String FLASH_ERROR = "flash.error";
    private static final String ISSUED = "issued";

    private final PostalCore core;

    ConsoleRoutes(PostalCore core) {
        this.core = core;
    }

    void register(RoutesConfig r) {
        r.before(this::headers);
        r.before(this::requireOperator);
        r.before(this::checkPost);
        r.get("/static/console.css", this::css);
        r.get("/login", this::loginPage);
        r.post("/login", this::login);
        r.post("/logout", this::logout);
        r.get("/", this::dashboard);
        r.get("/partners", ctx -> render(ctx, "partners.jte", "Partners", "partners",
                new Views.Partners(admin(ctx).listPartners())));
        r.post("/partners", ctx -> act(ctx, "/partners", a -> {
            a.createPartner(required(ctx, "partnerId"), required(ctx, "displayName"));
            return "Partner " + ctx.formParam("partnerId") + " registered.";
        }));
        r.get("/partners/{id}", this::partner);
        r.post("/partners/{id}/api-keys", this::issueKey);
        r.get("/partners/{id}/issued", this::issued);
        r.post("/api-keys/{keyId}/revoke", ctx -> act(ctx, "/partners/" + safe(ctx.formParam("partnerId")), a -> {
            confirmed(ctx);
            a.revokeApiKey(ctx.pathParam("keyId"));
            return "API key " + ctx.pathParam("keyId") + " revoked: it stops working at once on every node.";
        }));
        r.post("/partners/{id}/meters", ctx -> act(ctx, "/partners/" + safe(ctx.pathParam("id")), a -> {
            long id = a.createMeter(ctx.pathParam("id"), mode(ctx), a.currency()).meterId();
            return "Meter " + id + " created.";
        }));
        r.get("/meters", ctx -> render(ctx, "meters.jte", "Meters", "meters", new Views.Meters(admin(ctx).allMeters())));
        r.get("/meters/{id}", this::meter);
        r.post("/meters/{id}/fund", this::fund);
        r.get("/signing-keys", ctx -> render(ctx, "keys.jte", "Signing keys", "keys",
                new Views.Keys(admin(ctx).signingDevice(), admin(ctx).signingKeys())));
        r.post("/signing-keys/rotate", ctx -> act(ctx, "/signing-keys", a -> {
            SigningKeyInfo k = a.rotateSigningKey(mode(ctx), algorithm(ctx));
            return "Key " + k.keyId() + " is now the active " + k.mode() + " key; the one before is retired.";
        }));
        r.post("/signing-keys/generate", ctx -> act(ctx, "/signing-keys", a -> {
            SigningKeyInfo k = a.generateSigningKey(mode(ctx), algorithm(ctx));
            return "Key " + k.keyId() + " created, pending: register its fingerprint, then activate it.";
        }));
        r.post("/signing-keys/{id}/activate", ctx -> act(ctx, "/signing-keys", a -> {
            SigningKeyInfo k = a.activateSigningKey(keyId(ctx));
            return "Key " + k.keyId() + " is now the active " + k.mode() + " key.";
        }));
        r.post("/signing-keys/{id}/retire", ctx -> act(ctx, "/signing-keys", a -> {
            a.retireSigningKey(keyId(ctx));
            return "Key " + keyId(ctx) + " retired.";
        }));
        r.post("/signing-keys/{id}/revoke", ctx -> act(ctx, "/signing-keys", a -> {
            confirmed(ctx);
            a.revokeSigningKey(keyId(ctx));
            return "Key " + keyId(ctx) + " revoked: offline verifiers no longer trust what it signed.";
        }));
        r.get("/refunds", ctx -> render(ctx, "refunds.jte", "Card refunds", "refunds",
                new Views.Refunds(admin(ctx).failedCardRefunds())));
        r.post("/refunds/{id}/retry", ctx -> act(ctx, "/refunds", a -> {
            a.retryCardRefund(ctx.pathParam("id"));
            return "Refund " + ctx.pathParam("id") + " queued: the reconciler pays it back to the card.";
        }));
        r.get("/audit", this::audit);
        r.post("/audit/checkpoint", ctx -> act(ctx, "/audit", a -> {
            long id = a.signJournalCheckpoint();
            return id == 0 ? "No journal grew since the last checkpoint." : "Checkpoint " + id + " signed.";
        }));
        r.get("/rates", this::rates);
        r.get("/rates/{version}", ctx -> render(ctx, "rate.jte", "Rate table", "rates", new Views.Rate(
                admin(ctx).rateTables().stream().filter(t -> t.version().equals(ctx.pathParam("version"))).findFirst()
                        .orElseThrow(() -> new NotFoundException("there is no rate table " + ctx.pathParam("version"))))));
        r.post("/rates", this::uploadRates);
        r.post("/rates/{version}/withdraw", ctx -> act(ctx, "/rates", a -> {
            a.withdrawRateTable(ctx.pathParam("version"));
            return "Rate table " + ctx.pathParam("version") + " withdrawn.";
        }));
        r.get("/backgrounds", ctx -> render(ctx, "backgrounds.jte", "Backgrounds", "backgrounds",
                new Views.Backgrounds(admin(ctx).backgroundCatalogue())));
        r.get("/backgrounds/{id}/image", this::backgroundImage);
        r.post("/backgrounds", this::addBackground);
        r.post("/backgrounds/{id}/retire", ctx -> act(ctx, "/backgrounds", a -> {
            a.retireBackground(ctx.pathParam("id"));
            return "Background " + ctx.pathParam("id") + " retired: it is no longer offered.";
        }));
        r.get("/operators", ctx -> render(ctx, "operators.jte", "Operators", "operators",
                new Views.Operators(admin(ctx).operators(), operatorName(ctx))));
        r.post("/operators", ctx -> act(ctx, "/operators", a -> {
            char[] password = password(ctx, "password");
            a.createOperator(required(ctx, "name"), required(ctx, "displayName"), password);
            return "Operator " + ctx.formParam("name") + " added.";
        }));
        r.post("/operators/{name}/disable", ctx -> act(ctx, "/operators", a -> {
            a.setOperatorEnabled(ctx.pathParam("name"), false);
            return "Operator " + ctx.pathParam("name") + " disabled.";
        }));
        r.post("/operators/{name}/enable", ctx -> act(ctx, "/operators", a -> {
            a.setOperatorEnabled(ctx.pathParam("name"), true);
            return "Operator " + ctx.pathParam("name") + " enabled.";
        }));
        r.post("/account/password", ctx -> act(ctx, "/operators", a -> {
            a.signIn(operatorName(ctx), password(ctx, "current"), "password change in the admin console");
            a.setOperatorPassword(operatorName(ctx), password(ctx, "password"));
            return "Your password was changed.";
        }));
        r.exception(PostageException.class, (e, ctx) -> error(ctx, status(e), e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> {
            String id = UUID.randomUUID().toString().substring(0, 8);
            log.error("admin console: {} {} failed (error {})", ctx.method(), ctx.path(), id, e);
            error(ctx, 500, "Something went wrong (error " + id + "); the server's log has the details.");
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "There is no page at " + ctx.path() + ".");
            }
        });
    }

    // ------------------------------------------------------------------ filters

    private void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Strict-Transport-Security", "max-age=31536000");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin"); // not no-referrer: browsers would then send "Origin: null"
        ctx.header("Cache-Control", "no-store");
    }

    private void requireOperator(Context ctx) {
        String path = ctx.path();
        if (path.equals("/login") || path.startsWith("/static/")) {
            return;
        }
        HttpSession session = ctx.req().getSession(false);
        String name = session == null ? null : (String) session.getAttribute(OPERATOR);
        Optional<OperatorAccount> account = name == null ? Optional.empty() : core.admin().findOperator(name);
        if (account.isPresent() && account.get().enabled()) {
            ctx.attribute(OPERATOR, account.get());
            return;
        }
        if (name != null) { // disabled (or removed) while signed in: the session ends
            session.invalidate();
        }
        if (ctx.method().name().equals("GET")) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
        } else {
            throw new AuthenticationException("please sign in first; nothing was changed");
        }
    }

    /**
     * Refuses a POST without the session's CSRF token or from another origin: forms of this console
     * carry the token, and browsers send the {@code Origin} (and {@code Sec-Fetch-Site}) of the page
     * that posted.
     */
    private void checkPost(Context ctx) {
        if (!ctx.method().name().equals("POST")) {
            return;
        }
        String origin = ctx.header("Origin");
        String site = ctx.header("Sec-Fetch-Site");
        boolean sameOrigin = (origin == null || origin.equals("https://" + ctx.host()))
                && (site == null || site.equals("same-origin"));
        HttpSession session = ctx.req().getSession(false);
        String expected = session == null ? null : (String) session.getAttribute(CSRF);
        String sent = ctx.formParam("_csrf");
        if (!sameOrigin || expected == null || sent == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), sent.getBytes(StandardCharsets.US_ASCII))) {
            log.warn("admin console refused a POST to {} from {}: {}", ctx.path(), ctx.ip(),
                    sameOrigin ? "no valid CSRF token" : "another origin (" + origin + ", " + site + ")");
            ctx.status(403);
            error(ctx, 403, "This form has expired or did not come from this console, so nothing was changed. "
                    + "Reload the page and try again.");
            ctx.skipRemainingHandlers();
        }
    }

    // ------------------------------------------------------------------ sign-in

    private void loginPage(Context ctx) {
        render(ctx, "login.jte", "Sign in", "login", new Views.Login(""));
    }

    private void login(Context ctx) {
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip();
        char[] password = Optional.ofNullable(ctx.formParam("password")).orElse("").toCharArray();
        OperatorAccount account;
        try {
            account = core.admin().signIn(name, password, "admin console from " + ctx.ip());
        } catch (AuthenticationException e) {
            log.info("admin console: sign-in as '{}' from {} refused: {}", name.length() > 64 ? name.substring(0, 64)
                    : name, ctx.ip(), e.getMessage());
            flash(ctx, FLASH_ERROR, e.getMessage().substring(0, 1).toUpperCase() + e.getMessage().substring(1) + ".");
            ctx.status(401);
            render(ctx, "login.jte", "Sign in", "login", new Views.Login(name.length() > 64 ? "" : name));
            return;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        ctx.req().changeSessionId(); // a new session id once signed in: no fixation
        HttpSession session = ctx.req().getSession();
        session.setAttribute(OPERATOR, account.name());
        session.setAttribute(CSRF, token());
        flash(ctx, FLASH_OK, "Welcome, " + account.displayName() + ".");
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        ctx.req().getSession().invalidate();
        HttpSession fresh = ctx.req().getSession(true);
        fresh.setAttribute(CSRF, token());
        fresh.setAttribute(FLASH_OK, "You are signed out.");
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    // ------------------------------------------------------------------ pages

    private void dashboard(Context ctx) {
        PostalAdmin a = admin(ctx);
        List<PartnerInfo> partners = a.listPartners();
        int activeKeys = partners.stream().mapToInt(PartnerInfo::activeKeys).sum();
        String inForce = a.rateTables().stream().filter(RateTableInfo::inForceToday).map(RateTableInfo::version)
                .findFirst().orElse("none");
        render(ctx, "dashboard.jte", "Overview", "dashboard", new Views.Dashboard(partners.size(), a.allMeters().size(),
                activeKeys, a.failedCardRefunds().size(), inForce, a.signingDevice(),
                a.signingKeys().stream().filter(k -> k.state() == SigningKeyInfo.State.ACTIVE).toList(),
                a.latestOperatorJournal(10)));
    }

    private void partner(Context ctx) {
        PostalAdmin a = admin(ctx);
        String id = ctx.pathParam("id");
        PartnerInfo p = a.listPartners().stream().filter(x -> x.partnerId().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("there is no partner '" + id + "'"));
        List<Views.ApiKey> keys = a.apiKeys(id).stream().map(k -> new Views.ApiKey(k.keyId(), k.mode().name(),
                k.scanner(), k.createdAt(), k.revokedAt())).toList();
        List<MeterInfo> meters = a.allMeters().stream().filter(m -> m.partnerId().equals(id)).toList();
        render(ctx, "partner.jte", p.displayName(), "partners", new Views.Partner(p, keys, meters,
                a.currency().getCurrencyCode()));
    }

    private void issueKey(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            IssuedApiKey k = admin(ctx).issueApiKey(id, mode(ctx), "yes".equals(ctx.formParam("scanner")));
            // Shown once, on the next page: the secret is not kept after that.
            ctx.req().getSession().setAttribute(ISSUED, new Views.IssuedKey(id, k.keyId(), k.mode().name(), k.apiKey()));
            ctx.redirect("/partners/" + safe(id) + "/issued", HttpStatus.SEE_OTHER);
        } catch (PostageException e) {
            flash(ctx, FLASH_ERROR, e.getMessage());
            ctx.redirect("/partners/" + safe(id), HttpStatus.SEE_OTHER);
        }
    }

    private void issued(Context ctx) {
        Views.IssuedKey issued = ctx.consumeSessionAttribute(ISSUED);
        if (issued == null || !issued.partnerId().equals(ctx.pathParam("id"))) {
            ctx.redirect("/partners/" + safe(ctx.pathParam("id")), HttpStatus.SEE_OTHER);
            return;
        }
        render(ctx, "issued-key.jte", "API key issued", "partners", issued);
    }

    private void meter(Context ctx) {
        PostalAdmin a = admin(ctx);
        long id = number(ctx.pathParam("id"), "meter");
        MeterInfo m = a.meter(id);
        long after = ctx.queryParam("after") == null ? 0 : number(ctx.queryParam("after"), "after");
        List<JournalEntry> journal = a.journal(id, after, PAGE);
        Long next = journal.size() == PAGE ? journal.get(PAGE - 1).entryId() : null;
        render(ctx, "meter.jte", "Meter " + id, "meters", new Views.Meter(m, journal, next,
                m.statement().descending().currency().getCurrencyCode()));
    }

    private void fund(Context ctx) throws IOException {
        long id = number(ctx.pathParam("id"), "meter");
        act(ctx, "/meters/" + id, a -> {
            MeterInfo m = a.meter(id);
            Money amount = amount(required(ctx, "amount"), m.statement().descending().currency());
            JournalEntry e = a.fundMeter(id, amount, ctx.formParam("reference"));
            return "Meter " + id + " funded with " + amount + " (journal entry " + e.entryId() + ").";
        });
    }

    private void audit(Context ctx) {
        PostalAdmin a = admin(ctx);
        List<MeterAudit> meters = a.audit();
        long after = ctx.queryParam("after") == null ? 0 : number(ctx.queryParam("after"), "after");
        List<OperatorJournalEntry> journal = a.operatorJournal(after, PAGE);
        Long next = journal.size() == PAGE ? journal.get(PAGE - 1).seq() : null;
        render(ctx, "audit.jte", "Audit", "audit", new Views.Audit(meters, meters.stream().allMatch(MeterAudit::balanced),
                a.auditJournal(), journal, next));
    }

    private void rates(Context ctx) {
        List<RateTableInfo> tables = admin(ctx).rateTables();
        RateTableInfo inForce = tables.stream().filter(RateTableInfo::inForceToday).findFirst().orElse(null);
        LocalDate tomorrow = LocalDate.ofInstant(core.config().clock().instant(), core.config().zone()).plusDays(1);
        render(ctx, "rates.jte", "Rates", "rates", new Views.Rates(tables, inForce, tomorrow));
    }

    private void uploadRates(Context ctx) throws IOException {
        act(ctx, "/rates", a -> {
            String text = ctx.formParam("text");
            UploadedFile file = ctx.uploadedFile("file");
            if (file != null && file.size() > 0) {
                if (file.size() > 1_000_000) {
                    throw new InvalidRequestException("a rate file has at most 1,000,000 bytes, this one " + file.size());
                }
                try (InputStream in = file.content()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            if (text == null || text.isBlank()) {
                throw new InvalidRequestException("choose a rate file or paste the table");
            }
            LocalDate date;
            try {
                date = LocalDate.parse(required(ctx, "effectiveFrom"));
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidRequestException("the effective date is not a date (YYYY-MM-DD)");
            }
            RateTableInfo t = a.uploadRateTable(text, date);
            return "Rate table " + t.version() + " uploaded: " + t.rows().size() + " prices, in force from "
                    + t.effectiveFrom() + " on every node.";
        });
    }

    private void backgroundImage(Context ctx) {
        String id = ctx.pathParam("id");
        BackgroundEntry e = admin(ctx).backgroundCatalogue().stream().filter(x -> x.image().id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("there is no background '" + id + "'"));
        ctx.header("Cache-Control", "private, max-age=300");
        ctx.contentType(e.image().mediaType()).result(e.image().content().toArray());
    }

    private void addBackground(Context ctx) throws IOException {
        act(ctx, "/backgrounds", a -> {
            UploadedFile file = ctx.uploadedFile("file");
            if (file == null || file.size() == 0) {
                throw new InvalidRequestException("choose a PNG or JPEG file");
            }
            Bytes content;
            try (InputStream in = file.content()) {
                content = Bytes.of(in.readAllBytes());
            }
            a.addBackground(required(ctx, "id"), required(ctx, "title"), content);
            return "Background " + ctx.formParam("id") + " added to the catalogue.";
        });
    }

    // ------------------------------------------------------------------ helpers

    /** An action of the console: its success message. */
    @FunctionalInterface
    private interface Action {
        String run(PostalAdmin admin) throws IOException;
    }

    /** Runs {@code action} as the signed-in operator, then redirects to {@code back} with its outcome. */
    private void act(Context ctx, String back, Action action) throws IOException {
        try {
            flash(ctx, FLASH_OK, action.run(admin(ctx)));
        } catch (PostageException e) {
            flash(ctx, FLASH_ERROR, sentence(e.getMessage()));
        }
        ctx.redirect(back, HttpStatus.SEE_OTHER);
    }

    private PostalAdmin admin(Context ctx) {
        return core.admin().as(operatorName(ctx));
    }

    private static String operatorName(Context ctx) {
        OperatorAccount a = ctx.attribute(OPERATOR);
        if (a == null) { // the sign-in filter runs before every page that gets here
            throw new io.javalin.http.UnauthorizedResponse("sign in first");
        }
        return a.name();
    }

    private void render(Context ctx, String template, String title, String section, Object page) {
        HttpSession session = ctx.req().getSession(true);
        if (session.getAttribute(CSRF) == null) {
            session.setAttribute(CSRF, token());
        }
        OperatorAccount account = ctx.attribute(OPERATOR);
        Views.Frame frame = new Views.Frame(title, section, account == null ? null : account.displayName(),
                (String) session.getAttribute(CSRF), ctx.consumeSessionAttribute(FLASH_OK),
                ctx.consumeSessionAttribute(FLASH_ERROR));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("frame", frame);
        params.put("page", page);
        StringOutput out = new StringOutput();
        TEMPLATES.render(template, params, out);
        ctx.html(out.toString());
    }

    private void error(Context ctx, int status, String message) {
        ctx.status(status);
        render(ctx, "error.jte", "Error", "error", new Views.Error(status, sentence(message)));
    }

    private static int status(PostageException e) {
        return switch (e.code()) {
            case NOT_FOUND -> 404;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case INVALID_REQUEST -> 400;
            default -> 500;
        };
    }

    private static void flash(Context ctx, String kind, String message) {
        ctx.req().getSession(true).setAttribute(kind, message);
    }

    private static String sentence(String message) {
        String m = message == null || message.isBlank() ? "refused" : message.strip();
        m = Character.toUpperCase(m.charAt(0)) + m.substring(1);
        return m.endsWith(".") ? m : m + ".";
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void css(Context ctx) throws IOException {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("console.css")) {
            ctx.header("Cache-Control", "public, max-age=300");
            ctx.contentType("text/css; charset=utf-8").result(in.readAllBytes());
        }
    }

    private static String required(Context ctx, String field) {
        String v = ctx.formParam(field);
        if (v == null || v.isBlank()) {
            throw new InvalidRequestException(field + " is required");
        }
        return v.strip();
    }

    private static char[] password(Context ctx, String field) {
        String v = ctx.formParam(field);
        if (v == null || v.isEmpty()) {
            throw new InvalidRequestException("the " + (field.equals("current") ? "current " : "") + "password is required");
        }
        return v.toCharArray();
    }

    private static void confirmed(Context ctx) {
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new InvalidRequestException("tick the box to confirm; nothing was changed");
        }
    }

    private static Mode mode(Context ctx) {
        String v = required(ctx, "mode");
        if (!v.equals("TEST") && !v.equals("LIVE")) {
            throw new InvalidRequestException("mode is TEST or LIVE, not '" + v + "'");
        }
        return Mode.valueOf(v);
    }

    private static SignatureAlgorithm algorithm(Context ctx) {
        String v = required(ctx, "algorithm");
        try {
            return SignatureAlgorithm.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("algorithm '" + v + "' is not ECDSA_P256_SHA256 or ED25519");
        }
    }

    private static long keyId(Context ctx) {
        return number(ctx.pathParam("id"), "key id");
    }

    private static long number(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new NotFoundException("there is no " + what + " '" + text + "'");
        }
    }

    private static Money amount(String text, java.util.Currency currency) {
        try {
            return Money.ofMajor(new BigDecimal(text), currency);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("'" + text + "' is not an amount of " + currency.getCurrencyCode()
                    + " (such as 250.00)");
        }
    }

    /** A path segment that came from the request, made safe to put back into a redirect. */
    private static String safe(String segment) {
        return segment == null ? "" : java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
