package org.openpostage.portal.internal.store;

import org.openpostage.jdbc.Transactions;
import static org.openpostage.portal.internal.store.Jdbc.insert;
import static org.openpostage.portal.internal.store.Jdbc.prepare;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The pictures users uploaded for their stamps ({@code uploads}), each readable by its owner only. */
public final class UploadStore {
    private final Transactions tx;

    UploadStore(Transactions tx) {
        this.tx = tx;
    }

    /** Stores a checked picture the user uploaded; returns its id. */
    public long saveUpload(long userId, String title, byte[] content) {
        return tx.run("save upload", c -> insert(c, "INSERT INTO uploads (user_id, title, content, created_at)"
                + " VALUES (?, ?, ?, ?)", userId, title, content, Instant.now()));
    }

    /** The user's uploaded pictures, without content, newest first. */
    public List<Upload> uploads(long userId) {
        return tx.run("list uploads", c -> {
            List<Upload> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id, title FROM uploads WHERE user_id = ? ORDER BY id DESC",
                    userId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Upload(rs.getLong(1), rs.getString(2)));
                }
            }
            return out;
        });
    }

    /** The content of upload {@code id}, if it belongs to the user. */
    public Optional<byte[]> uploadContent(long userId, long id) {
        return tx.run("read upload", c -> {
            try (PreparedStatement ps = prepare(c, "SELECT content FROM uploads WHERE id = ? AND user_id = ?", id, userId);
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        });
    }
}
