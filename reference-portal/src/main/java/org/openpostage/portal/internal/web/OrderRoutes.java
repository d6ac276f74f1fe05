package org.openpostage.portal.internal.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.MailClass;
import org.openpostage.portal.internal.shop.CartItem;
import org.openpostage.portal.internal.shop.Checkout;
import org.openpostage.portal.internal.shop.FieldError;
import org.openpostage.portal.internal.shop.Forms;
import org.openpostage.portal.internal.shop.Messages;
import org.openpostage.portal.internal.shop.TopUps;
import org.openpostage.portal.internal.shop.UserError;
import org.openpostage.portal.internal.store.CreditEntry;
import org.openpostage.portal.internal.store.Order;
import org.openpostage.portal.internal.store.OrderItem;
import org.openpostage.portal.internal.store.User;
import org.openpostage.render.AddressedStamp;
import org.openpostage.render.Background;
import org.openpostage.render.EnvelopeLayout;
import org.openpostage.render.SizeMm;
import org.openpostage.render.Stamp;

/** Checkout, order history, the print page, downloads, refunds and the store credit page. */
public final class OrderRoutes {
    /** How long opening a pending order waits for the postal server's answer. */
    private static final java.time.Duration AUTO_CONFIRM_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** Thermal label printers print at 203 dpi. */
    private static final int ZPL_DPI = 203;

    private final Services app;
    private final ShopRoutes shop;

    /** Wires the order pages. */
    public OrderRoutes(Services app) {
        this.app = app;
        this.shop = new ShopRoutes(app);
    }

    /** Registers the routes. */
    public void register(RoutesConfig r) {
        r.post("/checkout", this::checkout);
        r.get("/orders", this::orders);
        r.get("/orders/{order}", this::order);
        r.get("/orders/{order}/print", this::printPage);
        r.post("/orders/{order}/confirm", this::confirm);
        r.get("/orders/{order}/print-{page}.png", this::printImage);
        r.get("/orders/{order}/sheet.pdf", this::sheetPdf);
        r.get("/orders/{order}/items/{item}/stamp.png", ctx -> stamp(ctx, false));
        r.get("/orders/{order}/items/{item}/stamp.pdf", ctx -> stamp(ctx, true));
        r.get("/orders/{order}/items/{item}/stamp.zpl", this::stampZpl);
        r.get("/orders/{order}/items/{item}/envelope.pdf", ctx -> envelope(ctx, true));
        r.get("/orders/{order}/items/{item}/envelope.png", ctx -> envelope(ctx, false));
        r.get("/orders/{order}/items/{item}/label.pdf", ctx -> label(ctx, "pdf"));
        r.get("/orders/{order}/items/{item}/label.png", ctx -> label(ctx, "png"));
        r.get("/orders/{order}/items/{item}/label.zpl", ctx -> label(ctx, "zpl"));
        r.get("/orders/{order}/labels.zpl", this::labelsZpl);
        r.get("/orders/{order}/addresses.pdf", ctx -> addresses(ctx, true));
        r.get("/orders/{order}/addresses.png", ctx -> addresses(ctx, false));
        r.post("/orders/{order}/items/{item}/refund", this::refund);
        r.get("/account", this::account);
        r.post("/account/top-up", this::topUp);
        r.get("/print/openpostage-print-{version}.js", this::printScript);
    }

