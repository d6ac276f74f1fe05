package org.openpostage.transport.xml.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openpostage.api.TlsSettings;

/**
 * A throw-away certificate authority for tests: a CA, server certificates for 127.0.0.1 and
 * localhost, and client certificates, all EC P-256, made with BouncyCastle.
 */
public final class TestPki {
    /** The password of every key store made here. */
    public static final char[] PASSWORD = "changeit".toCharArray();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate caCert;

    private TestPki(String name) {
        try {
            caKeys = newKeyPair();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder b = builder(subject, subject, caKeys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic()));
            caCert = sign(b, caKeys.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new CA named {@code name}. */
    public static TestPki create(String name) {
        return new TestPki(name);
    }

    /** The CA certificate. */
    public X509Certificate caCertificate() {
        return caCert;
    }

    /** A server certificate for {@code 127.0.0.1} and {@code localhost}. */
    public Identity server() {
        return server("localhost", List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    }

    /** A server certificate with exactly the given subject alternative names. */
    public Identity server(String cn, List<GeneralName> names) {
        return issue(cn, names, KeyPurposeId.id_kp_serverAuth);
    }

    /** A client certificate whose subject is {@code CN=cn}. */
    public Identity client(String cn) {
        return issue(cn, List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    /** A server TLS context presenting {@code server} and trusting this CA for client certificates. */
    public SSLContext serverContext(Identity server) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(server.keyStore(), PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key store trusting this CA. */
    public KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", caCert);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Client TLS settings trusting this CA, presenting no certificate. */
    public TlsSettings clientTrust() {
        return TlsSettings.builder().trustStore(trustStore()).build();
    }

    /** Client TLS settings trusting this CA and presenting {@code identity}. */
    public TlsSettings clientTrust(Identity identity) {
        return TlsSettings.builder().trustStore(trustStore()).clientKeyStore(identity.keyStore(), PASSWORD).build();
    }

    /** A TLS context for raw test clients: trusts this CA, presents nothing. */
    public SSLContext clientContext() {
        return clientTrust().sslContext();
    }

    /** Writes the CA certificate as PEM to {@code file}. */
    public Path writeCaPem(Path file) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(caCert);
        }
        return Files.writeString(file, s.toString());
    }

    private Identity issue(String cn, List<GeneralName> names, KeyPurposeId purpose) {
        try {
            KeyPair keys = newKeyPair();
            X509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()),
                    new X500Name("CN=" + cn), keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Identity(keys.getPrivate(), sign(b, caKeys.getPrivate()), caCert);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /**
     * A key and its certificate, issued by {@code ca}.
     *
     * @param key  the private key
     * @param cert the certificate
     * @param ca   the issuing CA's certificate
     */
    public record Identity(PrivateKey key, X509Certificate cert, X509Certificate ca) {
        /** A PKCS#12 store holding the key with the chain (certificate, CA). */
        public KeyStore keyStore() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", key, PASSWORD, new Certificate[] {cert, ca});
                return ks;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
