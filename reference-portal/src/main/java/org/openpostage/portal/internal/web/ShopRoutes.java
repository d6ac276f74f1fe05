package org.openpostage.portal.internal.web;

import static org.openpostage.portal.internal.web.Html.esc;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.MailClass;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.AddressFormat;
import org.openpostage.portal.internal.shop.Addresses;
import org.openpostage.portal.internal.shop.CartItem;
import org.openpostage.portal.internal.shop.FieldError;
import org.openpostage.portal.internal.shop.Frames;
import org.openpostage.portal.internal.shop.ServiceDescriptions;
import org.openpostage.portal.internal.shop.Forms;
import org.openpostage.portal.internal.shop.Postage;
import org.openpostage.portal.internal.shop.UserError;
import org.openpostage.portal.internal.store.Upload;
import org.openpostage.portal.internal.store.User;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.UploadLimits;

/** The shop: rates for a described piece, the background gallery and uploads, the cart with previews. */
public final class ShopRoutes {
    private static final int MAX_CART = 50;
    private static final long MAX_UPLOAD = UploadLimits.BACKGROUNDS.maxBytes();
    /** What a multipart upload adds to the picture: boundaries, headers, the CSRF field. */
    static final long MULTIPART_OVERHEAD = 1_000;
    /** The largest multipart request read: a picture at the limit and its form (Jetty's own limits are above). */
    static final long MAX_UPLOAD_REQUEST = MAX_UPLOAD + 64 * 1024;
    /** URL-encoded name=value pairs joined by "&": what {@link #ratesQuery} makes. */
    private static final Pattern SAFE_QUERY = Pattern.compile("[A-Za-z0-9._~%+-]+=[A-Za-z0-9._~%+-]*"
            + "(&[A-Za-z0-9._~%+-]+=[A-Za-z0-9._~%+-]*)*");

    private final Services app;

    /** Wires the shop pages. */
    public ShopRoutes(Services app) {
        this.app = app;
    }

    /** Registers the routes. */
    public void register(RoutesConfig r) {
        r.get("/", this::home);
        r.post("/cart", this::addToCart);
        r.get("/cart", this::cart);
        r.post("/cart/remove", this::removeFromCart);
        r.get("/cart/{item}/preview.png", this::preview);
        r.get("/preview.png", this::formPreview);
        r.post("/uploads", this::upload);
        r.get("/backgrounds/catalogue/{id}", this::catalogueImage);
        r.get("/backgrounds/upload/{id}", this::uploadImage);
    }

    private void home(Context ctx) {
        home(ctx, null, java.util.Map.of());
    }

