package org.openpostage.server.internal.auth;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.value.Mode;
import org.openpostage.server.model.IssuedApiKey;
import org.openpostage.server.model.PartnerInfo;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;
import org.openpostage.server.internal.util.Tokens;

/** Partners and their API keys (tables {@code partners} and {@code api_keys}). */
public final class PartnerStore {
    /** A stored API key, without its secret. */
    public record KeyInfo(String keyId, String partnerId, Mode mode, boolean scanner, Instant createdAt,
                          Instant revokedAt) {
    }

    private static final byte[] DUMMY_SALT = new byte[16];
    private static final byte[] DUMMY_HASH = ApiKeys.hash(DUMMY_SALT, "x".repeat(ApiKeys.SECRET_LENGTH));

    private final Database db;
    private final Clock clock;

    public PartnerStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Registers a partner.
     *
     * @throws InvalidRequestException if the id is malformed or taken
     */
    public void createPartner(Connection c, String partnerId, String displayName) throws SQLException {
        Tokens.require("partnerId", partnerId, 64);
        if (displayName == null || displayName.isBlank() || displayName.length() > 200) {
            throw new InvalidRequestException("displayName must have 1 to 200 characters");
        }
        Instant now = Time.now(clock);
        if (Sql.one(c, "SELECT partner_id FROM partners WHERE partner_id = ?", rs -> rs.getString(1), partnerId)
                .isPresent()) {
            throw new InvalidRequestException("partner '" + partnerId + "' already exists");
        }
        Sql.update(c, "INSERT INTO partners (partner_id, display_name, created_at) VALUES (?, ?, ?)", partnerId,
                displayName, now);
    }

    /** Every partner, by id. */
    public List<PartnerInfo> partners() {
        return db.read("read partners", c -> Sql.list(c, "SELECT p.partner_id, p.display_name, p.created_at,"
                + " (SELECT COUNT(*) FROM api_keys k WHERE k.partner_id = p.partner_id AND k.revoked_at IS NULL),"
                + " (SELECT COUNT(*) FROM meters m WHERE m.partner_id = p.partner_id)"
                + " FROM partners p ORDER BY p.partner_id", rs -> new PartnerInfo(rs.getString(1), rs.getString(2),
                Sql.instant(rs, "created_at"), rs.getInt(4), rs.getInt(5))));
    }

    /** Whether the partner exists. */
    public boolean exists(String partnerId) {
        return db.read("read partner", c -> Sql.one(c, "SELECT partner_id FROM partners WHERE partner_id = ?",
                rs -> rs.getString(1), partnerId)).isPresent();
    }

    /** Every partner id. */
    public List<String> partnerIds() {
        return db.read("read partners", c -> Sql.list(c, "SELECT partner_id FROM partners ORDER BY partner_id",
                rs -> rs.getString(1)));
    }

    /**
     * Issues a new API key; the plaintext is returned once and only its hash is stored.
     *
     * @param scanner whether the key records scans when it verifies indicia (mail processing)
     * @throws NotFoundException if there is no such partner
     */
    public IssuedApiKey issueKey(Connection c, String partnerId, Mode mode, boolean scanner) throws SQLException {
        if (mode == null || mode == Mode.UNKNOWN) {
            throw new InvalidRequestException("an API key's mode is TEST or LIVE");
        }
        if (Sql.one(c, "SELECT partner_id FROM partners WHERE partner_id = ?", rs -> rs.getString(1), partnerId)
                .isEmpty()) {
            throw new NotFoundException("partner '" + partnerId + "' does not exist");
        }
        ApiKeys.Generated key = ApiKeys.generate(mode);
        Instant now = Time.now(clock);
        Sql.update(c, "INSERT INTO api_keys (key_id, partner_id, mode, salt, secret_hash, scanner, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", key.keyId(), partnerId, mode, key.salt(), key.secretHash(), scanner,
                now);
        return new IssuedApiKey(key.keyId(), partnerId, mode, key.plaintext());
    }

    /**
     * Revokes the key with public id {@code keyId}: it stops authenticating at once, on every node.
     *
     * @throws NotFoundException if there is no such key
     */
    public KeyInfo revokeKey(Connection c, String keyId) throws SQLException {
        Instant now = Time.now(clock);
        int n = Sql.update(c, "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ?", now, keyId);
        if (n == 0) {
            throw new NotFoundException("API key '" + keyId + "' does not exist");
        }
        return Sql.one(c, "SELECT key_id, partner_id, mode, scanner, created_at, revoked_at FROM api_keys"
                + " WHERE key_id = ?", rs -> new KeyInfo(rs.getString(1), rs.getString(2), Mode.valueOf(rs.getString(3)),
                rs.getBoolean(4), Sql.instant(rs, "created_at"), Sql.instant(rs, "revoked_at")), keyId).orElseThrow();
    }

    /** The keys of {@code partnerId}, newest first. */
    public List<KeyInfo> keys(String partnerId) {
        return db.read("read API keys", c -> Sql.list(c, "SELECT key_id, partner_id, mode, scanner, created_at,"
                        + " revoked_at FROM api_keys WHERE partner_id = ? ORDER BY created_at DESC, key_id",
                rs -> new KeyInfo(rs.getString(1), rs.getString(2), Mode.valueOf(rs.getString(3)), rs.getBoolean(4),
                        Sql.instant(rs, "created_at"), Sql.instant(rs, "revoked_at")), partnerId));
    }

    /**
     * The caller an API key stands for.
     *
     * @throws AuthenticationException if the key is missing, malformed, unknown, wrong or revoked
     */
    public Caller authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new AuthenticationException("an API key is required");
        }
        Optional<ApiKeys.Parsed> parsed = ApiKeys.parse(apiKey);
        if (parsed.isEmpty()) {
            throw new AuthenticationException("API key not recognized: expected op_test_<id>_<secret> or op_live_<id>_<secret>");
        }
        ApiKeys.Parsed key = parsed.get();
        record Stored(String partnerId, Mode mode, byte[] salt, byte[] hash, Instant revokedAt) {
        }
        Optional<Stored> stored = db.read("authenticate", c -> Sql.one(c, "SELECT partner_id, mode, salt, secret_hash,"
                        + " revoked_at FROM api_keys WHERE key_id = ?",
                rs -> new Stored(rs.getString(1), Mode.valueOf(rs.getString(2)), rs.getBytes(3), rs.getBytes(4),
                        Sql.instant(rs, "revoked_at")), key.keyId()));
        // Hash even for unknown ids, so that timing does not tell known ids from unknown ones.
        boolean secretOk = stored.isPresent()
                ? ApiKeys.matches(stored.get().salt, key.secret(), stored.get().hash)
                : dummyCheck(key.secret());
        if (!secretOk || stored.get().mode != key.mode()) {
            throw new AuthenticationException("API key not recognized");
        }
        if (stored.get().revokedAt != null) {
            throw new AuthenticationException("API key " + key.keyId() + " was revoked; ask the postal operator for a new one");
        }
        return new Caller(stored.get().partnerId, key.mode(), key.keyId());
    }

    private static boolean dummyCheck(String secret) {
        ApiKeys.matches(DUMMY_SALT, secret, DUMMY_HASH);
        return false;
    }

}
