package org.openpostage.transport.grpc;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openpostage.api.TlsSettings;

/**
 * Test certificates made with BouncyCastle, once per test run: a CA, a server certificate for
 * localhost/127.0.0.1, a client certificate for partner {@code portal-1} issued by the same CA,
 * and a client certificate issued by an unrelated CA. Written as PEM and PKCS#12 files.
 */
final class TestPki {
    static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(1000);
    private static TestPki instance;

    final Path dir;
    final Path caPem;
    final Path serverChainPem;
    final Path serverKeyPem;
    final Path clientP12;
    final Path strangerP12;
    final X509Certificate clientCertificate;

    private TestPki() throws GeneralSecurityException, IOException {
        dir = Files.createTempDirectory("openpostage-grpc-pki");
        dir.toFile().deleteOnExit();
        Issued ca = issue("CN=OpenPostage Test CA", null, true, null);
        Issued server = issue("CN=localhost", ca, false, KeyPurposeId.id_kp_serverAuth);
        Issued client = issue("CN=portal-1", ca, false, KeyPurposeId.id_kp_clientAuth);
        Issued strangerCa = issue("CN=Stranger CA", null, true, null);
        Issued stranger = issue("CN=portal-1", strangerCa, false, KeyPurposeId.id_kp_clientAuth);

        caPem = write("ca.pem", pem("CERTIFICATE", ca.certificate.getEncoded()));
        serverChainPem = write("server-chain.pem", pem("CERTIFICATE", server.certificate.getEncoded())
                + pem("CERTIFICATE", ca.certificate.getEncoded()));
        serverKeyPem = write("server-key.pem", pem("PRIVATE KEY", server.keys.getPrivate().getEncoded()));
        clientP12 = pkcs12("client.p12", client, ca);
        strangerP12 = pkcs12("stranger.p12", stranger, strangerCa);
        clientCertificate = client.certificate;
    }

    /** The shared instance, made on first use. */
    static synchronized TestPki get() {
        if (instance == null) {
            try {
                instance = new TestPki();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot make test certificates", e);
            }
        }
        return instance;
    }

    /** Client TLS settings trusting the test CA, without a client certificate. */
    TlsSettings trustOnly() {
        return TlsSettings.builder().trustCertificates(caPem).build();
    }

    /** Client TLS settings trusting the test CA and presenting {@code p12}. */
    TlsSettings withClientCertificate(Path p12) {
        return TlsSettings.builder().trustCertificates(caPem).clientKeyStore(p12, PASSWORD).build();
    }

    private record Issued(KeyPair keys, X509Certificate certificate) {
    }

    private static Issued issue(String subject, Issued issuer, boolean ca, KeyPurposeId purpose)
            throws GeneralSecurityException, IOException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = kpg.generateKeyPair();
        Instant now = Instant.now();
        X500Name subjectName = new X500Name(subject);
        X500Name issuerName = issuer == null ? subjectName
                : X500Name.getInstance(issuer.certificate.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), subjectName, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (purpose == KeyPurposeId.id_kp_serverAuth) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
        }
        try {
            var signer = new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(issuer == null ? keys.getPrivate() : issuer.keys.getPrivate());
            return new Issued(keys, new JcaX509CertificateConverter().getCertificate(builder.build(signer)));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private Path pkcs12(String name, Issued leaf, Issued ca) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", leaf.keys.getPrivate(), PASSWORD,
                new Certificate[] {leaf.certificate, ca.certificate});
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD);
        }
        file.toFile().deleteOnExit();
        return file;
    }

    private Path write(String name, String text) {
        try {
            Path file = Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
