package org.openpostage.server.internal.signing;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;

/**
 * Where the private halves of the signing keys live and where every signature is made: the
 * server's postal security device (PSD). {@link SigningKeys} keeps the public halves, the keys'
 * states and which key signs; the device only creates key pairs and signs.
 *
 * <p>Two implementations: {@link Pkcs11Device}, a PKCS#11 token (a hardware security module, or
 * SoftHSM2 in development) whose keys are created inside it and never leave it; and {@link
 * SoftwareDevice}, a password-protected PKCS#12 keystore kept in the ledger database, for the
 * embedded demo and tests only. Implementations are thread-safe.
 */
public interface SigningDevice extends AutoCloseable {
    /** The kinds of device, as recorded with each key ({@code signing_keys.device}). */
    enum Kind {
        /** The PKCS#12 keystore in the ledger database. */
        SOFTWARE,
        /** A PKCS#11 token. */
        PKCS11
    }

    /** Which kind of device this is. */
    Kind kind();

    /** What the device is, for logs and the operator: never a PIN or a password. */
    String description();

    /**
     * Creates a key pair for key {@code keyId} inside the device and returns its public half. A
     * device that keeps its keys in the ledger ({@link SoftwareDevice}) writes them in the caller's
     * transaction {@code c}, so that the key exists exactly when the transaction commits; a token
     * keeps the key even if the transaction then fails (it is never used, since only keys recorded
     * in {@code signing_keys} sign, and it is replaced if the id is tried again).
     *
     * @throws IllegalStateException if the device cannot create the key
     */
    PublicKey generate(Connection c, long keyId, SignatureAlgorithm algorithm, Instant now) throws SQLException;

    /**
     * A signer for key {@code keyId}, which must be one this device created.
     *
     * @throws IllegalStateException if the device does not hold that key
     */
    IndiciumSigner signer(long keyId, SignatureAlgorithm algorithm);

    /** Whether the device holds the private half of key {@code keyId}. */
    boolean holds(long keyId);

    /** Releases the device (logs out of a token). */
    @Override
    void close();
}