    /** The Buy postage page; {@code addError} and {@code posted}: an add-to-cart form refused, shown again. */
    private void home(Context ctx, FieldError addError, java.util.Map<String, String> posted) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        boolean again = addError != null;
        String weight = again ? posted.get("grams") : ctx.queryParam("weight");
        String from = again ? posted.get("from") : ctx.queryParam("from");
        String to = again ? posted.get("to") : ctx.queryParam("to");
        String date = again ? posted.get("date") : ctx.queryParam("date");
        String shopCountry = app.config().country();
        String fromCountry = (again ? posted.get("fromCountry") : ctx.queryParam("fromCountry"));
        fromCountry = fromCountry == null ? shopCountry : fromCountry;
        String toCountry = (again ? posted.get("toCountry") : ctx.queryParam("toCountry"));
        toCountry = toCountry == null ? fromCountry : toCountry;
        FieldError error = null;
        String general = null;
        List<Postage.Rate> rates = null;
        int grams = 0;
        String origin = null;
        String destination = null;
        LocalDate day = null;
        if (weight != null) {
            try {
                grams = Forms.grams(weight);
                fromCountry = Forms.country(fromCountry, shopCountry, "from-country");
                toCountry = Forms.country(toCountry, fromCountry, "to-country");
                origin = Forms.postalCode(from, "sender's", true, fromCountry, "from");
                destination = Forms.postalCode(to, "recipient's", false, toCountry, "to");
                day = Forms.date(date, LocalDate.now(), app.config().maxDaysAhead());
                LocalDate asked = date == null || date.isBlank() ? null : day;
                rates = app.postage().rates(grams, origin, destination, asked);
                s.lastQuery(ratesQuery(grams, origin, destination, asked, fromCountry, toCountry));
            } catch (FieldError e) {
                error = e;
            } catch (UserError e) {
                general = e.getMessage();
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("<h1>Buy postage</h1>\n<p class=\"lead\">Describe your mail piece to see today's prices from the postal"
                + " server, pick a picture for your stamp, and add it to your cart.</p>\n");
        LocalDate today = LocalDate.now();
        b.append("<form method=\"get\" action=\"/\" class=\"card\" id=\"describe\" novalidate><fieldset><legend>Your mail piece</legend>"
                + "<div class=\"row\">"
                + field("weight", "Weight (grams)", weight == null ? "20" : weight, "inputmode=\"numeric\" required", error)
                + countrySelect("from-country", "fromCountry", "Mailed from", fromCountry, error)
                + field("from", "From postal code", from == null ? defaultFrom(fromCountry) : from,
                        "required autocomplete=\"postal-code\"", error)
                + countrySelect("to-country", "toCountry", "Sent to", toCountry, error)
                + field("to", "To postal code", to == null ? defaultTo(toCountry) : to, "", error)
                + field("date", "Date of mailing (optional)", date == null ? "" : date, "type=\"date\" min=\""
                        + today.minusDays(1) + "\" max=\"" + today.plusDays(app.config().maxDaysAhead()) + "\"", error)
                + "</div><button type=\"submit\" id=\"show-rates\">Show prices</button></fieldset></form>\n");
        if (general != null) {
            b.append("<p class=\"flash error\" role=\"alert\" id=\"rates-error\">").append(esc(general)).append("</p>\n");
        }
        if (error != null) {
            b.append("<p class=\"flash error\" role=\"alert\" id=\"rates-error\">Please check the field marked below.</p>\n");
        }
        if (rates != null) {
            b.append(ratesForm(s, user, rates, grams, origin, destination, date == null || date.isBlank() ? null : day,
                    fromCountry, toCountry, addError, posted));
        }
        b.append(uploadForm(s));
        ctx.status(addError != null || error != null || general != null ? 400 : 200);
        ctx.html(app.page("Buy postage", user, s, b.toString(), ""));
    }

    private static String defaultFrom(String country) {
        String example = AddressFormat.of(country).postalCodeExample();
        return country.equals("US") ? "94107" : example == null ? "" : example;
    }

    private static String defaultTo(String country) {
        return country.equals("US") ? "10001" : "";
    }

    /** A select of the countries: the four with structured addresses first, then every other. */
    private static String countrySelect(String id, String name, String label, String selected, FieldError error) {
        StringBuilder b = new StringBuilder("<div class=\"field\"><label for=\"").append(id).append("\">").append(esc(label))
                .append("</label><select id=\"").append(id).append("\" name=\"").append(name).append("\">");
        java.util.Set<String> first = new java.util.LinkedHashSet<>(List.of("US", "CA", "GB", "DE"));
        for (String c : first) {
            option(b, c, selected);
        }
        b.append("<option disabled>──────────</option>");
        AddressFormat.countryCodes().stream().filter(c -> !first.contains(c))
                .sorted(java.util.Comparator.comparing(c -> AddressFormat.of(c).countryName()))
                .forEach(c -> option(b, c, selected));
        b.append("</select>").append(fieldError(id, error)).append("</div>");
        return b.toString();
    }

    private static void option(StringBuilder b, String code, String selected) {
        b.append("<option value=\"").append(esc(code)).append("\"").append(code.equals(selected) ? " selected" : "")
                .append(">").append(esc(AddressFormat.of(code).countryName())).append("</option>");
    }

    private String ratesForm(Session s, User user, List<Postage.Rate> rates, int grams, String origin,
                             String destination, LocalDate date, String fromCountry, String toCountry,
                             FieldError addError, java.util.Map<String, String> posted) {
        StringBuilder b = new StringBuilder();
        b.append("<form method=\"post\" action=\"/cart\" class=\"card\" id=\"add-form\" novalidate>").append(Layout.csrf(s))
                .append(hidden("grams", grams)).append(hidden("from", origin)).append(hidden("to", destination))
                .append(hidden("date", date)).append(hidden("fromCountry", fromCountry)).append(hidden("toCountry", toCountry));
        b.append("<fieldset><legend>Prices for ").append(grams).append(" g from ").append(esc(origin))
                .append(destination == null ? "" : " to " + esc(destination)).append("</legend>");
        b.append("<table class=\"rates stack\"><thead><tr><th scope=\"col\">Choose</th><th scope=\"col\">Kind of mail</th>"
                + "<th scope=\"col\">Price</th><th scope=\"col\">Delivery</th></tr></thead><tbody>");
        String chosen = posted.get("class");
        boolean first = true;
        for (Postage.Rate rate : rates) {
            MailClass mc = rate.mailClass();
            RateQuote q = rate.quote();
            String id = "class-" + mc.name();
            b.append("<tr><td data-label=\"Choose\">");
            if (q != null) {
                boolean checked = chosen == null ? first : chosen.equals(mc.name());
                b.append("<input type=\"radio\" name=\"class\" id=\"").append(id).append("\" value=\"").append(mc.name())
                        .append("\"").append(checked ? " checked" : "").append(">")
                        .append(hidden("price_" + mc.name(), q.price().minorUnits()));
                first = false;
            }
            b.append("</td><td data-label=\"Kind of mail\"><label for=\"").append(id).append("\"><strong>")
                    .append(esc(mc.displayName())).append("</strong></label><br><span class=\"muted\">")
                    .append(esc(ServiceDescriptions.description(mc))).append("</span></td><td data-label=\"Price\">");
            b.append(q != null ? "<strong class=\"price\" id=\"price-" + mc.name() + "\">" + esc(q.price()) + "</strong>"
                    + "<br><span class=\"muted small\">rate table " + esc(q.rateTableVersion())
                    + (q.zone() > 0 ? ", zone " + q.zone() : "") + "</span>"
                    : "<span class=\"muted\" id=\"unavailable-" + mc.name() + "\">" + esc(rate.unavailable()) + "</span>");
            b.append("</td><td data-label=\"Delivery\">").append(q != null ? esc(ServiceDescriptions.deliveryTime(mc)) : "")
                    .append("</td></tr>");
        }
        b.append("</tbody></table></fieldset>");
        b.append(gallery(user, posted, addError));
        b.append(Templates.render("address-fields.jte", addressFields("sender", "Sender (return address, optional)",
                "Printed on envelopes and shipping labels; its postal code is the stamp's: " + origin + ".",
                fromCountry, origin, posted, addError)));
        if (destination != null) {
            b.append(Templates.render("address-fields.jte", addressFields("recipient", "Recipient (optional)",
                    "For envelopes, shipping labels and address labels; its postal code is the stamp's: " + destination + ".",
                    toCountry, destination, posted, addError)));
        }
        b.append("<div class=\"row\"><div class=\"field\"><label for=\"quantity\">How many stamps</label><input id=\"quantity\""
                + " name=\"quantity\" type=\"number\" min=\"1\" max=\"20\" value=\"")
                .append(esc(posted.getOrDefault("quantity", "1"))).append("\" inputmode=\"numeric\">")
                .append(fieldError("quantity", addError)).append("</div></div>");
        if (addError != null && !isShown(addError.field())) {
            b.append("<p class=\"flash error\" role=\"alert\" id=\"add-error\">").append(esc(addError.getMessage())).append("</p>");
        }
        b.append("<button type=\"submit\" id=\"add-to-cart\">Add to cart</button></form>\n");
        return b.toString();
    }

    private static boolean isShown(String field) {
        return field.equals("quantity") || field.equals("focus-x") || field.startsWith("sender-")
                || field.startsWith("recipient-");
    }

    /** The address fieldset of {@code role}, its postal code and country fixed by the piece. */
    private static Pages.AddressFields addressFields(String role, String legend, String hint, String country,
                                                     String postalCode, java.util.Map<String, String> posted,
                                                     FieldError error) {
        AddressFormat f = AddressFormat.of(country);
        String auto = role.equals("sender") ? "section-sender " : "section-recipient ";
        List<Pages.Field> fields = new ArrayList<>();
        fields.add(input(role, "name", "Name", posted, auto + "name", error));
        fields.add(input(role, "line1", "Street and number", posted, auto + "address-line1", error));
        fields.add(input(role, "line2", "Address line 2 (optional)", posted, auto + "address-line2", error));
        fields.add(input(role, "city", f.localityLabel() + (f.structured() ? "" : " (optional)"), posted,
                auto + "address-level2", error));
        if (f.regionLabel() != null) {
            List<Pages.Option> regions = f.regions().entrySet().stream()
                    .map(e -> new Pages.Option(e.getKey(), e.getValue())).toList();
            fields.add(new Pages.Field(role + "-region", role + "Region", f.regionLabel(),
                    posted.getOrDefault(role + "Region", ""), null, false, regions, errorFor(role + "-region", error)));
        }
        fields.add(new Pages.Field(role + "-postal", role + "Postal", f.postalCodeLabel(), postalCode == null ? "" : postalCode,
                "off", true, List.of(), errorFor(role + "-postal", error)));
        fields.add(new Pages.Field(role + "-country", role + "CountryShown", "Country", f.countryName(), "off", true,
                List.of(), null));
        return new Pages.AddressFields(role, legend, hint, fields);
    }

    private static Pages.Field input(String role, String part, String label, java.util.Map<String, String> posted,
                                     String autocomplete, FieldError error) {
        String name = role + Character.toUpperCase(part.charAt(0)) + part.substring(1);
        return new Pages.Field(role + "-" + part, name, label, posted.getOrDefault(name, ""), autocomplete, false,
                List.of(), errorFor(role + "-" + part, error));
    }

    private static String errorFor(String id, FieldError error) {
        return error != null && error.field().equals(id) ? error.getMessage() : null;
    }

    private String gallery(User user, java.util.Map<String, String> posted, FieldError error) {
        String chosen = posted.getOrDefault("background", "");
        StringBuilder b = new StringBuilder("<fieldset class=\"gallery\"><legend>Picture on the stamp</legend>");
        b.append(choice("bg-none", "", chosen.isEmpty(), "<span class=\"plain\">No picture</span>"));
        for (BackgroundImage img : app.postage().catalogue()) {
            String v = "catalogue:" + img.id();
            b.append(choice("bg-" + img.id(), v, v.equals(chosen),
                    "<img src=\"/backgrounds/catalogue/" + esc(img.id()) + "\" alt=\"\" width=\"120\" height=\"60\">"
                            + "<span>" + esc(img.title()) + "</span>"));
        }
        for (Upload u : app.db().uploads().uploads(user.id())) {
            String v = "upload:" + u.id();
            b.append(choice("bg-upload-" + u.id(), v, v.equals(chosen),
                    "<img src=\"/backgrounds/upload/" + u.id() + "\" alt=\"\" width=\"120\" height=\"60\">"
                            + "<span>Yours: " + esc(u.title()) + "</span>"));
        }
        b.append("</fieldset><fieldset id=\"frame\"><legend>Where the picture's subject is (optional)</legend>"
                + "<p class=\"muted\">The barcode and text cover the right of the stamp; the picture shows on the left."
                + " Say where your picture's subject is, in percent of its width and height, and the stamp shows it"
                + " there. Empty: the picture is centred. The preview shows the stamp exactly as it prints.</p><div class=\"row\">")
                .append(field("focus-x", "From the left (%)", posted.getOrDefault("focusX", ""),
                        "name=\"focusX\" type=\"number\" min=\"0\" max=\"100\" inputmode=\"numeric\"", error))
                .append(field("focus-y", "From the top (%)", posted.getOrDefault("focusY", ""),
                        "name=\"focusY\" type=\"number\" min=\"0\" max=\"100\" inputmode=\"numeric\"", null))
                .append("</div><p><img id=\"stamp-preview\" class=\"preview\" alt=\"Preview of the stamp as it prints\""
                        + " hidden></p></fieldset>");
        return b.toString();
    }

    private static String choice(String id, String value, boolean checked, String label) {
        return "<div class=\"pick\"><input type=\"radio\" name=\"background\" id=\"" + esc(id) + "\" value=\"" + esc(value)
                + "\"" + (checked ? " checked" : "") + "><label for=\"" + esc(id) + "\">" + label + "</label></div>";
    }

    private String uploadForm(Session s) {
        return "<form method=\"post\" action=\"/uploads\" enctype=\"multipart/form-data\" class=\"card\" id=\"upload-form\">"
                + Layout.csrf(s) + "<fieldset><legend>Your own picture</legend>"
                + "<p class=\"muted\">A PNG or JPEG photo, up to 10 MB. It appears in the gallery above for your stamps.</p>"
                + "<label for=\"picture\">Picture file</label><input id=\"picture\" name=\"picture\" type=\"file\""
                + " accept=\"image/png,image/jpeg\" required>"
                + "<button type=\"submit\" id=\"upload\">Upload picture</button></fieldset></form>";
    }

    private void addToCart(Context ctx) {
        java.util.Map<String, String> posted = new java.util.HashMap<>();
        ctx.formParamMap().forEach((k, v) -> {
            if (!v.isEmpty() && !k.startsWith("_")) {
                posted.put(k, v.get(0));
            }
        });
        try {
            add(ctx);
        } catch (FieldError e) {
            // The rates page again, with the message next to the field and the form as it was sent.
            home(ctx, e, posted);
        }
    }

    private void add(Context ctx) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        MailClass mc = Forms.mailClass(ctx.formParam("class"));
        int grams = Forms.grams(ctx.formParam("grams"));
        String fromCountry = Forms.country(ctx.formParam("fromCountry"), app.config().country(), "from-country");
        String toCountry = Forms.country(ctx.formParam("toCountry"), fromCountry, "to-country");
        String origin = Forms.postalCode(ctx.formParam("from"), "sender's", true, fromCountry, "from");
        String destination = Forms.postalCode(ctx.formParam("to"), "recipient's", false, toCountry, "to");
        String dateField = ctx.formParam("date");
        LocalDate date = dateField == null || dateField.isBlank() ? null
                : Forms.date(dateField, LocalDate.now(), app.config().maxDaysAhead());
        int quantity = quantity(ctx.formParam("quantity"));
        String background = background(user, ctx.formParam("background"));
        String frame = background == null ? null : Frames.of(ctx.formParam("focusX"), ctx.formParam("focusY"));
        Address sender = Addresses.read("sender", ctx::formParam, fromCountry, origin);
        Address recipient = destination == null ? null : Addresses.read("recipient", ctx::formParam, toCountry, destination);
        long shown = price(ctx.formParam("price_" + mc.name()));
        RateQuote q = app.postage().quote(Forms.piece(mc, grams, origin, destination), date);
        if (q.price().minorUnits() != shown) {
            throw new UserError(409, "The price sent with the form (" + org.openpostage.api.model.Money.of(shown,
                    q.price().currency().getCurrencyCode()) + ") is not the current price of a " + mc.displayName().toLowerCase(java.util.Locale.ROOT) + " ("
                    + q.price() + "). Nothing was added to your cart; please look at the prices again.");
        }
        List<CartItem> items = new ArrayList<>();
        for (int i = 0; i < quantity; i++) {
            items.add(new CartItem(UUID.randomUUID().toString().substring(0, 8), mc, grams, origin, destination,
                    q.price().minorUnits(), q.price().currency().getCurrencyCode(), q.dateOfMailing(), background, frame,
                    sender, recipient));
        }
        if (!s.addAll(items, MAX_CART)) { // checked and added in one step: parallel posts cannot pass the limit together
            throw UserError.invalid("A cart holds at most " + MAX_CART + " stamps; yours has " + s.cart().size()
                    + ", so these " + quantity + " were not added.");
        }
        s.flash("ok", (quantity == 1 ? "Added a " : "Added " + quantity + " × ") + mc.displayName().toLowerCase(java.util.Locale.ROOT)
                + " stamp at " + q.price() + " to your cart.");
        ctx.redirect("/cart", HttpStatus.SEE_OTHER);
    }