    private void checkout(Context ctx) {
        Session s = app.session(ctx);
        User user = app.user(ctx);
        String token = ctx.formParam("checkout");
        Long used = s.useCheckout(token);
        if (used != null) {
            String msg = used > 0 ? "This payment was already submitted as order " + used + "; it was not sent or"
                    + " charged again." : "This checkout form is no longer valid, so nothing was charged. Please open"
                    + " your cart and pay again.";
            throw new UserError(409, msg);
        }
        List<CartItem> cart = s.cart();
        String printMode = "on-request".equals(ctx.formParam("print")) ? "on-request" : "auto";
        CardPayment card;
        try {
            card = "credit".equals(ctx.formParam("payment")) ? null
                    : Forms.card(ctx.formParam("cardNumber"), ctx.formParam("cardExpiry"), ctx.formParam("cardCvv"),
                    ctx.formParam("cardHolder"));
        } catch (FieldError e) {
            java.util.Map<String, String> posted = new java.util.HashMap<>();
            for (String k : List.of("payment", "print", "cardNumber", "cardExpiry", "cardCvv", "cardHolder")) {
                if (ctx.formParam(k) != null) {
                    posted.put(k, ctx.formParam(k));
                }
            }
            shop.cartPage(ctx, e, posted);
            return;
        }
        long shownTotal;
        try {
            shownTotal = Long.parseLong(String.valueOf(ctx.formParam("total")).strip());
        } catch (NumberFormatException e) {
            throw new UserError(409, "The form did not say which total you saw; nothing was charged. Please pay again"
                    + " from your cart.");
        }
        Order order = app.checkout().placeOrder(user, cart, card, printMode, shownTotal);
        s.checkoutDone(token, order.id());
        if (order.pending()) {
            cart.forEach(c -> s.remove(c.id())); // they are in the order now: paying for them again would buy them twice
            s.flash("error", "Your order was sent, but the postal service has not answered yet.");
            ctx.redirect("/orders/" + order.id(), HttpStatus.SEE_OTHER);
            return;
        }
        if (order.printable().isEmpty()) {
            s.flash("error", order.message() == null ? "No stamp could be issued." : order.message());
            ctx.redirect("/cart", HttpStatus.SEE_OTHER);
            return;
        }
        cart.forEach(c -> s.remove(c.id()));
        s.flash("PARTIAL".equals(order.status()) ? "error" : "ok", "PARTIAL".equals(order.status())
                ? "Some stamps could not be issued: " + order.message()
                : "Thank you! Your " + (order.items().size() == 1 ? "stamp is" : order.items().size() + " stamps are") + " ready.");
        ctx.redirect("/orders/" + order.id() + "/print", HttpStatus.SEE_OTHER);
    }

