package org.openpostage.server.internal.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.Bytes;
import org.openpostage.api.ConfigurationException;
import org.openpostage.api.NotFoundException;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's signing keys, shared by every node through the database.
 *
 * <p>The private keys live in one PKCS#12 keystore (password-based AES-256 encryption), stored
 * as a whole in table {@code signing_keystore} with a version number; their public halves and
 * lifetimes are in {@code signing_keys}, from which the published key set is built. Every node
 * that knows the keystore password can therefore sign with the active key, and a rotation is one
 * transaction that all nodes see at once. A copy of the keystore is also written to the data
 * directory ({@code signing-keys.p12}) for the operator's backups.
 *
 * <p>Exactly one key is active (has no {@code retired_at}); a purchase transaction reads which
 * ({@link #active}), so no purchase starts signing with a key after its retirement committed.
 * A purchase that read the key just before may still commit with it: that piece is genuine and
 * recorded like every other the key signed, and its date of mailing is within the key's last
 * date of mailing ({@link #lastDateOfMailing}). The hot path takes no lock on the key for this.
 * Signers are cached per key id (a key's private half never changes); the published key set is
 * cached per keystore version, which every rotation and revocation increments.
 */
public final class SigningKeys {
    /** The file name of the keystore copy in the data directory. */
    public static final String EXPORT_FILE = "signing-keys.p12";

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String KEY_COLUMNS =
            "key_id, algorithm, public_key, active_from, retired_at, last_mailing_date, revoked_at";

    /** The active key and a signer for it. */
    public record ActiveKey(long keyId, SignatureAlgorithm algorithm, IndiciumSigner signer) {
    }

    private record CachedSet(long version, VerificationKeySet set) {
    }

    private final Database db;
    private final char[] password;
    private final Path exportFile;
    private final Provider provider;
    private final Clock clock;
    private final int maxDaysAhead;
    private final Map<Long, IndiciumSigner> signers = new ConcurrentHashMap<>();
    private volatile CachedSet cachedSet;

    /**
     * @param provider     the JCA provider to sign with, or {@code null} for the JDK's
     * @param maxDaysAhead how many days ahead of today purchases accept a date of mailing
     *                     ({@code mailing.max-days-ahead}): bounds the dates a retired key signed for
     */
    public SigningKeys(Database db, char[] password, Path dataDir, Provider provider, Clock clock, int maxDaysAhead) {
        this.db = db;
        this.password = password.clone();
        this.exportFile = dataDir.resolve(EXPORT_FILE);
        this.provider = provider;
        this.clock = clock;
        this.maxDaysAhead = maxDaysAhead;
    }

    /**
     * Creates the keystore and its first key of {@code algorithm} if the ledger has none (the first
     * start), then loads every key. Safe when several nodes start at once: one creates, the others load.
     *
     * @throws ConfigurationException if the keystore cannot be opened with the configured password
     */
    public void initialize(SignatureAlgorithm algorithm) {
        boolean exists = db.read("read keystore", c -> Sql.one(c, "SELECT id FROM signing_keystore WHERE id = 1",
                rs -> rs.getInt(1)).isPresent());
        if (!exists) {
            create(algorithm);
        }
        reload();
    }

    private void create(SignatureAlgorithm algorithm) {
        Instant now = Time.now(clock);
        try {
            KeyPair pair = KeyMaterial.generate(algorithm);
            KeyStore ks = KeyMaterial.newKeyStore();
            KeyMaterial.add(ks, 1, algorithm, pair, now, password);
            byte[] pkcs12 = KeyMaterial.store(ks, password);
            boolean created = db.transaction("create keystore", c -> {
                try {
                    Sql.update(c, "INSERT INTO signing_keystore (id, version, pkcs12, updated_at) VALUES (1, 1, ?, ?)",
                            pkcs12, now);
                } catch (SQLException e) {
                    if (Sql.isUniqueViolation(e)) {
                        return false; // another node created it first
                    }
                    throw e;
                }
                Sql.update(c, "INSERT INTO signing_keys (key_id, algorithm, public_key, active_from, retired_at)"
                        + " VALUES (1, ?, ?, ?, NULL)", algorithm, pair.getPublic().getEncoded(), now);
                return true;
            });
            if (created) {
                export(pkcs12);
                log.info("created the signing keystore with key 1 ({})", algorithm);
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a signing key: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A concurrent creator may have won in a way the database reports differently; load what is there.
            boolean exists = db.read("read keystore", c -> Sql.one(c, "SELECT id FROM signing_keystore WHERE id = 1",
                    rs -> rs.getInt(1)).isPresent());
            if (!exists) {
                throw e;
            }
        }
    }

    /** Loads every key of the stored keystore into signers. */
    private synchronized void reload() {
        byte[] pkcs12 = db.read("read keystore", c -> Sql.one(c, "SELECT pkcs12 FROM signing_keystore WHERE id = 1",
                rs -> rs.getBytes(1))).orElseThrow(() -> new IllegalStateException("the signing keystore is missing"));
        List<KeyRow> rows = db.read("read keys", SigningKeys::keyRows);
        KeyStore ks;
        try {
            ks = KeyMaterial.load(pkcs12, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot open the signing keystore stored in the ledger: " + e.getMessage()
                    + ". Is keystore.password (OPENPOSTAGE_KEYSTORE_PASSWORD) the same as on the node that created it?", e);
        }
        for (KeyRow row : rows) {
            if (signers.containsKey(row.keyId)) {
                continue;
            }
            try {
                PrivateKey key = (PrivateKey) ks.getKey(KeyMaterial.alias(row.keyId), password);
                if (key == null) {
                    throw new IllegalStateException("key " + row.keyId + " is published but not in the keystore");
                }
                PrivateKey signingKey = KeyMaterial.convert(key, row.algorithm, provider);
                signers.put(row.keyId, IndiciumSigner.jca(row.algorithm, row.keyId, signingKey, provider));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot load signing key " + row.keyId + ": " + e.getMessage(), e);
            }
        }
    }

    /** The active key, read in the caller's transaction. */
    public ActiveKey active(Connection c) throws SQLException {
        List<KeyRow> active = Sql.list(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys WHERE retired_at IS NULL",
                KeyRow::of);
        if (active.size() != 1) {
            throw new IllegalStateException("expected exactly one active signing key, found " + active.size());
        }
        KeyRow row = active.get(0);
        IndiciumSigner signer = signers.get(row.keyId);
        if (signer == null) {
            reload(); // rotated by another node
            signer = signers.get(row.keyId);
        }
        return new ActiveKey(row.keyId, row.algorithm, signer);
    }

    /**
     * The published key set: every key ever created, the retired ones with their retirement time
     * and last date of mailing, the revoked ones with their revocation time.
     */
    public VerificationKeySet keySet() {
        long version = db.read("read keystore version",
                c -> Sql.number(c, "SELECT version FROM signing_keystore WHERE id = 1"));
        CachedSet cached = cachedSet;
        if (cached != null && cached.version == version) {
            return cached.set;
        }
        List<KeyRow> rows = db.read("read keys", SigningKeys::keyRows);
        VerificationKeySet set = new VerificationKeySet(rows.stream().map(KeyRow::toKey).toList());
        cachedSet = new CachedSet(version, set);
        return set;
    }

    /** Checks {@code indicium}'s signature against the published key set, with the configured provider. */
    public SignatureCheck verify(SignedIndicium indicium) {
        return keySet().verify(indicium, provider);
    }

    /**
     * Creates a new key of {@code algorithm}, makes it the active one and retires the previous
     * key, which stays published so that the indicia it signed keep verifying, up to its last
     * date of mailing ({@link #lastDateOfMailing}).
     */
    public VerificationKey rotate(SignatureAlgorithm algorithm) {
        Rotation rotation = db.transaction("rotate signing key", c -> {
            byte[] keystore = lockKeystore(c);
            Rotation r = rotateIn(c, keystore, algorithm);
            newVersion(c, r.pkcs12, r.retired.retiredAt());
            return r;
        });
        afterRotation(rotation);
        return rotation.active;
    }

    /**
     * Revokes key {@code keyId}: offline verifiers stop trusting anything it signed. If it is the
     * active key, a new key of the same algorithm replaces it first, in the same transaction, so
     * that exactly one key is active at any time and no purchase starts signing with the revoked
     * key any more (one already signing may still commit: its piece is genuine and recorded, and
     * offline it is judged like every other piece the key signed). Revoking a key that is already
     * revoked changes nothing.
     *
     * @return the revoked key, as now published
     * @throws NotFoundException if there is no key {@code keyId}
     */
    public VerificationKey revoke(long keyId) {
        record Revocation(VerificationKey key, Rotation rotation, boolean changed) {
        }
        Revocation revocation = db.transaction("revoke signing key", c -> {
            byte[] keystore = lockKeystore(c);
            KeyRow row = Sql.one(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys WHERE key_id = ?", KeyRow::of, keyId)
                    .orElseThrow(() -> new NotFoundException("signing key " + keyId + " does not exist"));
            if (row.revokedAt != null) {
                return new Revocation(row.toKey(), null, false);
            }
            Rotation rotation = null;
            VerificationKey retired = row.toKey();
            byte[] pkcs12 = null;
            if (row.retiredAt == null) {
                rotation = rotateIn(c, keystore, row.algorithm);
                retired = rotation.retired;
                pkcs12 = rotation.pkcs12;
            }
            Instant at = latest(Time.now(clock), retired.retiredAt());
            Sql.update(c, "UPDATE signing_keys SET revoked_at = ? WHERE key_id = ?", at, keyId);
            newVersion(c, pkcs12, at);
            return new Revocation(retired.asRevoked(at), rotation, true);
        });
        if (revocation.rotation != null) {
            afterRotation(revocation.rotation);
        }
        if (revocation.changed) {
            log.warn("signing key {} revoked: offline verifiers no longer trust the indicia it signed", keyId);
        } else {
            log.info("signing key {} was already revoked at {}", keyId, revocation.key.revokedAt());
        }
        return revocation.key;
    }

    /**
     * The last date of mailing an indicium signed by a key retired at {@code retiredAt} can carry:
     * the UTC date of {@code retiredAt}, plus {@code mailing.max-days-ahead}, plus one day.
     *
     * <p>Why this holds: a purchase accepts a date of mailing up to today + max-days-ahead, today
     * being the date of the validation's instant in the server's zone ({@code zone}, see
     * PurchaseFlow.validate). A purchase signs with the key only if it read the key as active,
     * that is before the retirement committed; it was validated before that read. So its
     * validation instant is at most the retirement transaction's own duration (milliseconds)
     * after {@code retiredAt}. The date of an instant in any zone is at most one day after its
     * UTC date, because a zone is at most 18 hours ahead of UTC (java.time's limit; real zones
     * are at most 14 hours ahead); the extra day covers that, and leaves at least 6 hours (10 for
     * real zones) for the retirement's duration and for other nodes' clocks running ahead. It
     * assumes every node has the same {@code mailing.max-days-ahead}, not lowered while the key
     * signed.
     */
    LocalDate lastDateOfMailing(Instant retiredAt) {
        return LocalDate.ofInstant(retiredAt, ZoneOffset.UTC).plusDays(maxDaysAhead + 1L);
    }

    /** A rotation inside a transaction: the key retired, the one now active, the keystore holding both. */
    private record Rotation(VerificationKey retired, VerificationKey active, byte[] pkcs12) {
    }

    /** Locks the keystore row (serializing rotations and revocations on every node) and returns the keystore. */
    private static byte[] lockKeystore(Connection c) throws SQLException {
        return Sql.one(c, "SELECT pkcs12 FROM signing_keystore WHERE id = 1 FOR UPDATE", rs -> rs.getBytes(1))
                .orElseThrow(() -> new IllegalStateException("the signing keystore is missing"));
    }

    /**
     * Adds a new key of {@code algorithm} to {@code keystore}, retires the active key with its last
     * date of mailing and makes the new one active, in the caller's transaction, which holds the
     * keystore row's lock.
     */
    private Rotation rotateIn(Connection c, byte[] keystore, SignatureAlgorithm algorithm) throws SQLException {
        long keyId = Sql.number(c, "SELECT MAX(key_id) FROM signing_keys") + 1;
        KeyPair pair;
        byte[] pkcs12;
        try {
            // The slow part (key generation, the keystore's password-based encryption) comes before
            // the retirement time is read, so that it stays close to the commit.
            KeyStore ks = KeyMaterial.load(keystore, password);
            pair = KeyMaterial.generate(algorithm);
            KeyMaterial.add(ks, keyId, algorithm, pair, Time.now(clock), password);
            pkcs12 = KeyMaterial.store(ks, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot rotate the signing key: " + e.getMessage(), e);
        }
        List<KeyRow> active = Sql.list(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys WHERE retired_at IS NULL"
                + " FOR UPDATE", KeyRow::of);
        if (active.size() != 1) {
            throw new IllegalStateException("expected exactly one active signing key, found " + active.size());
        }
        KeyRow old = active.get(0);
        // Read last, just before the commit: close to the moment purchases stop reading the old key.
        Instant at = latest(Time.now(clock), old.activeFrom);
        LocalDate lastDate = lastDateOfMailing(at);
        Sql.update(c, "UPDATE signing_keys SET retired_at = ?, last_mailing_date = ? WHERE key_id = ?", at, lastDate,
                old.keyId);
        Sql.update(c, "INSERT INTO signing_keys (key_id, algorithm, public_key, active_from, retired_at,"
                + " last_mailing_date, revoked_at) VALUES (?, ?, ?, ?, NULL, NULL, NULL)", keyId, algorithm,
                pair.getPublic().getEncoded(), at);
        return new Rotation(old.toKey().asRetired(at, lastDate), VerificationKey.of(keyId, algorithm, pair.getPublic(), at,
                null), pkcs12);
    }

    /**
     * Increments the keystore version, so that every node rebuilds its published key set, and
     * stores {@code pkcs12} unless it is {@code null} (the keystore is unchanged).
     */
    private static void newVersion(Connection c, byte[] pkcs12, Instant at) throws SQLException {
        if (pkcs12 != null) {
            Sql.update(c, "UPDATE signing_keystore SET version = version + 1, pkcs12 = ?, updated_at = ? WHERE id = 1",
                    pkcs12, at);
        } else {
            Sql.update(c, "UPDATE signing_keystore SET version = version + 1, updated_at = ? WHERE id = 1", at);
        }
    }

    private void afterRotation(Rotation rotation) {
        reload();
        export(rotation.pkcs12);
        log.info("rotated the signing key: key {} ({}) is now active; key {} is retired, for dates of mailing up to {}",
                rotation.active.keyId(), rotation.active.algorithm(), rotation.retired.keyId(),
                rotation.retired.lastDateOfMailing());
    }

    /** The later of two instants: dates written never run backwards, even when node clocks differ. */
    private static Instant latest(Instant a, Instant b) {
        return a.isBefore(b) ? b : a;
    }

    /** The key with {@code keyId}, if it was ever created. */
    public Optional<VerificationKey> find(long keyId) {
        return keySet().find(keyId);
    }

    private void export(byte[] pkcs12) {
        try {
            Files.createDirectories(exportFile.getParent());
            Path tmp = Files.createTempFile(exportFile.getParent(), "signing-keys", ".tmp");
            Files.write(tmp, pkcs12);
            Files.move(tmp, exportFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("could not write the keystore copy {}: {}", exportFile, e.getMessage());
        }
    }

    private static List<KeyRow> keyRows(Connection c) throws SQLException {
        return Sql.list(c, "SELECT " + KEY_COLUMNS + " FROM signing_keys ORDER BY key_id", KeyRow::of);
    }

    /** One row of {@code signing_keys}. */
    private record KeyRow(long keyId, SignatureAlgorithm algorithm, byte[] publicKey, Instant activeFrom,
                          Instant retiredAt, LocalDate lastMailingDate, Instant revokedAt) {
        static KeyRow of(java.sql.ResultSet rs) throws SQLException {
            return new KeyRow(rs.getLong("key_id"), SignatureAlgorithm.valueOf(rs.getString("algorithm")),
                    rs.getBytes("public_key"), Sql.instant(rs, "active_from"), Sql.instant(rs, "retired_at"),
                    rs.getObject("last_mailing_date", LocalDate.class), Sql.instant(rs, "revoked_at"));
        }

        VerificationKey toKey() {
            return new VerificationKey(keyId, algorithm, Bytes.of(publicKey), activeFrom, retiredAt, lastMailingDate,
                    revokedAt);
        }
    }
}