    private static int quantity(String v) {
        try {
            int q = Integer.parseInt(v == null || v.isBlank() ? "1" : v.strip());
            if (q >= 1 && q <= 20) {
                return q;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new FieldError("quantity", "The number of stamps must be from 1 to 20.");
    }

    private static long price(String v) {
        try {
            return Long.parseLong(v == null ? "" : v.strip());
        } catch (NumberFormatException e) {
            throw new UserError(409, "The form did not say which price you saw. Nothing was added; please look at the"
                    + " prices again.");
        }
    }

    private String background(User user, String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.startsWith("catalogue:") && app.postage().catalogueBackground(v.substring(10)).isPresent()) {
            return v;
        }
        if (v.startsWith("upload:")) {
            try {
                if (app.db().uploads().uploadContent(user.id(), Long.parseLong(v.substring(7))).isPresent()) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw UserError.invalid("The chosen picture is not in the gallery any more; please pick another.");
    }

    private void cart(Context ctx) {
        cartPage(ctx, null, java.util.Map.of());
    }

    /**
     * The cart; after a refused checkout with the error next to its field and the payment fields as
     * they were sent (the card too, so it need not be typed again: it is sent back to the same
     * browser only, never stored or logged).
     */
    void cartPage(Context ctx, FieldError error, java.util.Map<String, String> posted) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        List<CartItem> cart = s.cart();
        StringBuilder b = new StringBuilder("<h1>Your cart</h1>\n");
        if (cart.isEmpty()) {
            b.append("<p id=\"cart-empty\">Your cart is empty. <a href=\"/").append(esc(query(s))).append("\">Buy postage</a>.</p>");
            ctx.html(app.page("Cart", user, s, b.toString(), ""));
            return;
        }
        String currency = cart.get(0).currency();
        long total = cart.stream().mapToLong(CartItem::price).sum();
        b.append("<p class=\"muted\">Each preview shows the finished stamp as a specimen; the stamp you buy carries"
                + " your meter number, serial and the postal server's signature instead.</p>\n<ol class=\"cart\">");
        // Equal stamps (added together, or alike) are one line with their number.
        java.util.Map<CartItem, List<CartItem>> lines = new java.util.LinkedHashMap<>();
        for (CartItem item : cart) {
            lines.computeIfAbsent(item.sameAs(), k -> new ArrayList<>()).add(item);
        }
        for (List<CartItem> line : lines.values()) {
            CartItem item = line.get(0);
            int n = line.size();
            b.append("<li class=\"cart-item\"><img src=\"/cart/").append(esc(item.id())).append("/preview.png\" alt=\"Preview of a ")
                    .append(esc(item.mailClass().displayName())).append(" stamp\" class=\"preview\">")
                    .append("<div>").append(n > 1 ? "<span class=\"quantity\">" + n + " × </span>" : "")
                    .append("<strong>").append(esc(item.mailClass().displayName())).append("</strong>, ")
                    .append(item.grams()).append(" g from ").append(esc(item.origin()))
                    .append(item.destination() == null ? "" : " to " + esc(item.destination()))
                    .append(", mailed ").append(item.dateOfMailing());
            if (item.recipient() != null) {
                b.append("<br><span class=\"muted\">To ").append(esc(String.join(", ", item.recipient()
                        .printedLines(item.sender() == null ? item.recipient().country() : item.sender().country()))))
                        .append("</span>");
            }
            b.append("<br><span class=\"price\">").append(Html.money(item.price() * n, item.currency())).append("</span>")
                    .append(n > 1 ? " <span class=\"muted\">(" + Html.money(item.price(), item.currency()) + " each)</span>" : "")
                    .append(" · <form method=\"post\" action=\"/cart/remove\" class=\"inline\">").append(Layout.csrf(s));
            for (CartItem i : line) {
                b.append(hidden("item", i.id()));
            }
            b.append("<button type=\"submit\" class=\"link\">Remove").append(n > 1 ? " all " + n : "")
                    .append("</button></form></div></li>");
        }
        b.append("</ol>\n<p class=\"total\">Total: <strong id=\"cart-total\">").append(Html.money(total, currency))
                .append("</strong> for ").append(cart.size()).append(cart.size() == 1 ? " stamp" : " stamps").append("</p>\n");
        long credit = app.db().credit().balance(user.id());
        boolean byCredit = "credit".equals(posted.get("payment"));
        boolean onRequest = "on-request".equals(posted.get("print"));
        if (error != null) {
            b.append("<p class=\"flash error\" role=\"alert\" id=\"checkout-error\">Nothing was charged. ")
                    .append(esc(error.getMessage())).append("</p>");
        }
        b.append("<form method=\"post\" action=\"/checkout\" class=\"card\" id=\"checkout-form\" novalidate>").append(Layout.csrf(s))
                .append(hidden("checkout", s.openCheckout())).append(hidden("total", total))
                .append("<fieldset><legend>How to pay</legend>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"payment\" id=\"pay-card\" value=\"card\"")
                .append(byCredit ? "" : " checked").append(">")
                .append("<label for=\"pay-card\">Card</label></div>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"payment\" id=\"pay-credit\" value=\"credit\"")
                .append(byCredit ? " checked" : "").append(">")
                .append("<label for=\"pay-credit\">Store credit (you have <span id=\"credit\">")
                .append(Html.money(credit, currency)).append("</span>)</label></div>")
                .append(cardFields(false, posted, error)).append("</fieldset>")
                .append("<fieldset><legend>Printing</legend>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"print\" id=\"print-auto\" value=\"auto\"")
                .append(onRequest ? "" : " checked").append(">")
                .append("<label for=\"print-auto\">Print as soon as the stamps are ready</label></div>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"print\" id=\"print-on-request\" value=\"on-request\"")
                .append(onRequest ? " checked" : "").append(">")
                .append("<label for=\"print-on-request\">Let me print when I click</label></div></fieldset>")
                .append("<button type=\"submit\" id=\"pay\">Pay ").append(Html.money(total, currency)).append("</button></form>");
        ctx.status(error == null ? 200 : 400);
        ctx.html(app.page("Cart", user, s, b.toString(), ""));
    }

    private void removeFromCart(Context ctx) {
        Session s = app.session(ctx);
        List<String> ids = ctx.formParams("item");
        int removed = 0;
        for (String id : ids) {
            removed += s.remove(id) ? 1 : 0;
        }
        if (removed == 0) {
            throw new UserError(404, "That stamp is not in your cart any more.");
        }
        s.flash("ok", removed == 1 ? "Removed the stamp from your cart." : "Removed " + removed + " stamps from your cart.");
        ctx.redirect("/cart", HttpStatus.SEE_OTHER);
    }

    private void preview(Context ctx) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        CartItem item = s.cart().stream().filter(i -> i.id().equals(ctx.pathParam("item"))).findFirst()
                .orElseThrow(() -> new UserError(404, "That stamp is not in your cart."));
        Background bg = app.background(item.background(), item.frame(), user.id());
        RenderedImage png = app.postage().preview(item.mailClass(), item.grams(), item.origin(), item.destination(),
                item.price(), item.currency(), item.dateOfMailing(), bg);
        ctx.contentType("image/png").result(png.content().toArray());
    }

    /**
     * A preview of the stamp the add-to-cart form describes, with the picture placed where the form
     * says: the same rendering as the stamp that prints (a specimen). The rates page's script shows
     * it as the shopper moves the subject.
     */
    private void formPreview(Context ctx) {
        User user = app.user(ctx);
        MailClass mc = Forms.mailClass(ctx.queryParam("class"));
        int grams = Forms.grams(ctx.queryParam("grams"));
        String origin = Forms.postalCode(ctx.queryParam("from"), "sender's", true, null, "from");
        String destination = Forms.postalCode(ctx.queryParam("to"), "recipient's", false, null, "to");
        LocalDate date = Forms.date(ctx.queryParam("date"), LocalDate.now(), app.config().maxDaysAhead());
        long price = price(ctx.queryParam("price"));
        String background = background(user, ctx.queryParam("background"));
        Background bg = background == null ? null : app.background(background,
                Frames.of(ctx.queryParam("focusX"), ctx.queryParam("focusY")), user.id());
        String currency = ctx.queryParam("currency") == null ? "USD" : ctx.queryParam("currency");
        if (!currency.matches("[A-Z]{3}")) {
            throw UserError.invalid("The currency must be a three-letter code such as USD.");
        }
        RenderedImage png = app.postage().preview(mc, grams, origin, destination, price, currency, date, bg);
        ctx.header("Cache-Control", "private, max-age=60").contentType("image/png").result(png.content().toArray());
    }

    private void upload(Context ctx) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        UploadedFile file = ctx.uploadedFile("picture");
        if (file == null || file.size() == 0) {
            throw UserError.invalid("Please choose a picture file to upload.");
        }
        if (file.size() > MAX_UPLOAD) {
            throw tooLarge(file.size());
        }
        byte[] content;
        try (InputStream in = file.content()) {
            content = in.readNBytes((int) MAX_UPLOAD + 1);
        } catch (IOException e) {
            throw UserError.invalid("The upload was interrupted; please try again.");
        }
        byte[] clean; // without its metadata (a phone photo's GPS position, camera serial), upright
        try {
            clean = BackgroundImages.clean(content).content().toArray();
        } catch (InvalidRequestException e) {
            throw UserError.invalid("This picture cannot be used: " + e.getMessage() + ".");
        }
        String title = file.filename() == null || file.filename().isBlank() ? "picture" : file.filename().strip();
        title = title.replaceAll("[^\\p{L}\\p{N} ._-]", "_");
        app.db().uploads().saveUpload(user.id(), title.length() > 60 ? title.substring(0, 60) : title, clean);
        s.flash("ok", "Your picture \"" + title + "\" is now in the gallery.");
        ctx.redirect("/" + query(s), HttpStatus.SEE_OTHER);
    }

