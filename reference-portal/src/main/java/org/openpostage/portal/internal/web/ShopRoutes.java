package org.openpostage.portal.internal.web;

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
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.AddressFormat;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.MailClass;
import org.openpostage.portal.internal.shop.Addresses;
import org.openpostage.portal.internal.shop.CartItem;
import org.openpostage.portal.internal.shop.FieldError;
import org.openpostage.portal.internal.shop.Forms;
import org.openpostage.portal.internal.shop.Frames;
import org.openpostage.portal.internal.shop.Postage;
import org.openpostage.portal.internal.shop.ServiceDescriptions;
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
        LocalDate today = LocalDate.now();
        Pages.RatesForm form = rates == null ? null : ratesForm(s, user, rates, grams, origin, destination,
                date == null || date.isBlank() ? null : day, fromCountry, toCountry, addError, posted);
        Pages.Home page = new Pages.Home(
                field("weight", "weight", "Weight (grams)", weight == null ? "20" : weight, null, null, null, "numeric",
                        null, true, error),
                countrySelect("from-country", "fromCountry", "Mailed from", fromCountry, error),
                field("from", "from", "From postal code", from == null ? defaultFrom(fromCountry) : from, null, null, null,
                        null, "postal-code", true, error),
                countrySelect("to-country", "toCountry", "Sent to", toCountry, error),
                field("to", "to", "To postal code", to == null ? defaultTo(toCountry) : to, null, null, null, null, null,
                        false, error),
                field("date", "date", "Date of mailing (optional)", date == null ? "" : date, "date",
                        today.minusDays(1).toString(), today.plusDays(app.config().maxDaysAhead()).toString(), null, null,
                        false, error),
                general, error != null, form, s.csrf);
        ctx.status(addError != null || error != null || general != null ? 400 : 200);
        ctx.html(app.page("home.jte", "Buy postage", user, s, page));
    }

    private static String defaultFrom(String country) {
        String example = AddressFormat.of(country).postalCodeExample();
        return country.equals("US") ? "94107" : example == null ? "" : example;
    }

    private static String defaultTo(String country) {
        return country.equals("US") ? "10001" : "";
    }

    /** A select of the countries: the four with structured addresses first, then every other. */
    private static Pages.CountrySelect countrySelect(String id, String name, String label, String selected,
                                                     FieldError error) {
        List<String> first = List.of("US", "CA", "GB", "DE");
        List<Pages.Option> rest = AddressFormat.countryCodes().stream().filter(c -> !first.contains(c))
                .sorted(java.util.Comparator.comparing(c -> AddressFormat.of(c).countryName()))
                .map(ShopRoutes::country).toList();
        return new Pages.CountrySelect(id, name, label, selected, first.stream().map(ShopRoutes::country).toList(), rest,
                errorFor(id, error));
    }

    private static Pages.Option country(String code) {
        return new Pages.Option(code, AddressFormat.of(code).countryName());
    }

    private Pages.RatesForm ratesForm(Session s, User user, List<Postage.Rate> rates, int grams, String origin,
                                      String destination, LocalDate date, String fromCountry, String toCountry,
                                      FieldError addError, java.util.Map<String, String> posted) {
        List<Pages.Hidden> hidden = List.of(hidden("grams", grams), hidden("from", origin), hidden("to", destination),
                hidden("date", date), hidden("fromCountry", fromCountry), hidden("toCountry", toCountry));
        String chosen = posted.get("class");
        boolean first = true;
        List<Pages.RateRow> rows = new ArrayList<>();
        for (Postage.Rate rate : rates) {
            MailClass mc = rate.mailClass();
            RateQuote q = rate.quote();
            boolean checked = false;
            if (q != null) {
                checked = chosen == null ? first : chosen.equals(mc.name());
                first = false;
            }
            rows.add(new Pages.RateRow(mc.name(), mc.displayName(), ServiceDescriptions.description(mc), q != null,
                    checked, q == null ? 0 : q.price().minorUnits(), q == null ? null : q.price().toString(),
                    q == null ? null : "rate table " + q.rateTableVersion() + (q.zone() > 0 ? ", zone " + q.zone() : ""),
                    rate.unavailable(), ServiceDescriptions.deliveryTime(mc)));
        }
        Pages.AddressFields sender = addressFields("sender", "Sender (return address, optional)",
                "Printed on envelopes and shipping labels; its postal code is the stamp's: " + origin + ".",
                fromCountry, origin, posted, addError);
        Pages.AddressFields recipient = destination == null ? null : addressFields("recipient", "Recipient (optional)",
                "For envelopes, shipping labels and address labels; its postal code is the stamp's: " + destination + ".",
                toCountry, destination, posted, addError);
        return new Pages.RatesForm(s.csrf, hidden, "Prices for " + grams + " g from " + origin
                + (destination == null ? "" : " to " + destination), rows, pictures(user, posted),
                field("focus-x", "focusX", "From the left (%)", posted.getOrDefault("focusX", ""), "number", "0", "100",
                        "numeric", null, false, addError),
                field("focus-y", "focusY", "From the top (%)", posted.getOrDefault("focusY", ""), "number", "0", "100",
                        "numeric", null, false, null),
                sender, recipient, posted.getOrDefault("quantity", "1"), errorFor("quantity", addError),
                addError != null && !isShown(addError.field()) ? addError.getMessage() : null);
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

    /** The pictures to choose from: none, the catalogue's, the user's own uploads. */
    private List<Pages.Picture> pictures(User user, java.util.Map<String, String> posted) {
        String chosen = posted.getOrDefault("background", "");
        List<Pages.Picture> pictures = new ArrayList<>();
        pictures.add(new Pages.Picture("bg-none", "", chosen.isEmpty(), null, "No picture"));
        for (BackgroundImage img : app.postage().catalogue()) {
            String v = "catalogue:" + img.id();
            pictures.add(new Pages.Picture("bg-" + img.id(), v, v.equals(chosen), "/backgrounds/catalogue/" + img.id(),
                    img.title()));
        }
        for (Upload u : app.db().uploads().uploads(user.id())) {
            String v = "upload:" + u.id();
            pictures.add(new Pages.Picture("bg-upload-" + u.id(), v, v.equals(chosen), "/backgrounds/upload/" + u.id(),
                    "Yours: " + u.title()));
        }
        return pictures;
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
            throw new UserError(409, "The price sent with the form (" + org.openpostage.api.value.Money.of(shown,
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
        if (cart.isEmpty()) {
            ctx.html(app.page("cart.jte", "Cart", user, s, new Pages.Cart(s.csrf, query(s), List.of(), "", 0, 0, null,
                    "", "", false, false, List.of())));
            return;
        }
        String currency = cart.get(0).currency();
        long total = cart.stream().mapToLong(CartItem::price).sum();
        // Equal stamps (added together, or alike) are one line with their number.
        java.util.Map<CartItem, List<CartItem>> same = new java.util.LinkedHashMap<>();
        for (CartItem item : cart) {
            same.computeIfAbsent(item.sameAs(), k -> new ArrayList<>()).add(item);
        }
        List<Pages.CartLine> lines = new ArrayList<>();
        for (List<CartItem> line : same.values()) {
            CartItem item = line.get(0);
            int n = line.size();
            String recipient = item.recipient() == null ? null : String.join(", ", item.recipient()
                    .printedLines(item.sender() == null ? item.recipient().country() : item.sender().country()));
            lines.add(new Pages.CartLine(item.id(), item.mailClass().displayName(), n, item.grams() + " g from "
                    + item.origin() + (item.destination() == null ? "" : " to " + item.destination()) + ", mailed "
                    + item.dateOfMailing(), recipient, money(item.price() * n, item.currency()),
                    n > 1 ? money(item.price(), item.currency()) : null, line.stream().map(CartItem::id).toList()));
        }
        Pages.Cart page = new Pages.Cart(s.csrf, query(s), lines, money(total, currency), total, cart.size(),
                error == null ? null : error.getMessage(), s.openCheckout(),
                money(app.db().credit().balance(user.id()), currency), "credit".equals(posted.get("payment")),
                "on-request".equals(posted.get("print")), cardFields(false, posted, error));
        ctx.status(error == null ? 200 : 400);
        ctx.html(app.page("cart.jte", "Cart", user, s, page));
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
    static List<Pages.Input> cardFields(boolean required) {
        return cardFields(required, java.util.Map.of(), null);
    }

    /** The card fields, filled with {@code posted} values and showing {@code error} next to its field. */
    static List<Pages.Input> cardFields(boolean required, java.util.Map<String, String> posted, FieldError error) {
        return List.of(
                field("card-number", "cardNumber", "Card number", posted.getOrDefault("cardNumber", ""), null, null, null,
                        "numeric", "cc-number", required, error),
                field("card-expiry", "cardExpiry", "Expiry (MM/YY)", posted.getOrDefault("cardExpiry", ""), null, null,
                        null, null, "cc-exp", required, error),
                field("card-cvv", "cardCvv", "Security code", posted.getOrDefault("cardCvv", ""), null, null, null,
                        "numeric", "cc-csc", required, error),
                field("card-holder", "cardHolder", "Name on card", posted.getOrDefault("cardHolder", ""), null, null,
                        null, null, "cc-name", false, error));
    }

    /** An input with its label and, when {@code error} is about it, the message next to it ({@code input.jte}). */
    static Pages.Input field(String id, String name, String label, String value, String type, String min, String max,
                             String inputmode, String autocomplete, boolean required, FieldError error) {
        return new Pages.Input(id, name, label, value, type, min, max, inputmode, autocomplete, required,
                errorFor(id, error));
    }

    private static Pages.Hidden hidden(String name, Object value) {
        return new Pages.Hidden(name, value == null ? "" : value.toString());
    }

    /** An amount such as {@code USD 0.78}. */
    static String money(long minor, String currency) {
        return org.openpostage.api.value.Money.of(minor, currency).toString();
    }
}
