package org.openpostage.server.internal.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.server.internal.util.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development CA and server certificate a postal server uses when no keystore is configured.
 * On first start they are created (EC P-256, BouncyCastle) in a directory: {@code ca.pem} (the
 * certificate portals trust), {@code ca.p12} (the CA's key, to re-issue the server certificate),
 * {@code server.p12} (the server's key and chain) and {@code keystore.password}, all readable by
 * the owner only. Later starts reuse them; an expiring server certificate, or one that does not
 * name the host to serve, is re-issued by the same CA, so portals keep trusting it.
 *
 * <p>For development and tests only: production servers use a keystore from a real CA.
 */
public final class DevCertificates {
    /** The CA certificate file name. */
    public static final String CA_PEM = "ca.pem";

    private static final Logger log = LoggerFactory.getLogger(DevCertificates.class);
    private static final String CA_P12 = "ca.p12";
    private static final String SERVER_P12 = "server.p12";
    private static final String PASSWORD_FILE = "keystore.password";
    private static final String ALIAS = "key";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private DevCertificates() {
    }

    /**
     * The development server keystore in {@code dir}, created or re-issued as needed.
     *
     * @param dir       the directory ({@code <data.dir>/tls})
     * @param hostNames DNS names and IP addresses the server certificate must name
     */
    public static ServerKeys ensure(Path dir, List<String> hostNames) {
        try {
            Files.createDirectories(dir);
            Path password = dir.resolve(PASSWORD_FILE);
            char[] pass = Files.exists(password)
                    ? Files.readString(password, StandardCharsets.US_ASCII).strip().toCharArray()
                    : writePassword(password);
            KeyStore ca = load(dir.resolve(CA_P12), pass);
            if (ca == null || !Files.exists(dir.resolve(CA_PEM)) || expiring(cert(ca))) {
                ca = createCa(pass);
                store(ca, dir.resolve(CA_P12), pass);
                writePem(cert(ca), dir.resolve(CA_PEM));
                Files.deleteIfExists(dir.resolve(SERVER_P12));
                log.info("development CA created: {} (portals trust this file)", dir.resolve(CA_PEM));
            }
            KeyStore server = load(dir.resolve(SERVER_P12), pass);
            if (server == null || expiring(cert(server)) || !names(cert(server)).containsAll(hostNames)
                    || !issuedBy(cert(server), cert(ca))) {
                server = issueServer(ca, pass, hostNames);
                store(server, dir.resolve(SERVER_P12), pass);
                log.info("development server certificate issued for {}", hostNames);
            }
            return new ServerKeys(server, pass, dir.resolve(CA_PEM));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new ConfigurationException("cannot create or read the development certificates in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes {@code certificate} as a PEM file, readable by everyone (it is public). */
    public static void writePem(X509Certificate certificate, Path file) throws IOException, GeneralSecurityException {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static KeyStore createCa(char[] pass) throws GeneralSecurityException, OperatorCreationException,
            IOException {
        KeyPair kp = keyPair();
        X500Name name = new X500Name("CN=OpenPostage development CA " + Long.toHexString(RANDOM.nextLong()));
        Instant now = Instant.now();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(CA_VALIDITY)), name, kp.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        X509Certificate cert = sign(b, kp.getPrivate());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, kp.getPrivate(), pass, new Certificate[] {cert});
        return ks;
    }

    private static KeyStore issueServer(KeyStore ca, char[] pass, List<String> hostNames)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509Certificate caCert = cert(ca);
        PrivateKey caKey = (PrivateKey) ca.getKey(ALIAS, pass);
        KeyPair kp = keyPair();
        List<GeneralName> sans = new ArrayList<>();
        for (String h : hostNames) {
            sans.add(new GeneralName(isIp(h) ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        Instant now = Instant.now();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(SERVER_VALIDITY)), new X500Name("CN=" + hostNames.get(0)), kp.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        X509Certificate cert = sign(b, caKey);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, kp.getPrivate(), pass, new Certificate[] {cert, caCert});
        return ks;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static boolean isIp(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    private static X509Certificate cert(KeyStore ks) throws GeneralSecurityException {
        return (X509Certificate) ks.getCertificate(ALIAS);
    }

    private static boolean expiring(X509Certificate c) {
        return c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
    }

    private static boolean issuedBy(X509Certificate leaf, X509Certificate ca) {
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Set<String> names(X509Certificate c) throws CertificateParsingException {
        Set<String> names = new HashSet<>();
        Collection<List<?>> sans = c.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                names.add(String.valueOf(san.get(1)));
            }
        }
        return names;
    }

    private static KeyStore load(Path file, char[] pass) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pass);
            return ks.getCertificate(ALIAS) instanceof X509Certificate ? ks : null;
        } catch (GeneralSecurityException | IOException e) {
            log.warn("{} cannot be read ({}); creating a new one", file, e.getMessage());
            return null;
        }
    }

    private static void store(KeyStore ks, Path file, char[] pass) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, pass);
        SecretFiles.write(file, out.toByteArray());
    }

    private static char[] writePassword(Path file) throws IOException {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        SecretFiles.write(file, password + "\n");
        return password.toCharArray();
    }

    /**
     * A server's TLS key material.
     *
     * @param keyStore      PKCS#12 with one key entry: the server's key and certificate chain
     * @param password      its password (store and key)
     * @param caCertificate the PEM file portals trust
     */
    public record ServerKeys(KeyStore keyStore, char[] password, Path caCertificate) {
    }
}
