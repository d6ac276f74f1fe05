package org.openpostage.portal.internal.web;

import java.util.Map;
import org.openpostage.portal.config.PortalConfig;
import org.openpostage.portal.internal.store.User;

/**
 * The frame of every page ({@code layout.jte}: header with the shop's name and navigation, flash
 * message, footer) and the rendering of a page's template inside it.
 */
public final class Layout {
    private final PortalConfig config;

    /** @param config for the branding */
    public Layout(PortalConfig config) {
        this.config = config;
    }

    /**
     * A whole page: template {@code template} (such as {@code cart.jte}, whose parameters are
     * {@code frame} and {@code page}) with {@code page} as its model. Takes the session's flash
     * message, which the page shows once.
     *
     * @param user    the signed-in user, or {@code null} (no navigation)
     * @param session the session, or {@code null}
     */
    public String page(String template, String title, User user, Session session, Object page) {
        return Templates.render(template, Map.of("frame", frame(title, user, session), "page", page));
    }

    private Pages.Frame frame(String title, User user, Session session) {
        String[] flash = session == null ? null : session.takeFlash();
        return new Pages.Frame(title, config.name(), config.partner(), config.clientConfig().scheme(),
                user == null ? null : user.displayName(), user == null || session == null ? 0 : session.cart().size(),
                session == null ? "" : session.csrf, flash == null ? null : flash[0], flash == null ? null : flash[1]);
    }

    /** The brand stylesheet: the configured colour as a CSS variable (a file, so the CSP needs no inline style). */
    public String brandCss() {
        return ":root { --brand: " + config.colour() + "; }\n";
    }
}
