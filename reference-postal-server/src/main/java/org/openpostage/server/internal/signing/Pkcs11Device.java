package org.openpostage.server.internal.signing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PKCS#11 token as the signing device, through the JDK's SunPKCS11 provider: a network or PCIe
 * hardware security module in production, SoftHSM2 in development and tests.
 *
 * <p>Keys are created inside the token (ECDSA P-256; SunPKCS11 on Java 17 has no Ed25519) as
 * token objects with {@code CKA_SENSITIVE=true} and {@code CKA_EXTRACTABLE=false}: the private
 * key never leaves the token, in plain or wrapped form, and every signature is made there. Each
 * key is stored with a self-signed certificate (the JDK's PKCS#11 keystore lists a key only with
 * one; its serial number is the key id) under the alias {@code openpostage-<installation>-<keyId>},
 * so that several ledgers (staging and production, say) can share one token without mixing keys.
 *
 * <p>The token is chosen by slot id or by label ({@link Pkcs11Slots}); the user PIN comes from the
 * environment ({@code OPENPOSTAGE_PSD_PKCS11_PIN}). Signers reuse one {@code Signature} object
 * per thread, each over a session from the provider's pool.
 */
public final class Pkcs11Device implements SigningDevice {
    private static final Logger log = LoggerFactory.getLogger(Pkcs11Device.class);

    /** Where and how to reach the token. */
    public record Settings(Path library, Long slot, String tokenLabel, char[] pin) {
        /** Never shows the PIN. */
        @Override
        public String toString() {
            return "PKCS#11 " + library + (tokenLabel != null ? " token '" + tokenLabel + "'" : " slot " + slot);
        }
    }

    private final Provider provider;
    private final char[] pin;
    private final String aliasPrefix;
    private final String description;

    private Pkcs11Device(Provider provider, char[] pin, String aliasPrefix, String description) {
        this.provider = provider;
        this.pin = pin;
        this.aliasPrefix = aliasPrefix;
        this.description = description;
    }

    /**
     * Opens the token and logs in with the user PIN.
     *
     * @param installationId the ledger's installation id: the prefix of this ledger's key aliases
     * @throws ConfigurationException if the library, the token or the PIN cannot be used
     */
    public static Pkcs11Device open(Settings settings, String installationId) {
        if (!Files.isRegularFile(settings.library())) {
            throw new ConfigurationException("psd.pkcs11.library " + settings.library() + " is not a file: install the "
                    + "token's PKCS#11 library (SoftHSM2: Debian package softhsm2, /usr/lib/softhsm/libsofthsm2.so)");
        }
        if (settings.pin() == null || settings.pin().length == 0) {
            throw new ConfigurationException("the PKCS#11 user PIN is not set: put it in the environment variable "
                    + "OPENPOSTAGE_PSD_PKCS11_PIN");
        }
        long slot = settings.tokenLabel() != null
                ? Pkcs11Slots.slotOf(settings.library(), settings.tokenLabel())
                : settings.slot();
        String config = "--name=openpostage-psd\n"
                + "library=" + settings.library().toAbsolutePath() + "\n"
                + "slot=" + slot + "\n"
                // Every private key the provider creates or stores in the token stays in it.
                + "attributes(*, CKO_PRIVATE_KEY, *) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";
        Provider provider;
        try {
            provider = Security.getProvider("SunPKCS11").configure(config);
        } catch (RuntimeException e) {
            throw new ConfigurationException("cannot open the PKCS#11 token in slot " + slot + " of "
                    + settings.library() + ": " + e.getMessage(), e);
        }
        String what = settings.tokenLabel() != null ? "token '" + settings.tokenLabel() + "' (slot " + slot + ")"
                : "slot " + slot;
        Pkcs11Device device = new Pkcs11Device(provider, settings.pin().clone(), "openpostage-" + installationId + "-",
                "PKCS#11 " + what + " via " + settings.library());
        try {
            device.keyStore(); // logs in: a wrong PIN fails here, not at the first purchase
        } catch (ConfigurationException e) {
            device.close();
            throw e;
        }
        return device;
    }

    @Override
    public Kind kind() {
        return Kind.PKCS11;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public PublicKey generate(Connection c, long keyId, SignatureAlgorithm algorithm, Instant now) {
        if (algorithm != SignatureAlgorithm.ECDSA_P256_SHA256) {
            throw new IllegalStateException("the PKCS#11 device creates ECDSA P-256 keys only (the JDK's SunPKCS11 has"
                    + " no Ed25519); set signing.algorithm to ECDSA_P256_SHA256");
        }
        try {
            KeyStore ks = keyStore();
            String alias = alias(keyId);
            if (ks.containsAlias(alias)) {
                // Created by an earlier attempt whose transaction did not commit: never published, never used.
                log.warn("replacing an unused key under alias {} in the token (its creation did not commit)", alias);
                ks.deleteEntry(alias);
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            X500Name name = new X500Name("CN=OpenPostage indicium signing key " + keyId);
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(keyId), Date.from(now),
                    Date.from(now.plus(365L * 30, ChronoUnit.DAYS)), name, pair.getPublic());
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(provider).build(pair.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            // Stores the key as a token object under the alias (the generated one is a session object).
            ks.setKeyEntry(alias, pair.getPrivate(), null, new Certificate[] {cert});
            log.info("created signing key {} inside the token ({})", keyId, description);
            return pair.getPublic();
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("the PKCS#11 token could not create signing key " + keyId + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public IndiciumSigner signer(long keyId, SignatureAlgorithm algorithm) {
        PrivateKey key = privateKey(keyId);
        if (key == null) {
            throw new IllegalStateException("signing key " + keyId + " is not in the PKCS#11 token (" + description
                    + "): is this node connected to the token that holds this ledger's keys?");
        }
        return IndiciumSigner.jca(algorithm, keyId, key, provider);
    }

    @Override
    public boolean holds(long keyId) {
        return privateKey(keyId) != null;
    }

    private PrivateKey privateKey(long keyId) {
        try {
            Key key = keyStore().getKey(alias(keyId), null);
            return key instanceof PrivateKey p ? p : null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read signing key " + keyId + " from the token: " + e.getMessage(), e);
        }
    }

    /** The token's keystore, loaded afresh: it then lists keys other nodes created meanwhile. */
    private KeyStore keyStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot log in to the PKCS#11 token (" + description + "): "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + ". Is OPENPOSTAGE_PSD_PKCS11_PIN the token's user PIN?", e);
        }
    }

    private String alias(long keyId) {
        return aliasPrefix + keyId;
    }

    /** The JCA provider of the token, for tools and tests that sign or inspect keys through it. */
    public Provider provider() {
        return provider;
    }

    /** The alias of key {@code keyId} in the token. */
    public String aliasOf(long keyId) {
        return alias(keyId);
    }

    /**
     * Forgets the PIN. It does not log out: a PKCS#11 login holds for the whole process, so a
     * logout would also end the sessions of another core (a second node in the same JVM) on the
     * same token.
     */
    @Override
    public void close() {
        Arrays.fill(pin, '\0');
    }
}