    private void catalogueImage(Context ctx) {
        BackgroundImage img = app.postage().catalogue().stream().filter(i -> i.id().equals(ctx.pathParam("id"))).findFirst()
                .orElseThrow(() -> new UserError(404, "There is no such picture in the gallery."));
        ctx.header("Cache-Control", "private, max-age=300").contentType(img.mediaType()).result(img.content().toArray());
    }

    private void uploadImage(Context ctx) {
        User user = app.user(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new UserError(404, "There is no such picture.");
        }
        byte[] content = app.db().uploads().uploadContent(user.id(), id).orElseThrow(() -> new UserError(404, "There is no such picture."));
        // Stored uploads are what BackgroundImages.clean wrote: a PNG or a JPEG, told apart by the first byte.
        ctx.contentType(content.length > 0 && content[0] == (byte) 0x89 ? "image/png" : "image/jpeg").result(content);
    }

    /** The refusal of a picture of {@code bytes}. */
    static UserError tooLarge(long bytes) {
        return UserError.invalid("The picture is " + megabytes(Math.max(bytes, MAX_UPLOAD + 1)) + " MB; at most "
                + megabytes(MAX_UPLOAD) + " MB can be uploaded.");
    }

    /**
     * {@code bytes} in megabytes (1,000,000 bytes) with one decimal, rounded up, so a file over the
     * limit never reads as the limit: 10000001 bytes are "10.1", 10000000 are "10".
     */
    static String megabytes(long bytes) {
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1_000_000), 1, RoundingMode.CEILING)
                .stripTrailingZeros().toPlainString();
    }

    /**
     * The query of the rates page for a described piece, rebuilt from the checked fields (never the
     * request's own query string) and URL-encoded, so it is safe in a link and in a redirect.
     */
    static String ratesQuery(int grams, String origin, String destination, LocalDate date) {
        StringBuilder q = new StringBuilder("weight=").append(grams).append("&from=").append(url(origin));
        q.append("&to=").append(destination == null ? "" : url(destination));
        if (date != null) {
            q.append("&date=").append(date);
        }
        return q.toString();
    }

    /** As above, naming the countries when they are not the shop's default pair. */
    String ratesQuery(int grams, String origin, String destination, LocalDate date, String fromCountry, String toCountry) {
        String q = ratesQuery(grams, origin, destination, date);
        boolean usual = fromCountry.equals(app.config().country()) && toCountry.equals(fromCountry);
        return usual ? q : q + "&fromCountry=" + url(fromCountry) + "&toCountry=" + url(toCountry);
    }

    /**
     * "?" and the rates query last shown, or "" (also for anything but plain URL-encoded
     * {@code name=value} pairs, such as a line break), so "/" + it is always a path of this site.
     */
    static String query(Session s) {
        String q = s.lastQuery();
        return q.isEmpty() || !SAFE_QUERY.matcher(q).matches() ? "" : "?" + q;
    }

    private static String url(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /** The card fields of a payment form ({@code required}: without the choice of store credit). */
    static String cardFields(boolean required) {
        return cardFields(required, java.util.Map.of(), null);
    }

    /** The card fields, filled with {@code posted} values and showing {@code error} next to its field. */
    static String cardFields(boolean required, java.util.Map<String, String> posted, FieldError error) {
        String req = required ? " required" : "";
        return "<div class=\"row card-fields\">"
                + field("card-number", "Card number", posted.getOrDefault("cardNumber", ""),
                        "name=\"cardNumber\" inputmode=\"numeric\" autocomplete=\"cc-number\"" + req, error)
                + field("card-expiry", "Expiry (MM/YY)", posted.getOrDefault("cardExpiry", ""),
                        "name=\"cardExpiry\" autocomplete=\"cc-exp\"" + req, error)
                + field("card-cvv", "Security code", posted.getOrDefault("cardCvv", ""),
                        "name=\"cardCvv\" inputmode=\"numeric\" autocomplete=\"cc-csc\"" + req, error)
                + field("card-holder", "Name on card", posted.getOrDefault("cardHolder", ""),
                        "name=\"cardHolder\" autocomplete=\"cc-name\"", error)
                + "</div><p class=\"muted\">Card details go straight to the postal server's payment check; this shop"
                + " does not keep them.</p>";
    }

    static String field(String id, String label, String value, String attrs) {
        return field(id, label, value, attrs, null);
    }

    /** An input with its label and, when {@code error} is about it, the message next to it. */
    static String field(String id, String label, String value, String attrs, FieldError error) {
        String name = attrs.contains("name=") ? "" : " name=\"" + esc(id) + "\"";
        boolean wrong = error != null && error.field().equals(id);
        return "<div class=\"field\"><label for=\"" + esc(id) + "\">" + esc(label) + "</label><input id=\"" + esc(id)
                + "\"" + name + " value=\"" + esc(value) + "\" " + attrs
                + (wrong ? " aria-invalid=\"true\" aria-describedby=\"" + esc(id) + "-error\"" : "") + ">"
                + fieldError(id, error) + "</div>";
    }

    /** The message of {@code error} when it is about field {@code id}, else nothing. */
    static String fieldError(String id, FieldError error) {
        return error == null || !error.field().equals(id) ? "" : "<p class=\"field-error\" id=\"" + esc(id)
                + "-error\" role=\"alert\">" + esc(error.getMessage()) + "</p>";
    }

    static String hidden(String name, Object value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }

}
