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
import org.openpostage.portal.internal.shop.CartItem;
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
        r.post("/uploads", this::upload);
        r.get("/backgrounds/catalogue/{id}", this::catalogueImage);
        r.get("/backgrounds/upload/{id}", this::uploadImage);
    }

    private void home(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        String weight = ctx.queryParam("weight");
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        String date = ctx.queryParam("date");
        StringBuilder b = new StringBuilder();
        b.append("<h1>Buy postage</h1>\n<p class=\"lead\">Describe your mail piece to see today's prices from the postal"
                + " server, pick a picture for your stamp, and add it to your cart.</p>\n");
        b.append("<form method=\"get\" action=\"/\" class=\"card\" id=\"describe\"><fieldset><legend>Your mail piece</legend>"
                + "<div class=\"row\">"
                + field("weight", "Weight (grams)", weight == null ? "20" : weight, "inputmode=\"numeric\" required")
                + field("from", "From postal code", from == null ? "94107" : from, "required autocomplete=\"postal-code\"")
                + field("to", "To postal code", to == null ? "10001" : to, "")
                + field("date", "Date of mailing (optional)", date == null ? "" : date, "type=\"date\"")
                + "</div><button type=\"submit\" id=\"show-rates\">Show prices</button></fieldset></form>\n");
        String error = null;
        List<Postage.Rate> rates = null;
        int grams = 0;
        String origin = null;
        String destination = null;
        LocalDate day = null;
        if (weight != null) {
            try {
                grams = Forms.grams(weight);
                origin = Forms.postalCode(from, "sender's", true);
                destination = Forms.postalCode(to, "recipient's", false);
                day = Forms.date(date, LocalDate.now());
                rates = app.postage().rates(grams, origin, destination, date == null || date.isBlank() ? null : day);
                s.lastQuery(ratesQuery(grams, origin, destination, date == null || date.isBlank() ? null : day));
            } catch (UserError e) {
                error = e.getMessage();
            }
        }
        if (error != null) {
            b.append("<p class=\"flash error\" role=\"alert\" id=\"rates-error\">").append(esc(error)).append("</p>\n");
        }
        if (rates != null) {
            b.append(ratesForm(s, user, rates, grams, origin, destination, date == null || date.isBlank() ? null : day));
        }
        b.append(uploadForm(s));
        ctx.html(app.page("Buy postage", user, s, b.toString(), ""));
    }

    private String ratesForm(Session s, User user, List<Postage.Rate> rates, int grams, String origin,
                             String destination, LocalDate date) {
        StringBuilder b = new StringBuilder();
        b.append("<form method=\"post\" action=\"/cart\" class=\"card\" id=\"add-form\">").append(Layout.csrf(s))
                .append(hidden("grams", grams)).append(hidden("from", origin)).append(hidden("to", destination))
                .append(hidden("date", date));
        b.append("<fieldset><legend>Prices for ").append(grams).append(" g from ").append(esc(origin))
                .append(destination == null ? "" : " to " + esc(destination)).append("</legend>");
        b.append("<table class=\"rates\"><thead><tr><th scope=\"col\">Choose</th><th scope=\"col\">Kind of mail</th>"
                + "<th scope=\"col\">Price</th><th scope=\"col\">Rate table</th></tr></thead><tbody>");
        boolean first = true;
        for (Postage.Rate rate : rates) {
            MailClass mc = rate.mailClass();
            RateQuote q = rate.quote();
            String id = "class-" + mc.name();
            b.append("<tr><td>");
            if (q != null) {
                b.append("<input type=\"radio\" name=\"class\" id=\"").append(id).append("\" value=\"").append(mc.name())
                        .append("\"").append(first ? " checked" : "").append(">")
                        .append(hidden("price_" + mc.name(), q.price().minorUnits()));
                first = false;
            }
            b.append("</td><td><label for=\"").append(id).append("\">").append(esc(mc.displayName())).append("</label></td><td>");
            b.append(q != null ? "<strong class=\"price\" id=\"price-" + mc.name() + "\">" + esc(q.price()) + "</strong>"
                    : "<span class=\"muted\">" + esc(rate.unavailable()) + "</span>");
            b.append("</td><td>").append(q != null ? esc(q.rateTableVersion()) + (q.zone() > 0 ? ", zone " + q.zone() : "")
                    : "").append("</td></tr>");
        }
        b.append("</tbody></table></fieldset>");
        b.append(gallery(user));
        b.append("<div class=\"row\"><label for=\"quantity\">How many stamps</label><input id=\"quantity\" name=\"quantity\""
                + " type=\"number\" min=\"1\" max=\"20\" value=\"1\" inputmode=\"numeric\"></div>");
        b.append("<button type=\"submit\" id=\"add-to-cart\">Add to cart</button></form>\n");
        return b.toString();
    }

    private String gallery(User user) {
        StringBuilder b = new StringBuilder("<fieldset class=\"gallery\"><legend>Picture on the stamp</legend>");
        b.append(choice("bg-none", "", true, "<span class=\"plain\">No picture</span>"));
        for (BackgroundImage img : app.postage().catalogue()) {
            b.append(choice("bg-" + img.id(), "catalogue:" + img.id(), false,
                    "<img src=\"/backgrounds/catalogue/" + esc(img.id()) + "\" alt=\"\" width=\"120\" height=\"60\">"
                            + "<span>" + esc(img.title()) + "</span>"));
        }
        for (Upload u : app.store().uploads(user.id())) {
            b.append(choice("bg-upload-" + u.id(), "upload:" + u.id(), false,
                    "<img src=\"/backgrounds/upload/" + u.id() + "\" alt=\"\" width=\"120\" height=\"60\">"
                            + "<span>Yours: " + esc(u.title()) + "</span>"));
        }
        return b.append("</fieldset>").toString();
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
        Session s = app.session(ctx);
        User user = app.user(ctx);
        MailClass mc = Forms.mailClass(ctx.formParam("class"));
        int grams = Forms.grams(ctx.formParam("grams"));
        String origin = Forms.postalCode(ctx.formParam("from"), "sender's", true);
        String destination = Forms.postalCode(ctx.formParam("to"), "recipient's", false);
        String dateField = ctx.formParam("date");
        LocalDate date = dateField == null || dateField.isBlank() ? null : Forms.date(dateField, LocalDate.now());
        int quantity = quantity(ctx.formParam("quantity"));
        String background = background(user, ctx.formParam("background"));
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
                    q.price().minorUnits(), q.price().currency().getCurrencyCode(), q.dateOfMailing(), background));
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
        throw UserError.invalid("The number of stamps must be from 1 to 20.");
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
                if (app.store().uploadContent(user.id(), Long.parseLong(v.substring(7))).isPresent()) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw UserError.invalid("The chosen picture is not in the gallery any more; please pick another.");
    }

    private void cart(Context ctx) {
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
        for (CartItem item : cart) {
            b.append("<li class=\"cart-item\"><img src=\"/cart/").append(esc(item.id())).append("/preview.png\" alt=\"Preview of a ")
                    .append(esc(item.mailClass().displayName())).append(" stamp\" class=\"preview\">")
                    .append("<div><strong>").append(esc(item.mailClass().displayName())).append("</strong>, ")
                    .append(item.grams()).append(" g from ").append(esc(item.origin()))
                    .append(item.destination() == null ? "" : " to " + esc(item.destination()))
                    .append(", mailed ").append(item.dateOfMailing()).append("<br><span class=\"price\">")
                    .append(Html.money(item.price(), item.currency())).append("</span> · ")
                    .append("<form method=\"post\" action=\"/cart/remove\" class=\"inline\">").append(Layout.csrf(s))
                    .append(hidden("item", item.id())).append("<button type=\"submit\" class=\"link\">Remove</button></form>")
                    .append("</div></li>");
        }
        b.append("</ol>\n<p class=\"total\">Total: <strong id=\"cart-total\">").append(Html.money(total, currency))
                .append("</strong> for ").append(cart.size()).append(cart.size() == 1 ? " stamp" : " stamps").append("</p>\n");
        long credit = app.store().balance(user.id());
        b.append("<form method=\"post\" action=\"/checkout\" class=\"card\" id=\"checkout-form\">").append(Layout.csrf(s))
                .append(hidden("checkout", s.openCheckout())).append(hidden("total", total))
                .append("<fieldset><legend>How to pay</legend>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"payment\" id=\"pay-card\" value=\"card\" checked>")
                .append("<label for=\"pay-card\">Card</label></div>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"payment\" id=\"pay-credit\" value=\"credit\">")
                .append("<label for=\"pay-credit\">Store credit (you have <span id=\"credit\">")
                .append(Html.money(credit, currency)).append("</span>)</label></div>")
                .append(cardFields(false)).append("</fieldset>")
                .append("<fieldset><legend>Printing</legend>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"print\" id=\"print-auto\" value=\"auto\" checked>")
                .append("<label for=\"print-auto\">Print as soon as the stamps are ready</label></div>")
                .append("<div class=\"pick\"><input type=\"radio\" name=\"print\" id=\"print-on-request\" value=\"on-request\">")
                .append("<label for=\"print-on-request\">Let me print when I click</label></div></fieldset>")
                .append("<button type=\"submit\" id=\"pay\">Pay ").append(Html.money(total, currency)).append("</button></form>");
        ctx.html(app.page("Cart", user, s, b.toString(), ""));
    }

    private void removeFromCart(Context ctx) {
        Session s = app.session(ctx);
        if (!s.remove(ctx.formParam("item"))) {
            throw new UserError(404, "That stamp is not in your cart any more.");
        }
        s.flash("ok", "Removed the stamp from your cart.");
        ctx.redirect("/cart", HttpStatus.SEE_OTHER);
    }

    private void preview(Context ctx) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        CartItem item = s.cart().stream().filter(i -> i.id().equals(ctx.pathParam("item"))).findFirst()
                .orElseThrow(() -> new UserError(404, "That stamp is not in your cart."));
        Background bg = app.background(item.background(), user.id());
        RenderedImage png = app.postage().preview(item.mailClass(), item.grams(), item.origin(), item.destination(),
                item.price(), item.currency(), item.dateOfMailing(), bg);
        ctx.contentType("image/png").result(png.content().toArray());
    }

    private void upload(Context ctx) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        UploadedFile file = ctx.uploadedFile("picture");
        if (file == null || file.size() == 0) {
            throw UserError.invalid("Please choose a picture file to upload.");
        }
        if (file.size() > MAX_UPLOAD) {
            throw UserError.invalid("The picture is " + megabytes(file.size()) + " MB; at most " + megabytes(MAX_UPLOAD)
                    + " MB can be uploaded.");
        }
        byte[] content;
        try (InputStream in = file.content()) {
            content = in.readNBytes((int) MAX_UPLOAD + 1);
        } catch (IOException e) {
            throw UserError.invalid("The upload was interrupted; please try again.");
        }
        try {
            BackgroundImages.check(content);
        } catch (InvalidRequestException e) {
            throw UserError.invalid("This picture cannot be used: " + e.getMessage() + ".");
        }
        String title = file.filename() == null || file.filename().isBlank() ? "picture" : file.filename().strip();
        title = title.replaceAll("[^\\p{L}\\p{N} ._-]", "_");
        app.store().saveUpload(user.id(), title.length() > 60 ? title.substring(0, 60) : title, content);
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
        byte[] content = app.store().uploadContent(user.id(), id).orElseThrow(() -> new UserError(404, "There is no such picture."));
        ctx.contentType(BackgroundImages.check(content).mediaType()).result(content);
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
        String req = required ? " required" : "";
        return "<div class=\"row card-fields\">"
                + field("card-number", "Card number", "", "name=\"cardNumber\" inputmode=\"numeric\" autocomplete=\"cc-number\"" + req)
                + field("card-expiry", "Expiry (MM/YY)", "", "name=\"cardExpiry\" autocomplete=\"cc-exp\"" + req)
                + field("card-cvv", "Security code", "", "name=\"cardCvv\" inputmode=\"numeric\" autocomplete=\"cc-csc\"" + req)
                + field("card-holder", "Name on card", "", "name=\"cardHolder\" autocomplete=\"cc-name\"")
                + "</div><p class=\"muted\">Card details go straight to the postal server's payment check; this shop"
                + " does not keep them.</p>";
    }

    static String field(String id, String label, String value, String attrs) {
        String name = attrs.contains("name=") ? "" : " name=\"" + esc(id) + "\"";
        return "<div class=\"field\"><label for=\"" + esc(id) + "\">" + esc(label) + "</label><input id=\"" + esc(id)
                + "\"" + name + " value=\"" + esc(value) + "\" " + attrs + "></div>";
    }

    static String hidden(String name, Object value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }

}
