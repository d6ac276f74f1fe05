package org.openpostage.portal.internal.web;

import static org.openpostage.portal.internal.web.Html.esc;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailClass;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.portal.internal.shop.CartItem;
import org.openpostage.portal.internal.shop.Checkout;
import org.openpostage.portal.internal.shop.Forms;
import org.openpostage.portal.internal.shop.Messages;
import org.openpostage.portal.internal.shop.UserError;
import org.openpostage.portal.internal.store.CreditEntry;
import org.openpostage.portal.internal.store.Order;
import org.openpostage.portal.internal.store.OrderItem;
import org.openpostage.portal.internal.store.User;
import org.openpostage.portal.internal.shop.FieldError;
import org.openpostage.portal.internal.shop.TopUps;
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
        StringBuilder b = new StringBuilder("<h1>Your orders</h1>\n");
        if (orders.isEmpty()) {
            b.append("<p id=\"no-orders\">You have no orders yet.</p>");
        } else {
            b.append("<table class=\"orders stack\"><thead><tr><th scope=\"col\">Order</th><th scope=\"col\">Placed</th>"
                    + "<th scope=\"col\">Stamps</th><th scope=\"col\">Paid</th><th scope=\"col\">Status</th></tr></thead><tbody>");
            for (Order o : orders) {
                long refunded = o.items().stream().filter(OrderItem::refunded).count();
                long back = o.items().stream().filter(OrderItem::refunded).mapToLong(OrderItem::price).sum();
                b.append("<tr><td data-label=\"Order\"><a href=\"/orders/").append(o.id()).append("\">Order ").append(o.id())
                        .append("</a></td><td data-label=\"Placed\">")
                        .append(esc(o.createdAt().toString().substring(0, 16).replace('T', ' '))).append(" UTC</td><td data-label=\"Stamps\">")
                        .append(o.items().size()).append(refunded > 0 ? ", " + refunded + " refunded" : "")
                        .append("</td><td data-label=\"Paid\">").append(Html.money(o.charged(), o.currency()))
                        .append(" by ").append(esc(payment(o)))
                        .append(refunded > 0 ? "<br><span class=\"muted\">" + Html.money(back, o.currency()) + " refunded</span>" : "")
                        .append("</td><td data-label=\"Status\">").append(esc(status(o))).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        if (!attempts.isEmpty()) {
            b.append("<h2>Attempts that did not go through</h2><ul class=\"attempts\" id=\"attempts\">");
            for (Order o : attempts) {
                String why = o.message() != null && o.message().startsWith("Your card was declined")
                        ? "Declined, nothing charged" : "Not issued, nothing charged";
                b.append("<li><a href=\"/orders/").append(o.id()).append("\">")
                        .append(esc(o.createdAt().toString().substring(0, 16).replace('T', ' '))).append(" UTC</a>: ")
                        .append(o.items().size()).append(o.items().size() == 1 ? " stamp" : " stamps").append(" by ")
                        .append(esc(payment(o))).append(". ").append(esc(why)).append(".</li>");
            }
            b.append("</ul>");
        }
        ctx.html(app.page("Orders", user, s, b.toString(), ""));
    }

    private void order(Context ctx) {
        User user = app.user(ctx);
        Session s = app.session(ctx);
        Order o = ownOrder(ctx);
        if (o.pending() && o.byCredit() && Checkout.canConfirm(o)) {
            o = app.checkout().confirm(user, o.id(), null, AUTO_CONFIRM_TIMEOUT); // safe to repeat: same batch, same key
        }
        StringBuilder b = new StringBuilder("<h1>Order ").append(o.id()).append("</h1>\n<p>Placed ")
                .append(esc(o.createdAt().toString().substring(0, 16).replace('T', ' '))).append(" UTC, paid by ")
                .append(esc(payment(o))).append(". Status: <strong id=\"order-status\">").append(esc(status(o)))
                .append("</strong>.</p>\n");
        if (o.pending()) {
            b.append(pendingBox(s, o));
        } else if (o.message() != null) {
            b.append("<p class=\"flash error\" role=\"alert\">").append(esc(o.message())).append("</p>");
        }
        if (!o.printable().isEmpty()) {
            b.append(Templates.render("order-print.jte", printOptions(ctx, o)));
        }
        b.append("<ol class=\"cart\">");
        for (OrderItem i : o.items()) {
            b.append("<li class=\"cart-item\" id=\"item-").append(i.id()).append("\">");
            if (i.issued()) {
                b.append("<img class=\"preview\" src=\"/orders/").append(o.id()).append("/items/").append(i.id())
                        .append("/stamp.png\" alt=\"Your ").append(esc(MailClass.valueOf(i.mailClass()).displayName()))
                        .append(" stamp\">");
            }
            b.append("<div><strong>").append(esc(MailClass.valueOf(i.mailClass()).displayName())).append("</strong>, ")
                    .append(i.grams()).append(" g, ").append(Html.money(i.price(), o.currency())).append(" — <span class=\"status\">")
                    .append(esc(itemStatus(i))).append("</span>");
            if (i.message() != null) {
                b.append("<br><span class=\"error-text\">").append(esc(i.message())).append("</span>");
            }
            if (i.issued()) {
                String base = "/orders/" + o.id() + "/items/" + i.id();
                if (i.recipient() != null) {
                    b.append("<br><span class=\"muted\">To ").append(esc(String.join(", ", i.recipient()
                            .printedLines(fromCountry(i))))).append("</span>");
                }
                b.append("<br><a href=\"").append(base).append("/stamp.png\" download>PNG</a> · <a href=\"").append(base)
                        .append("/stamp.pdf\" download>PDF</a> · <a href=\"").append(base)
                        .append("/stamp.zpl\" download>ZPL</a> · ")
                        .append("<form method=\"post\" action=\"").append(base).append("/refund\" class=\"inline\">")
                        .append(Layout.csrf(s)).append("<button type=\"submit\" class=\"link refund\">Refund this unused stamp</button></form>");
            }
            b.append("</div></li>");
        }
        b.append("</ol>");
        ctx.html(app.page("Order " + o.id(), user, s, b.toString(), ""));
    }

    /** What a pending order says, with the CSRF-protected "Check again" form (and the card fields for a card order). */
    private static String pendingBox(Session s, Order o) {
        StringBuilder b = new StringBuilder("<div class=\"card\" id=\"pending\"><p role=\"status\">")
                .append(esc(Messages.pending(o))).append("</p>");
        if (!Checkout.canConfirm(o)) {
            return b.append("<p>We could not confirm it within a day; please contact us quoting order ").append(o.id())
                    .append(".</p></div>").toString();
        }
        b.append("<form method=\"post\" action=\"/orders/").append(o.id()).append("/confirm\" id=\"confirm-form\">")
                .append(Layout.csrf(s));
        if (!o.byCredit()) {
            b.append("<fieldset><legend>The card you paid with</legend>").append(ShopRoutes.cardFields(true)).append("</fieldset>");
        }
        return b.append("<button type=\"submit\" id=\"check-again\">Check again</button></form></div>").toString();
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
        String w = Html.mm(size.widthMm());
        String h = Html.mm(size.heightMm());
        PrintComponent component = app.postage().printComponent();
        String head = "<script type=\"module\" src=\"/print/openpostage-print-" + esc(component.version()) + ".js\""
                + " integrity=\"" + esc(component.integrity()) + "\" crossorigin=\"anonymous\"></script>\n"
                + "<script type=\"module\" src=\"/static/print-page.js\"></script>\n";
        int n = o.printable().size();
        int pages = pages(o, paper, first);
        String sheet = paper.equals("letter") ? "US Letter" : "A4";
        boolean usual = paper.equals(app.config().paper()) && first == 0;
        StringBuilder b = new StringBuilder("<h1>Print your stamps</h1>\n");
        b.append("<p>Order ").append(o.id()).append(": ").append(n).append(n == 1 ? " stamp" : " stamps")
                .append(n == 1 ? "" : (pages == 1 ? (paper.equals("a4") ? " on an " : " on a ") + sheet + " label sheet"
                        : " on " + pages + " " + sheet
                        + " label sheets") + (first > 0 ? ", from label " + (first + 1) : ""))
                .append(". Print at 100 % (actual size), without margins.</p>");
        b.append("<div id=\"print-area\" data-width-mm=\"").append(w).append("\" data-height-mm=\"").append(h)
                .append("\" data-mode=\"").append(esc(mode)).append("\">");
        for (int page = 1; page <= pages; page++) {
            b.append("<img class=\"print-preview\" src=\"/orders/").append(o.id()).append("/print-").append(page)
                    .append(".png").append(usual ? "" : "?paper=" + paper + "&amp;first=" + (first + 1)).append("\" alt=\"").append(n == 1 ? "Your stamp" : "Label sheet " + page + " of " + pages).append("\">");
        }
        b.append("</div>");
        b.append("<p class=\"actions\"><button type=\"button\" id=\"print-button\">Print")
                .append(mode.equals("auto") ? " again" : "").append("</button> <span id=\"print-status\" role=\"status\">")
                .append(mode.equals("auto") ? "Opening the print dialog…" : "Ready to print.").append("</span></p>");
        b.append("<p><a href=\"/orders/").append(o.id()).append("\">Order details and downloads</a> · <a href=\"/orders/")
                .append(o.id()).append("/print?mode=").append(mode.equals("auto") ? "on-request" : "auto")
                .append("&amp;paper=").append(paper).append("&amp;first=").append(first + 1).append("\">")
                .append(mode.equals("auto") ? "Print only when I click" : "Print at once").append("</a></p>");
        ctx.html(app.page("Print", user, s, b.toString(), head));
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
        } catch (org.openpostage.api.InvalidRequestException ex) {
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
        } catch (org.openpostage.api.InvalidRequestException e) {
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
            String amount = org.openpostage.api.model.Money.of(i.price(), o.currency()).toString();
            String body = Templates.render("refund-confirm.jte", new Pages.RefundConfirm(
                    "Stamp " + i.id() + " of order " + o.id() + ": " + MailClass.valueOf(i.mailClass()).displayName()
                            + ", " + i.grams() + " g, mailed " + i.dateOfMailing() + ".",
                    (o.byCredit() ? amount + " goes back to your store credit" : amount + " goes back to your card ("
                            + o.cardLabel() + ")") + ". The stamp stops being valid postage at once: do not use it"
                            + " on mail afterwards.", amount, "/orders/" + o.id() + "/items/" + i.id() + "/refund",
                    s.csrf, "/orders/" + o.id()));
            ctx.html(app.page("Refund", user, s, body, ""));
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
        StringBuilder b = new StringBuilder("<h1>Store credit</h1>\n<p>You have <strong id=\"balance\">")
                .append(Html.money(app.db().credit().balance(user.id()), currency)).append("</strong> to spend in this shop.</p>\n")
                .append("<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">What</th><th scope=\"col\">Amount</th>")
                .append("</tr></thead><tbody>");
        for (CreditEntry e : journal) {
            b.append("<tr><td>").append(esc(e.createdAt().toString().substring(0, 16).replace('T', ' '))).append(" UTC</td><td>")
                    .append(e.orderId() == null ? esc(e.reason())
                            : "<a href=\"/orders/" + e.orderId() + "\">" + esc(e.reason()) + "</a>")
                    .append("</td><td class=\"num\">").append(Html.money(e.amount(), e.currency())).append("</td></tr>");
        }
        b.append("</tbody></table>");
        b.append(Templates.render("top-up.jte", topUpForm(s, currency, "", java.util.Map.of(), null)));
        ctx.html(app.page("Store credit", user, s, b.toString(), ""));
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
            String body = "<h1>Store credit</h1>\n<p class=\"flash error\" role=\"alert\">Nothing was charged. "
                    + esc(e.getMessage()) + "</p>" + Templates.render("top-up.jte", topUpForm(s, currency, amountText, posted, e));
            ctx.status(400).html(app.page("Store credit", user, s, body, ""));
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
