package org.openpostage.server.internal.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openpostage.api.indicium.SignatureAlgorithm;

/**
 * Key pairs, their self-signed certificates and the PKCS#12 keystore that holds them. A private
 * key is stored under the alias {@code key-<keyId>}, with a self-signed certificate (PKCS#12
 * needs one) whose serial number is the key id.
 */
final class KeyMaterial {
    private KeyMaterial() {
    }

    static String alias(long keyId) {
        return "key-" + keyId;
    }

    static KeyPair generate(SignatureAlgorithm algorithm) throws GeneralSecurityException {
        if (algorithm == SignatureAlgorithm.ECDSA_P256_SHA256) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        }
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static KeyStore newKeyStore() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        return ks;
    }

    static KeyStore load(byte[] pkcs12, char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(pkcs12), password);
        return ks;
    }

    static byte[] store(KeyStore ks, char[] password) throws GeneralSecurityException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    /** Adds {@code pair} to {@code ks} as key {@code keyId}, with a self-signed certificate. */
    static void add(KeyStore ks, long keyId, SignatureAlgorithm algorithm, KeyPair pair, Instant now, char[] password)
            throws GeneralSecurityException {
        X500Name name = new X500Name("CN=OpenPostage indicium signing key " + keyId);
        PrivateKey bcKey = convert(pair.getPrivate(), algorithm, Providers.bouncyCastle());
        try {
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(keyId), Date.from(now),
                    Date.from(now.plus(365L * 30, ChronoUnit.DAYS)), name, pair.getPublic());
            String sigAlg = algorithm == SignatureAlgorithm.ECDSA_P256_SHA256 ? "SHA256withECDSA" : "Ed25519";
            var signer = new JcaContentSignerBuilder(sigAlg).setProvider(Providers.bouncyCastle()).build(bcKey);
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            ks.setKeyEntry(alias(keyId), pair.getPrivate(), password, new Certificate[] {cert});
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the certificate of key " + keyId + ": " + e.getMessage(), e);
        }
    }

    /** {@code key} as a key of {@code provider} ({@code null}: the JDK's), for signing with it. */
    static PrivateKey convert(PrivateKey key, SignatureAlgorithm algorithm, Provider provider)
            throws GeneralSecurityException {
        String alg = algorithm.keyAlgorithm();
        KeyFactory f = provider == null ? KeyFactory.getInstance(alg) : KeyFactory.getInstance(alg, provider);
        return f.generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }
}
