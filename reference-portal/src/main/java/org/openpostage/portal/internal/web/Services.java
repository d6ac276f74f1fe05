package org.openpostage.portal.internal.web;

import io.javalin.http.Context;
import org.openpostage.portal.config.PortalConfig;
import org.openpostage.portal.internal.shop.Checkout;
import org.openpostage.portal.internal.shop.Postage;
import org.openpostage.portal.internal.store.PortalDatabase;
import org.openpostage.portal.internal.store.User;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;

/**
 * What the page routes work with, wired once, and the few things every page does with it.
 *
 * @param security the signed-in user and session of a request
 * @param layout   the frame of every page
 * @param postage  the postal server and the stamp rendering
 * @param db       the portal's database: its stores of users, credit, uploads and orders
 * @param checkout orders, re-sends and refunds
 * @param config   the portal's settings
 * @param topUps   store credit bought by card
 */
public record Services(Security security, Layout layout, Postage postage, PortalDatabase db, Checkout checkout,
                       PortalConfig config, org.openpostage.portal.internal.shop.TopUps topUps) {
    /** The signed-in user of the request. */
    User user(Context ctx) {
        return security.user(ctx);
    }

    /** The request's session. */
    Session session(Context ctx) {
        return security.session(ctx);
    }

    /** A whole page: {@code template} with {@code page} as its model, in the frame (see {@link Layout#page}). */
    String page(String template, String title, User user, Session session, Object page) {
        return layout.page(template, title, user, session, page);
    }

    /** The picture a stamp is composed with, placed by {@code frame} ({@code Frames}), or {@code null}. */
    Background background(String ref, String frame, long userId) {
        Background bg = background(ref, userId);
        return bg == null ? null : bg.framed(org.openpostage.portal.internal.shop.Frames.parse(frame));
    }

    /** The picture a stamp is composed with, for a background reference of the user's, or {@code null}. */
    Background background(String ref, long userId) {
        if (ref == null) {
            return null;
        }
        if (ref.startsWith("catalogue:")) {
            return postage.catalogueBackground(ref.substring("catalogue:".length())).orElse(null);
        }
        return db.uploads().uploadContent(userId, Long.parseLong(ref.substring("upload:".length())))
                .map(BackgroundImages::check).orElse(null);
    }
}
