package org.openpostage.server.internal.backgrounds;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.server.spi.StampImaging;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;

/**
 * The background catalogue: the shipped samples (the same on every node, from the class path)
 * followed by the images the operator added (in the database, so every node serves them).
 */
public final class BackgroundStore {
    private final Database db;
    private final List<BackgroundImage> samples;
    private final Clock clock;

    public BackgroundStore(Database db, List<BackgroundImage> samples, Clock clock) {
        this.db = db;
        this.samples = List.copyOf(samples);
        this.clock = clock;
    }

    /** One image of the catalogue, as the operator sees it. */
    public record Entry(BackgroundImage image, boolean sample, Instant addedAt, Instant retiredAt, String retiredBy) {
    }

    /** Every image offered (not retired): samples first, then the operator's in the order added. */
    public List<BackgroundImage> all() {
        return db.read("read backgrounds", c -> {
            Set<String> retired = retired(c);
            List<BackgroundImage> all = new ArrayList<>();
            samples.stream().filter(s -> !retired.contains(s.id())).forEach(all::add);
            for (BackgroundImage b : Sql.list(c, "SELECT background_id, title, media_type, content, width_px, height_px"
                    + " FROM backgrounds ORDER BY created_at, background_id", BackgroundStore::image)) {
                if (!retired.contains(b.id())) {
                    all.add(b);
                }
            }
            return all;
        });
    }

    /** The image with {@code id}, if it is offered (not retired). */
    public Optional<BackgroundImage> find(String id) {
        return db.read("read background", c -> {
            if (Sql.one(c, "SELECT background_id FROM retired_backgrounds WHERE background_id = ?", rs -> rs.getString(1),
                    id).isPresent()) {
                return Optional.empty();
            }
            for (BackgroundImage s : samples) {
                if (s.id().equals(id)) {
                    return Optional.of(s);
                }
            }
            return Sql.one(c, "SELECT background_id, title, media_type, content, width_px, height_px FROM backgrounds"
                    + " WHERE background_id = ?", BackgroundStore::image, id);
        });
    }

    /** Every image, retired ones too, with when it was added and retired: the operator's view. */
    public List<Entry> catalogue() {
        return db.read("read background catalogue", c -> {
            record Retirement(Instant at, String by) {
            }
            java.util.Map<String, Retirement> retired = new java.util.HashMap<>();
            Sql.list(c, "SELECT background_id, retired_at, retired_by FROM retired_backgrounds", rs -> {
                retired.put(rs.getString(1), new Retirement(Sql.instant(rs, "retired_at"), rs.getString(3)));
                return null;
            });
            List<Entry> entries = new ArrayList<>();
            for (BackgroundImage s : samples) {
                Retirement r = retired.get(s.id());
                entries.add(new Entry(s, true, null, r == null ? null : r.at, r == null ? null : r.by));
            }
            for (Entry e : Sql.list(c, "SELECT background_id, title, media_type, content, width_px, height_px,"
                    + " created_at FROM backgrounds ORDER BY created_at, background_id",
                    rs -> new Entry(image(rs), false, Sql.instant(rs, "created_at"), null, null))) {
                Retirement r = retired.get(e.image().id());
                entries.add(r == null ? e : new Entry(e.image(), false, e.addedAt(), r.at, r.by));
            }
            return entries;
        });
    }

    /**
     * Retires image {@code id} in the caller's transaction: it is no longer offered, nor usable for
     * new purchases.
     *
     * @throws NotFoundException       if there is no such image
     * @throws InvalidRequestException if it was retired before
     */
    public void retire(Connection c, String id, String actor, Instant now) throws SQLException {
        boolean exists = samples.stream().anyMatch(s -> s.id().equals(id)) || Sql.one(c,
                "SELECT background_id FROM backgrounds WHERE background_id = ?", rs -> rs.getString(1), id).isPresent();
        if (!exists) {
            throw new NotFoundException("there is no background '" + id + "' in the catalogue");
        }
        if (Sql.one(c, "SELECT background_id FROM retired_backgrounds WHERE background_id = ?", rs -> rs.getString(1),
                id).isPresent()) {
            throw new InvalidRequestException("background '" + id + "' was retired before");
        }
        Sql.update(c, "INSERT INTO retired_backgrounds (background_id, retired_by, retired_at) VALUES (?, ?, ?)", id,
                actor, now);
    }

    private static Set<String> retired(Connection c) throws SQLException {
        return new HashSet<>(Sql.list(c, "SELECT background_id FROM retired_backgrounds", rs -> rs.getString(1)));
    }

    /**
     * Adds an operator image after checking its id, its size, its header and (when a renderer is
     * configured) that it decodes.
     *
     * @throws InvalidRequestException if the id is taken or malformed, or the image is unusable
     */
    public BackgroundImage add(Connection c, String id, String title, Bytes content, int maxBytes,
                               StampImaging imaging) throws SQLException {
        if (content.isEmpty() || content.size() > maxBytes) {
            throw new InvalidRequestException("background image must have 1 to " + maxBytes + " bytes, had " + content.size());
        }
        ImageHeader header = ImageHeader.read(content.toArray());
        // The record checks the id (a token of up to 64 characters) and the title.
        BackgroundImage image = new BackgroundImage(id, title, header.mediaType(), content, header.widthPx(),
                header.heightPx());
        imaging.checkBackground(image);
        if (samples.stream().anyMatch(s -> s.id().equals(id))) {
            throw new InvalidRequestException("background.id '" + id + "' is taken by a sample image");
        }
        Instant now = Time.now(clock);
        if (Sql.one(c, "SELECT background_id FROM backgrounds WHERE background_id = ?", rs -> rs.getString(1), id)
                .isPresent()) {
            throw new InvalidRequestException("background.id '" + id + "' is already in the catalogue");
        }
        Sql.update(c, "INSERT INTO backgrounds (background_id, title, media_type, content, width_px, height_px,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", id, title, image.mediaType(), content.toArray(),
                image.widthPx(), image.heightPx(), now);
        return image;
    }

    private static BackgroundImage image(java.sql.ResultSet rs) throws SQLException {
        return new BackgroundImage(rs.getString("background_id"), rs.getString("title"), rs.getString("media_type"),
                Bytes.of(rs.getBytes("content")), rs.getInt("width_px"), rs.getInt("height_px"));
    }
}
