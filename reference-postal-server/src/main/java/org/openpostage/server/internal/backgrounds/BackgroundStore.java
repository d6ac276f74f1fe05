package org.openpostage.server.internal.backgrounds;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.Bytes;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.server.StampImaging;
import org.openpostage.server.internal.db.DataAccessException;
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

    /** Every image: samples first, then the operator's in the order added. */
    public List<BackgroundImage> all() {
        List<BackgroundImage> all = new ArrayList<>(samples);
        all.addAll(db.read("read backgrounds", c -> Sql.list(c, "SELECT background_id, title, media_type, content,"
                + " width_px, height_px FROM backgrounds ORDER BY created_at, background_id", BackgroundStore::image)));
        return all;
    }

    /** The image with {@code id}. */
    public Optional<BackgroundImage> find(String id) {
        for (BackgroundImage s : samples) {
            if (s.id().equals(id)) {
                return Optional.of(s);
            }
        }
        return db.read("read background", c -> Sql.one(c, "SELECT background_id, title, media_type, content, width_px,"
                + " height_px FROM backgrounds WHERE background_id = ?", BackgroundStore::image, id));
    }

    /**
     * Adds an operator image after checking its id, its size, its header and (when a renderer is
     * configured) that it decodes.
     *
     * @throws InvalidRequestException if the id is taken or malformed, or the image is unusable
     */
    public BackgroundImage add(String id, String title, Bytes content, int maxBytes, StampImaging imaging) {
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
        try {
            db.read("add background", c -> Sql.update(c, "INSERT INTO backgrounds (background_id, title, media_type,"
                            + " content, width_px, height_px, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id, title, image.mediaType(), content.toArray(), image.widthPx(), image.heightPx(), now));
        } catch (DataAccessException e) {
            if (Sql.UNIQUE_VIOLATION.equals(e.sqlState())) {
                throw new InvalidRequestException("background.id '" + id + "' is already in the catalogue");
            }
            throw e;
        }
        return image;
    }

    private static BackgroundImage image(java.sql.ResultSet rs) throws SQLException {
        return new BackgroundImage(rs.getString("background_id"), rs.getString("title"), rs.getString("media_type"),
                Bytes.of(rs.getBytes("content")), rs.getInt("width_px"), rs.getInt("height_px"));
    }
}
