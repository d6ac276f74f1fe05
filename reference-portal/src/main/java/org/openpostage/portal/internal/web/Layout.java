package org.openpostage.portal.internal.web;

import static org.openpostage.portal.internal.web.Html.esc;

import org.openpostage.portal.PortalConfig;
import org.openpostage.portal.internal.store.User;

/** The frame of every page: header with the shop's name and navigation, flash message, footer. */
public final class Layout {
    private final PortalConfig config;

    /** @param config for the branding */
    public Layout(PortalConfig config) {
        this.config = config;
    }

    /** A whole page. {@code head} is extra markup for the head (scripts), may be empty. */
    public String page(String title, User user, Session session, String body, String head) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append(" · ").append(esc(config.name())).append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/portal.css\">\n")
                .append("<link rel=\"stylesheet\" href=\"/brand.css\">\n")
                .append("<script type=\"module\" src=\"/static/portal.js\"></script>\n")
                .append(head)
                .append("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
                .append("<header class=\"top\"><div class=\"wrap\"><a class=\"brand\" href=\"/\">")
                .append(esc(config.name())).append("</a>");
        if (user != null) {
            b.append("<nav aria-label=\"Main\"><a href=\"/\">Postage</a><a href=\"/cart\">Cart (")
                    .append(session.cart().size()).append(")</a><a href=\"/orders\">Orders</a><a href=\"/account\">Store credit</a>")
                    .append("<form method=\"post\" action=\"/logout\" class=\"inline\">").append(csrf(session))
                    .append("<button type=\"submit\" class=\"link\">Sign out ").append(esc(user.displayName()))
                    .append("</button></form></nav>");
        }
        b.append("</div></header>\n<main id=\"main\" class=\"wrap\">\n");
        String[] flash = session == null ? null : session.takeFlash();
        if (flash != null) {
            b.append("<p class=\"flash ").append(esc(flash[0])).append("\" role=\"")
                    .append("error".equals(flash[0]) ? "alert" : "status").append("\">").append(esc(flash[1])).append("</p>\n");
        }
        b.append(body).append("\n</main>\n<footer class=\"wrap\"><p>").append(esc(config.name()));
        if (!config.partner().isEmpty()) {
            b.append(" · partner account <code>").append(esc(config.partner())).append("</code>");
        }
        b.append(" · postage by the OpenPostage postal server over <code>")
                .append(esc(config.clientConfig().scheme())).append("</code></p></footer>\n</body>\n</html>\n");
        return b.toString();
    }

    /** The hidden CSRF field every form carries. */
    public static String csrf(Session session) {
        return "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(session.csrf) + "\">";
    }

    /** The brand stylesheet: the configured colour as a CSS variable (a file, so the CSP needs no inline style). */
    public String brandCss() {
        return ":root { --brand: " + config.colour() + "; }\n";
    }
}
