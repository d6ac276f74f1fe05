package org.openpostage.server.internal.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The software signing device: the private keys in one PKCS#12 keystore (password-based AES-256
 * encryption) stored in table {@code signing_keystore}, so that every node that knows the
 * keystore password can sign. A copy is written to the data directory ({@value #EXPORT_FILE})
 * for the operator's backups.
 *
 * <p>Whoever holds the database and the password can sign: this device is for the embedded demo
 * and for tests. A server that sells live postage signs in a PKCS#11 token ({@link Pkcs11Device});
 * see {@code psd.allow-software-keys-for-live-postage} in ServerConfig.
 */
public final class SoftwareDevice implements SigningDevice {
    /** The file name of the keystore copy in the data directory. */
    public static final String EXPORT_FILE = "signing-keys.p12";

    private static final Logger log = LoggerFactory.getLogger(SoftwareDevice.class);

    private final Database db;
    private final char[] password;
    private final Path exportFile;
    private final Provider provider;

    /**
     * @param provider the JCA provider that signs ({@code null}: the JDK's)
     */
    public SoftwareDevice(Database db, char[] password, Path dataDir, Provider provider) {
        this.db = db;
        this.password = password.clone();
        this.exportFile = dataDir.resolve(EXPORT_FILE);
        this.provider = provider;
    }

    @Override
    public Kind kind() {
        return Kind.SOFTWARE;
    }

    @Override
    public String description() {
        return "software keystore in the ledger database (signing with "
                + (provider == null ? "the JDK" : provider.getName()) + ")";
    }

    @Override
    public PublicKey generate(Connection c, long keyId, SignatureAlgorithm algorithm, Instant now) throws SQLException {
        byte[] stored = Sql.one(c, "SELECT pkcs12 FROM signing_keystore WHERE id = 1 FOR UPDATE", rs -> rs.getBytes(1))
                .orElse(null);
        try {
            KeyStore ks = stored == null ? KeyMaterial.newKeyStore() : open(stored);
            KeyPair pair = KeyMaterial.generate(algorithm);
            KeyMaterial.add(ks, keyId, algorithm, pair, now, password);
            byte[] pkcs12 = KeyMaterial.store(ks, password);
            if (stored == null) {
                Sql.update(c, "INSERT INTO signing_keystore (id, version, pkcs12, updated_at) VALUES (1, 1, ?, ?)",
                        pkcs12, now);
            } else {
                Sql.update(c, "UPDATE signing_keystore SET version = version + 1, pkcs12 = ?, updated_at = ? WHERE id = 1",
                        pkcs12, now);
            }
            export(pkcs12);
            return pair.getPublic();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create signing key " + keyId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public IndiciumSigner signer(long keyId, SignatureAlgorithm algorithm) {
        PrivateKey key = privateKey(keyId).orElseThrow(() -> new IllegalStateException("signing key " + keyId
                + " is not in the software keystore of the ledger"));
        try {
            return IndiciumSigner.jca(algorithm, keyId, KeyMaterial.convert(key, algorithm, provider), provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load signing key " + keyId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean holds(long keyId) {
        return privateKey(keyId).isPresent();
    }

    private java.util.Optional<PrivateKey> privateKey(long keyId) {
        byte[] pkcs12 = db.read("read keystore", c -> Sql.one(c, "SELECT pkcs12 FROM signing_keystore WHERE id = 1",
                rs -> rs.getBytes(1))).orElse(null);
        if (pkcs12 == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.ofNullable((PrivateKey) open(pkcs12).getKey(KeyMaterial.alias(keyId), password));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read signing key " + keyId + ": " + e.getMessage(), e);
        }
    }

    private KeyStore open(byte[] pkcs12) {
        try {
            return KeyMaterial.load(pkcs12, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot open the signing keystore stored in the ledger: " + e.getMessage()
                    + ". Is keystore.password (OPENPOSTAGE_KEYSTORE_PASSWORD) the same as on the node that created it?", e);
        }
    }

    private void export(byte[] pkcs12) {
        try {
            SecretFiles.write(exportFile, pkcs12);
        } catch (IOException e) {
            log.warn("could not write the keystore copy {}: {}", exportFile, e.getMessage());
        }
    }

    @Override
    public void close() {
        Arrays.fill(password, '\0');
    }
}
