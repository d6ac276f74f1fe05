package org.openpostage.server.internal.rates;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate tables in force on this node: the configured ones ({@code rates.file} or the samples)
 * and those operators uploaded (table {@code rate_tables}), which every node reads. A node looks for
 * new uploads at most every {@link #REFRESH}; until the database answers it keeps the tables it has,
 * so quotes never fail for a database blip. Uploads take effect on a later day than the one they
 * are made on, so every node knows a table before it prices a piece mailed under it... except
 * pieces bought in advance within {@link #REFRESH} of an upload, which another node may price with
 * the table before; the purchase then answers PRICE_CHANGED and the portal quotes again. Thread-safe.
 */
public final class RateSource {
    /** How often a node looks for uploaded tables. */
    public static final Duration REFRESH = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(RateSource.class);

    /** An uploaded table's row. */
    public record Upload(String version, LocalDate effectiveFrom, String currency, String content, String sha256,
                         String uploadedBy, Instant uploadedAt, Instant withdrawnAt) {
    }

    private record Snapshot(RateBook book, String marker, long checkedAtNanos, List<Upload> uploads) {
    }

    private final RateBook configured;
    private final Database db;
    private volatile Snapshot snapshot;

    public RateSource(RateBook configured, Database db) {
        this.configured = configured;
        this.db = db;
        this.snapshot = new Snapshot(configured, "", System.nanoTime() - REFRESH.toNanos() - 1, List.of());
    }

    /** The tables this node prices with now. */
    public RateBook book() {
        Snapshot s = snapshot;
        if (System.nanoTime() - s.checkedAtNanos > REFRESH.toNanos()) {
            s = refresh(false);
        }
        return s.book;
    }

    /** The configured tables. */
    public RateBook configured() {
        return configured;
    }

    /** Every upload, withdrawn ones too, by effective date. */
    public List<Upload> uploads() {
        return db.read("read uploaded rate tables", RateSource::loadUploads);
    }

    /** Reads the uploads again now (after this node uploaded or withdrew one). */
    public void invalidate() {
        refresh(true);
    }

    private synchronized Snapshot refresh(boolean force) {
        Snapshot s = snapshot;
        if (!force && System.nanoTime() - s.checkedAtNanos <= REFRESH.toNanos()) {
            return s; // another thread refreshed while this one waited
        }
        try {
            Snapshot next = db.read("read rate table marker", c -> {
                String marker = Sql.one(c, "SELECT COUNT(*), COALESCE(MAX(table_id), 0), COUNT(withdrawn_at)"
                        + " FROM rate_tables", rs -> rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3)).orElse("");
                if (marker.equals(s.marker)) {
                    return new Snapshot(s.book, marker, System.nanoTime(), s.uploads);
                }
                List<Upload> uploads = loadUploads(c);
                return new Snapshot(combine(uploads), marker, System.nanoTime(), uploads);
            });
            snapshot = next;
            return next;
        } catch (RuntimeException e) {
            log.warn("cannot read the uploaded rate tables ({}); pricing with the tables read before", e.getMessage());
            Snapshot kept = new Snapshot(s.book, s.marker, System.nanoTime(), s.uploads);
            snapshot = kept;
            return kept;
        }
    }

    private RateBook combine(List<Upload> uploads) {
        List<RateTable> tables = new ArrayList<>(configured.tables());
        int used = 0;
        for (Upload u : uploads) {
            if (u.withdrawnAt != null) {
                continue;
            }
            try {
                tables.addAll(RateBook.parse(u.content, "uploaded rate table " + u.version).tables());
                used++;
            } catch (RuntimeException e) { // checked at upload: only a hand-edited row gets here
                log.error("uploaded rate table {} cannot be read and is not used: {}", u.version, e.getMessage());
            }
        }
        return used == 0 ? configured : new RateBook(tables, configured.source() + " and " + used + " uploaded");
    }

    /**
     * Stores an uploaded table, in the caller's transaction, after checking it: the text holds
     * exactly one table in the format of docs/rates.md; its {@code effective-from} is
     * {@code effectiveFrom}, a day after {@code today}; no other table takes effect that day or has its
     * version; it prices in the currency of the table in force today (meters keep one currency).
     *
     * @throws InvalidRequestException naming what is wrong
     */
    public Upload upload(Connection c, String text, LocalDate effectiveFrom, LocalDate today, String actor, Instant now)
            throws SQLException {
        if (text == null || text.isBlank()) {
            throw new InvalidRequestException("the rate table is empty");
        }
        if (text.length() > 1_000_000) {
            throw new InvalidRequestException("a rate table has at most 1,000,000 characters, this one "
                    + text.length());
        }
        List<RateTable> parsed;
        try {
            parsed = RateBook.parse(text, "the uploaded table").tables();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        if (parsed.size() != 1) {
            throw new InvalidRequestException("upload one table at a time; this text holds " + parsed.size());
        }
        RateTable t = parsed.get(0);
        if (effectiveFrom == null) {
            throw new InvalidRequestException("the effective date is required");
        }
        if (!t.effectiveFrom().equals(effectiveFrom)) {
            throw new InvalidRequestException("the table says effective-from=" + t.effectiveFrom() + " but the upload's "
                    + "effective date is " + effectiveFrom + ": make them agree");
        }
        if (!effectiveFrom.isAfter(today)) {
            throw new InvalidRequestException("a new table takes effect on a later day than today (" + today
                    + "), so that every node has it before it prices a piece; " + effectiveFrom + " is too early");
        }
        List<Upload> uploads = loadUploads(c);
        List<RateTable> existing = new ArrayList<>(configured.tables());
        for (Upload u : uploads) {
            if (u.withdrawnAt == null) {
                existing.addAll(RateBook.parse(u.content, u.version).tables());
            } else if (u.version.equals(t.version())) {
                throw new InvalidRequestException("version " + t.version() + " was used by a withdrawn table; name "
                        + "the new one differently");
            }
        }
        for (RateTable e : existing) {
            if (e.version().equals(t.version())) {
                throw new InvalidRequestException("a table of version " + t.version() + " exists already");
            }
            if (e.effectiveFrom().equals(effectiveFrom)) {
                throw new InvalidRequestException("table " + e.version() + " takes effect on " + effectiveFrom
                        + " already; withdraw it first, or choose another day");
            }
        }
        RateTable current = new RateBook(existing, "current").tableFor(today);
        if (!current.currency().equals(t.currency())) {
            throw new InvalidRequestException("the table prices in " + t.currency() + " but the table in force ("
                    + current.version() + ") in " + current.currency() + ": meters keep one currency");
        }
        String sha = sha256(text);
        Sql.update(c, "INSERT INTO rate_tables (version, effective_from, currency, content, sha256, uploaded_by,"
                        + " uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", t.version(), effectiveFrom,
                t.currency().getCurrencyCode(), text, sha, actor, now);
        return new Upload(t.version(), effectiveFrom, t.currency().getCurrencyCode(), text, sha, actor, now, null);
    }

    /**
     * Withdraws an uploaded table that has not taken effect yet, in the caller's transaction.
     *
     * @throws NotFoundException       if no upload has that version
     * @throws InvalidRequestException if it took effect already or was withdrawn
     */
    public Upload withdraw(Connection c, String version, LocalDate today, Instant now) throws SQLException {
        Upload u = loadUploads(c).stream().filter(x -> x.version.equals(version)).findFirst()
                .orElseThrow(() -> new NotFoundException("no uploaded rate table has version '" + version + "'"));
        if (u.withdrawnAt != null) {
            throw new InvalidRequestException("rate table " + version + " was withdrawn on " + u.withdrawnAt);
        }
        if (!u.effectiveFrom.isAfter(today)) {
            throw new InvalidRequestException("rate table " + version + " took effect on " + u.effectiveFrom
                    + ": it prices purchases already; upload a newer table instead");
        }
        Sql.update(c, "UPDATE rate_tables SET withdrawn_at = ? WHERE version = ?", now, version);
        return new Upload(u.version, u.effectiveFrom, u.currency, u.content, u.sha256, u.uploadedBy, u.uploadedAt, now);
    }

    private static List<Upload> loadUploads(Connection c) throws SQLException {
        return Sql.list(c, "SELECT version, effective_from, currency, content, sha256, uploaded_by, uploaded_at,"
                + " withdrawn_at FROM rate_tables ORDER BY effective_from, table_id", rs -> new Upload(rs.getString(1),
                rs.getObject(2, LocalDate.class), rs.getString(3).strip(), rs.getString(4), rs.getString(5).strip(),
                rs.getString(6), Sql.instant(rs, "uploaded_at"), Sql.instant(rs, "withdrawn_at")));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