    private Order ownOrder(Context ctx) {
        User user = app.user(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("order"));
        } catch (NumberFormatException e) {
            throw new UserError(404, "\"" + ctx.pathParam("order") + "\" is not an order number.");
        }
        return app.db().orders().order(user.id(), id).orElseThrow(() -> Checkout.notYours(id));
    }

    private OrderItem ownItem(Context ctx, Order order) {
        try {
            long id = Long.parseLong(ctx.pathParam("item"));
            return order.item(id).orElseThrow(() -> new UserError(404, "Order " + order.id() + " has no stamp " + id + "."));
        } catch (NumberFormatException e) {
            throw new UserError(404, "\"" + ctx.pathParam("item") + "\" is not a stamp number.");
        }
    }

    private void orders(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        List<Order> all = app.db().orders().orders(user.id());
        // An attempt that charged nothing (a declined card, a price that changed) is not an order of 0.00.
        List<Order> orders = all.stream().filter(o -> !"FAILED".equals(o.status())).toList();
        List<Order> attempts = all.stream().filter(o -> "FAILED".equals(o.status())).toList();
        List<Pages.OrderRow> rows = new ArrayList<>();
        for (Order o : orders) {
            long refunded = o.items().stream().filter(OrderItem::refunded).count();
            long back = o.items().stream().filter(OrderItem::refunded).mapToLong(OrderItem::price).sum();
            rows.add(new Pages.OrderRow(o.id(), placed(o), o.items().size() + (refunded > 0 ? ", " + refunded + " refunded"
                    : ""), ShopRoutes.money(o.charged(), o.currency()), payment(o),
                    refunded > 0 ? ShopRoutes.money(back, o.currency()) : null, status(o)));
        }
        List<Pages.Attempt> failed = new ArrayList<>();
        for (Order o : attempts) {
            String why = o.message() != null && o.message().startsWith("Your card was declined")
                    ? "Declined, nothing charged" : "Not issued, nothing charged";
            failed.add(new Pages.Attempt(o.id(), placed(o), o.items().size() + (o.items().size() == 1 ? " stamp"
                    : " stamps"), payment(o), why));
        }
        ctx.html(app.page("orders.jte", "Orders", user, s, new Pages.Orders(rows, failed)));
    }

    /** When the order was placed, to the minute (UTC). */
    private static String placed(Order o) {
        return o.createdAt().toString().substring(0, 16).replace('T', ' ');
    }

    private void order(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        Order o = ownOrder(ctx);
        if (o.pending() && o.byCredit() && Checkout.canConfirm(o)) {
            o = app.checkout().confirm(user, o.id(), null, AUTO_CONFIRM_TIMEOUT); // safe to repeat: same batch, same key
        }
        Pages.Pending pending = null;
        if (o.pending()) {
            pending = new Pages.Pending(Messages.pending(o), Checkout.canConfirm(o),
                    o.byCredit() ? List.of() : ShopRoutes.cardFields(true));
        }
        List<Pages.OrderLine> items = new ArrayList<>();
        for (OrderItem i : o.items()) {
            items.add(new Pages.OrderLine(i.id(), "/orders/" + o.id() + "/items/" + i.id(),
                    MailClass.valueOf(i.mailClass()).displayName(), i.grams() + " g, "
                    + ShopRoutes.money(i.price(), o.currency()), itemStatus(i), i.message(), i.issued(),
                    i.issued() && i.recipient() != null ? String.join(", ", i.recipient().printedLines(fromCountry(i)))
                            : null));
        }
        Pages.OrderPage page = new Pages.OrderPage(o.id(), placed(o), payment(o), status(o), pending,
                o.pending() ? null : o.message(), o.printable().isEmpty() ? null : printOptions(ctx, o), items, s.csrf);
        ctx.html(app.page("order.jte", "Order " + o.id(), user, s, page));
    }

    private void confirm(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        Order o = ownOrder(ctx);
        CardPayment card = o.byCredit() || !o.pending() ? null : Forms.card(ctx.formParam("cardNumber"),
                ctx.formParam("cardExpiry"), ctx.formParam("cardCvv"), ctx.formParam("cardHolder"));
        Order now = app.checkout().confirm(user, o.id(), card, null);
        if (now.pending()) {
            s.flash("error", "The postal service has not answered yet.");
        } else {
            int n = now.printable().size();
            s.flash(now.message() == null ? "ok" : "error", "Order " + now.id() + " is confirmed: " + n
                    + (n == 1 ? " stamp" : " stamps") + " issued." + (now.message() == null ? "" : " " + now.message()));
        }
        ctx.redirect("/orders/" + o.id(), HttpStatus.SEE_OTHER);
    }

    private void printPage(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        Order o = ownOrder(ctx);
        if (o.printable().isEmpty()) {
            throw new UserError(409, "Order " + o.id() + " has no stamps to print.");
        }
        String mode = ctx.queryParam("mode") == null ? o.printMode() : ctx.queryParam("mode");
        if (!mode.equals("auto") && !mode.equals("on-request")) {
            throw UserError.invalid("Printing is either \"auto\" or \"on-request\".");
        }
        String paper = paper(ctx);
        int first = firstLabel(ctx, paper);
        SizeMm size = printSize(o, paper);
        PrintComponent component = app.postage().printComponent();
        int n = o.printable().size();
        int pages = pages(o, paper, first);
        String sheet = paper.equals("letter") ? "US Letter" : "A4";
        boolean usual = paper.equals(app.config().paper()) && first == 0;
        String summary = "Order " + o.id() + ": " + n + (n == 1 ? " stamp" : " stamps")
                + (n == 1 ? "" : (pages == 1 ? (paper.equals("a4") ? " on an " : " on a ") + sheet + " label sheet"
                : " on " + pages + " " + sheet + " label sheets") + (first > 0 ? ", from label " + (first + 1) : "")) + ".";
        List<Pages.Image> images = new ArrayList<>();
        for (int page = 1; page <= pages; page++) {
            images.add(new Pages.Image("/orders/" + o.id() + "/print-" + page + ".png"
                    + (usual ? "" : "?paper=" + paper + "&first=" + (first + 1)),
                    n == 1 ? "Your stamp" : "Label sheet " + page + " of " + pages));
        }
        String other = mode.equals("auto") ? "on-request" : "auto";
        ctx.html(app.page("print.jte", "Print", user, s, new Pages.Print(summary, mm(size.widthMm()), mm(size.heightMm()),
                mode, images, o.id(), "/orders/" + o.id() + "/print?mode=" + other + "&paper=" + paper + "&first="
                + (first + 1), "/print/openpostage-print-" + component.version() + ".js", component.integrity())));
    }

    /** A millimetre value as JavaScript prints the same number: {@code 63}, {@code 215.9}. */
    static String mm(double mm) {
        return java.math.BigDecimal.valueOf(mm).stripTrailingZeros().toPlainString();
    }

    /** How many pages the print page prints: one stamp, or as many label sheets as the stamps fill. */
    private int pages(Order o, String paper, int first) {
        int n = o.printable().size();
        return n == 1 ? 1 : app.postage().sheetCount(n, paper, first);
    }

    private SizeMm printSize(Order o, String paper) {
        List<OrderItem> items = o.printable();
        if (items.size() == 1) {
            return app.postage().stampSize(items.get(0).background() != null);
        }
        return app.postage().sheets(paper).layout().pageSize();
    }

    /** The paper of the request ({@code ?paper=letter|a4}), else the shop's. */
    private String paper(Context ctx) {
        String p = ctx.queryParam("paper");
        if (p == null || p.isBlank()) {
            return app.config().paper();
        }
        if (!p.equals("letter") && !p.equals("a4")) {
            throw UserError.invalid("The paper is either \"letter\" (US Letter) or \"a4\".");
        }
        return p;
    }

    /** The first free label of the request ({@code ?first=}, from 1), from 0; 0 when not given. */
    private int firstLabel(Context ctx, String paper) {
        return firstLabel(ctx, app.postage().sheets(paper).layout().capacity());
    }

    private static int firstLabel(Context ctx, int capacity) {
        String v = ctx.queryParam("first");
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            int first = Integer.parseInt(v.strip());
            if (first >= 1 && first <= capacity) {
                return first - 1;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw UserError.invalid("The first label must be a number from 1 to " + capacity + " (the labels of one sheet).");
    }

    /** The country a stamp is mailed from: its sender's, else its recipient's, else the shop's. */
    private String fromCountry(OrderItem i) {
        return i.sender() != null ? i.sender().country() : i.recipient() != null ? i.recipient().country()
                : app.config().country();
    }

    private Pages.PrintOptions printOptions(Context ctx, Order o) {
        String paper = paper(ctx);
        int first = firstLabel(ctx, paper);
        EnvelopeLayout envelope = envelope(ctx);
        List<Pages.StampDownloads> stamps = new ArrayList<>();
        for (OrderItem i : o.printable()) {
            stamps.add(new Pages.StampDownloads(i.id(), "/orders/" + o.id() + "/items/" + i.id(),
                    "Stamp " + i.id() + " (" + MailClass.valueOf(i.mailClass()).displayName() + ")", i.recipient() != null));
        }
        boolean addressed = stamps.stream().anyMatch(Pages.StampDownloads::addressed);
        List<Pages.Option> envelopes = EnvelopeLayout.presets().stream().map(e -> new Pages.Option(
                e.name().replace("#", ""), e.name() + " (" + e.size() + ")")).toList();
        return new Pages.PrintOptions(o.id(), paper, List.of(new Pages.Option("letter", "US Letter (stamps 14, addresses 30 a sheet)"),
                new Pages.Option("a4", "A4 (stamps 16, addresses 21 a sheet)")),
                app.postage().sheets(paper).layout().capacity(), app.postage().addressSheets(paper).layout().capacity(),
                first + 1, envelopes, envelope.name().replace("#", ""), stamps, addressed);
    }

    /** The envelope of the request ({@code ?envelope=DL}), else the shop's usual one: #10 in the US and Canada, DL elsewhere. */
    private EnvelopeLayout envelope(Context ctx) {
        String e = ctx.queryParam("envelope");
        if (e == null || e.isBlank()) {
            return app.config().paper().equals("letter") ? EnvelopeLayout.NUMBER_10 : EnvelopeLayout.DL;
        }
        try {
            return EnvelopeLayout.named(e);
        } catch (org.openpostage.api.error.InvalidRequestException ex) {
            throw UserError.invalid("There is no envelope \"" + e + "\": choose #10, DL, C6 or C5.");
        }
    }

    private Stamp stamp(User user, OrderItem i) {
        return Stamp.of(IndiciumCodec.decode(i.indicium()), app.background(i.background(), i.frame(), user.id()));
    }

    private OrderItem addressedItem(Context ctx, Order o) {
        OrderItem i = ownItem(ctx, o);
        if (!i.issued()) {
            throw new UserError(404, "Stamp " + i.id() + " is " + itemStatus(i).toLowerCase(java.util.Locale.ROOT)
                    + ": there is nothing to print.");
        }
        if (i.recipient() == null) {
            throw new UserError(404, "Stamp " + i.id() + " has no recipient's address to print; add one when buying.");
        }
        return i;
    }

    private void stampZpl(Context ctx) {
        Order o = ownOrder(ctx);
        OrderItem i = ownItem(ctx, o);
        if (!i.issued()) {
            throw new UserError(404, "Stamp " + i.id() + " is " + itemStatus(i).toLowerCase(java.util.Locale.ROOT)
                    + ": there is nothing to download.");
        }
        zpl(ctx, "stamp-" + o.id() + "-" + i.id() + ".zpl", app.postage().zpl(i.indicium(), ZPL_DPI));
    }

    private void envelope(Context ctx, boolean pdf) {
        User user = app.user(ctx);
        Order o = ownOrder(ctx);
        OrderItem i = addressedItem(ctx, o);
        EnvelopeLayout layout = envelope(ctx);
        AddressedStamp piece = new AddressedStamp(stamp(user, i), i.sender(), i.recipient());
        try {
            if (pdf) {
                ctx.header("Content-Disposition", "attachment; filename=\"envelope-" + layout.name().replace("#", "")
                        + "-" + o.id() + "-" + i.id() + ".pdf\"").contentType("application/pdf")
                        .result(app.postage().envelopes(layout).pdf(List.of(piece)).content().toArray());
            } else {
                ctx.contentType("image/png").result(app.postage().envelopes(layout).png(piece, 150).content().toArray());
            }
        } catch (org.openpostage.api.error.InvalidRequestException e) {
            throw new UserError(409, "This stamp does not fit a " + layout.name() + " envelope's postage area: a stamp"
                    + " with a picture needs a #10 envelope or a shipping label.");
        }
    }

    private void label(Context ctx, String format) {
        User user = app.user(ctx);
        Order o = ownOrder(ctx);
        OrderItem i = addressedItem(ctx, o);
        AddressedStamp piece = new AddressedStamp(stamp(user, i), i.sender(), i.recipient());
        String name = "label-" + o.id() + "-" + i.id();
        switch (format) {
            case "pdf" -> ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".pdf\"")
                    .contentType("application/pdf").result(app.postage().labels(300).pdf(List.of(piece)).content().toArray());
            case "png" -> ctx.contentType("image/png").result(app.postage().labels(203).png(piece).content().toArray());
            default -> zpl(ctx, name + ".zpl", app.postage().labels(ZPL_DPI).zpl(List.of(piece)));
        }
    }

    private void labelsZpl(Context ctx) {
        User user = app.user(ctx);
        Order o = ownOrder(ctx);
        List<AddressedStamp> pieces = o.printable().stream().filter(i -> i.recipient() != null)
                .map(i -> new AddressedStamp(stamp(user, i), i.sender(), i.recipient())).toList();
        if (pieces.isEmpty()) {
            throw new UserError(404, "Order " + o.id() + " has no addressed stamps to print labels for.");
        }
        zpl(ctx, "labels-" + o.id() + ".zpl", app.postage().labels(ZPL_DPI).zpl(pieces));
    }

    private void addresses(Context ctx, boolean pdf) {
        Order o = ownOrder(ctx);
        String paper = paper(ctx);
        var sheets = app.postage().addressSheets(paper);
        int first = firstLabel(ctx, sheets.layout().capacity());
        List<org.openpostage.api.model.Address> addresses = o.printable().stream().map(OrderItem::recipient)
                .filter(java.util.Objects::nonNull).toList();
        if (addresses.isEmpty()) {
            throw new UserError(404, "Order " + o.id() + " has no recipients' addresses to print.");
        }
        String from = fromCountry(o.printable().stream().filter(i -> i.recipient() != null).findFirst().orElseThrow());
        if (pdf) {
            ctx.header("Content-Disposition", "attachment; filename=\"addresses-" + o.id() + ".pdf\"")
                    .contentType("application/pdf").result(sheets.pdf(addresses, from, first).content().toArray());
        } else {
            ctx.contentType("image/png").result(sheets.png(addresses, from, first, 150).get(0).content().toArray());
        }
    }

    private static void zpl(Context ctx, String filename, String zpl) {
        ctx.header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                .contentType("application/zpl; charset=us-ascii").result(zpl);
    }

    private List<Stamp> stamps(User user, Order o) {
        List<Stamp> stamps = new ArrayList<>();
        for (OrderItem i : o.printable()) {
            stamps.add(stamp(user, i));
        }
        return stamps;
    }

    private void printImage(Context ctx) {
        User user = app.user(ctx);
        Order o = ownOrder(ctx);
        List<OrderItem> items = o.printable();
        int page;
        try {
            page = Integer.parseInt(ctx.pathParam("page"));
        } catch (NumberFormatException e) {
            page = 0;
        }
        String paper = paper(ctx);
        int first = firstLabel(ctx, paper);
        if (items.isEmpty() || page < 1 || page > pages(o, paper, first)) {
            throw new UserError(404, "Order " + o.id() + " has no page " + ctx.pathParam("page") + " to print.");
        }
        byte[] png = items.size() == 1 ? stampPng(user, items.get(0))
                : app.postage().sheetPng(stamps(user, o), page, paper, first).content().toArray();
        ctx.contentType("image/png").result(png);
    }

    private byte[] stampPng(User user, OrderItem i) {
        if (i.image() != null) {
            return i.image();
        }
        Background bg = app.background(i.background(), i.frame(), user.id());
        return app.postage().png(i.indicium(), bg).content().toArray();
    }

    private void sheetPdf(Context ctx) {
        User user = app.user(ctx);
        Order o = ownOrder(ctx);
        if (o.printable().isEmpty()) {
            throw new UserError(404, "Order " + o.id() + " has no stamps to print.");
        }
        String paper = paper(ctx);
        RenderedImage pdf = app.postage().sheetPdf(stamps(user, o), paper, firstLabel(ctx, paper));
        ctx.header("Content-Disposition", "attachment; filename=\"order-" + o.id() + "-labels.pdf\"")
                .contentType("application/pdf").result(pdf.content().toArray());
    }

    private void stamp(Context ctx, boolean pdf) {
        User user = app.user(ctx);
        Order o = ownOrder(ctx);
        OrderItem i = ownItem(ctx, o);
        if (!i.issued()) {
            throw new UserError(404, "Stamp " + i.id() + " is " + itemStatus(i).toLowerCase(java.util.Locale.ROOT) + ": there is nothing to download.");
        }
        String name = "stamp-" + o.id() + "-" + i.id();
        if (pdf) {
            Background bg = app.background(i.background(), i.frame(), user.id());
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".pdf\"").contentType("application/pdf")
                    .result(app.postage().pdf(i.indicium(), bg).content().toArray());
        } else {
            ctx.header("Content-Disposition", "inline; filename=\"" + name + ".png\"").contentType("image/png")
                    .result(stampPng(user, i));
        }
    }

    private void refund(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        long orderId;
        long itemId;
        try {
            orderId = Long.parseLong(ctx.pathParam("order"));
            itemId = Long.parseLong(ctx.pathParam("item"));
        } catch (NumberFormatException e) {
            throw new UserError(404, "There is no such stamp.");
        }
        if (!"yes".equals(ctx.formParam("confirm"))) {
            // Ask first: a refunded stamp is no longer postage.
            Order o = app.db().orders().order(user.id(), orderId).orElseThrow(() -> Checkout.notYours(orderId));
            OrderItem i = o.item(itemId).orElseThrow(() -> new UserError(404, "Order " + orderId + " has no stamp "
                    + itemId + "."));
            if (!i.issued()) {
                throw new UserError(409, "Only an issued, unused stamp can be refunded; this one is "
                        + itemStatus(i).toLowerCase(java.util.Locale.ROOT) + ".");
            }
            String amount = org.openpostage.api.value.Money.of(i.price(), o.currency()).toString();
            Pages.RefundConfirm page = new Pages.RefundConfirm(
                    "Stamp " + i.id() + " of order " + o.id() + ": " + MailClass.valueOf(i.mailClass()).displayName()
                            + ", " + i.grams() + " g, mailed " + i.dateOfMailing() + ".",
                    (o.byCredit() ? amount + " goes back to your store credit" : amount + " goes back to your card ("
                            + o.cardLabel() + ")") + ". The stamp stops being valid postage at once: do not use it"
                            + " on mail afterwards.", amount, "/orders/" + o.id() + "/items/" + i.id() + "/refund",
                    s.csrf, "/orders/" + o.id());
            ctx.html(app.page("refund.jte", "Refund", user, s, page));
            return;
        }
        s.flash("ok", app.checkout().refund(user, orderId, itemId));
        ctx.redirect("/orders/" + orderId, HttpStatus.SEE_OTHER);
    }

    private void account(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        List<CreditEntry> journal = app.db().credit().creditJournal(user.id());
        String currency = journal.isEmpty() ? "USD" : journal.get(0).currency();
        List<Pages.CreditLine> entries = journal.stream().map(e -> new Pages.CreditLine(
                e.createdAt().toString().substring(0, 16).replace('T', ' '), e.reason(), e.orderId(),
                ShopRoutes.money(e.amount(), e.currency()))).toList();
        ctx.html(app.page("account.jte", "Store credit", user, s, new Pages.Account(
                ShopRoutes.money(app.db().credit().balance(user.id()), currency), entries, null,
                topUpForm(s, currency, "", java.util.Map.of(), null))));
    }

    private static Pages.TopUp topUpForm(Session s, String currency, String amount, java.util.Map<String, String> posted,
                                         FieldError error) {
        List<Pages.Field> card = List.of(
                cardField("card-number", "cardNumber", "Card number", "cc-number", posted, error),
                cardField("card-expiry", "cardExpiry", "Expiry (MM/YY)", "cc-exp", posted, error),
                cardField("card-cvv", "cardCvv", "Security code", "cc-csc", posted, error),
                cardField("card-holder", "cardHolder", "Name on card", "cc-name", posted, error));
        return new Pages.TopUp(s.csrf, currency, amount, card,
                error != null && error.field().equals("amount") ? error.getMessage() : null);
    }

    private static Pages.Field cardField(String id, String name, String label, String autocomplete,
                                         java.util.Map<String, String> posted, FieldError error) {
        return new Pages.Field(id, name, label, posted.getOrDefault(name, ""), autocomplete, false, List.of(),
                error != null && error.field().equals(id) ? error.getMessage() : null);
    }

    private void topUp(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        List<CreditEntry> journal = app.db().credit().creditJournal(user.id());
        String currency = journal.isEmpty() ? "USD" : journal.get(0).currency();
        String amountText = ctx.formParam("amount") == null ? "" : ctx.formParam("amount");
        try {
            long amount = TopUps.amount(amountText, currency);
            CardPayment card = Forms.card(ctx.formParam("cardNumber"), ctx.formParam("cardExpiry"),
                    ctx.formParam("cardCvv"), ctx.formParam("cardHolder"));
            s.flash("ok", app.topUps().topUp(user.id(), amount, currency, card));
            ctx.redirect("/account", HttpStatus.SEE_OTHER);
        } catch (FieldError e) {
            java.util.Map<String, String> posted = new java.util.HashMap<>();
            for (String k : List.of("cardNumber", "cardExpiry", "cardCvv", "cardHolder")) {
                if (ctx.formParam(k) != null) {
                    posted.put(k, ctx.formParam(k));
                }
            }
            ctx.status(400).html(app.page("account.jte", "Store credit", user, s, new Pages.Account(null, List.of(),
                    e.getMessage(), topUpForm(s, currency, amountText, posted, e))));
        }
    }

    private void printScript(Context ctx) {
        PrintComponent c = app.postage().printComponent();
        if (!c.version().equals(ctx.pathParam("version"))) {
            throw new UserError(404, "This print component version is not available.");
        }
        ctx.header("Cache-Control", "public, max-age=86400").contentType("text/javascript; charset=utf-8")
                .result(c.script().toArray());
    }

    private static String payment(Order o) {
        return "CARD".equals(o.paymentKind()) ? "card (" + o.cardLabel() + ")" : "store credit";
    }

    private static String status(Order o) {
        return switch (o.status()) {
            case "COMPLETED" -> "Complete";
            case "PARTIAL" -> "Partly issued";
            case "FAILED" -> "Failed";
            default -> "Confirming with the postal service";
        };
    }

    private static String itemStatus(OrderItem i) {
        return switch (i.status()) {
            case "ISSUED" -> "Issued";
            case "REFUNDED" -> "Refunded";
            case "FAILED" -> "Not issued";
            default -> "Confirming";
        };
    }
}
