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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.Bytes;
import org.openpostage.api.ConfigurationException;
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
 * <p>Exactly one key is active (has no {@code retired_at}); the purchase transaction reads which,
 * so no node signs with a key retired by another. Signers are cached per key id: keys never
 * change once created.
 */
public final class SigningKeys {
    /** The file name of the keystore copy in the data directory. */
    public static final String EXPORT_FILE = "signing-keys.p12";

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

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
    private final Map<Long, IndiciumSigner> signers = new ConcurrentHashMap<>();
    private volatile CachedSet cachedSet;

    /**
     * @param provider the JCA provider to sign with, or {@code null} for the JDK's
     */
    public SigningKeys(Database db, char[] password, Path dataDir, Provider provider, Clock clock) {
        this.db = db;
        this.password = password.clone();
        this.exportFile = dataDir.resolve(EXPORT_FILE);
        this.provider = provider;
        this.clock = clock;
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

    /**
     * The active key, read in the caller's transaction so that the key used is the one active
     * when the purchase commits.
     */
    public ActiveKey active(Connection c) throws SQLException {
        List<KeyRow> active = Sql.list(c, "SELECT key_id, algorithm, public_key, active_from, retired_at"
                + " FROM signing_keys WHERE retired_at IS NULL", KeyRow::of);
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

    /** The published key set: every key ever created, the retired ones with their retirement time. */
    public VerificationKeySet keySet() {
        long version = db.read("read keystore version",
                c -> Sql.number(c, "SELECT version FROM signing_keystore WHERE id = 1"));
        CachedSet cached = cachedSet;
        if (cached != null && cached.version == version) {
            return cached.set;
        }
        List<KeyRow> rows = db.read("read keys", SigningKeys::keyRows);
        VerificationKeySet set = new VerificationKeySet(rows.stream()
                .map(r -> new VerificationKey(r.keyId, r.algorithm, Bytes.of(r.publicKey), r.activeFrom, r.retiredAt))
                .toList());
        cachedSet = new CachedSet(version, set);
        return set;
    }

    /** Checks {@code indicium}'s signature against the published key set, with the configured provider. */
    public SignatureCheck verify(SignedIndicium indicium) {
        return keySet().verify(indicium, provider);
    }

    /**
     * Creates a new key of {@code algorithm}, makes it the active one and retires the previous
     * key, which stays published so that the indicia it signed keep verifying.
     */
    public VerificationKey rotate(SignatureAlgorithm algorithm) {
        Instant now = Time.now(clock);
        record Rotated(VerificationKey key, byte[] pkcs12) {
        }
        Rotated rotated = db.transaction("rotate signing key", c -> {
            byte[] current = Sql.one(c, "SELECT pkcs12 FROM signing_keystore WHERE id = 1 FOR UPDATE",
                    rs -> rs.getBytes(1)).orElseThrow(() -> new IllegalStateException("the signing keystore is missing"));
            long keyId = Sql.number(c, "SELECT MAX(key_id) FROM signing_keys") + 1;
            try {
                KeyStore ks = KeyMaterial.load(current, password);
                KeyPair pair = KeyMaterial.generate(algorithm);
                KeyMaterial.add(ks, keyId, algorithm, pair, now, password);
                byte[] pkcs12 = KeyMaterial.store(ks, password);
                Sql.update(c, "UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL", now);
                Sql.update(c, "INSERT INTO signing_keys (key_id, algorithm, public_key, active_from, retired_at)"
                        + " VALUES (?, ?, ?, ?, NULL)", keyId, algorithm, pair.getPublic().getEncoded(), now);
                Sql.update(c, "UPDATE signing_keystore SET version = version + 1, pkcs12 = ?, updated_at = ? WHERE id = 1",
                        pkcs12, now);
                return new Rotated(VerificationKey.of(keyId, algorithm, pair.getPublic(), now, null), pkcs12);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot rotate the signing key: " + e.getMessage(), e);
            }
        });
        reload();
        export(rotated.pkcs12);
        log.info("rotated the signing key: key {} ({}) is now active", rotated.key.keyId(), algorithm);
        return rotated.key;
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
        return Sql.list(c, "SELECT key_id, algorithm, public_key, active_from, retired_at FROM signing_keys"
                + " ORDER BY key_id", KeyRow::of);
    }

    /** One row of {@code signing_keys}. */
    private record KeyRow(long keyId, SignatureAlgorithm algorithm, byte[] publicKey, Instant activeFrom,
                          Instant retiredAt) {
        static KeyRow of(java.sql.ResultSet rs) throws SQLException {
            return new KeyRow(rs.getLong("key_id"), SignatureAlgorithm.valueOf(rs.getString("algorithm")),
                    rs.getBytes("public_key"), Sql.instant(rs, "active_from"), Sql.instant(rs, "retired_at"));
        }
    }
}
