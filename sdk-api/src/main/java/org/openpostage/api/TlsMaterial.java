package org.openpostage.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.ConfigurationException;

/**
 * The one reader of TLS files in OpenPostage: certificates and private keys in PEM, and PKCS#12
 * stores. Clients ({@link TlsSettings}), the transports' server bindings and the reference
 * applications all read their files here, so a file that works in one place works in every other,
 * and is refused everywhere with the same message.
 *
 * <p>The rules:
 * <ul>
 *   <li><b>Certificates</b> are read by the JDK's X.509 {@link CertificateFactory}: PEM
 *       ({@code -----BEGIN CERTIFICATE-----} blocks, text around them ignored) or DER; a file without
 *       any certificate is refused.</li>
 *   <li><b>Private keys</b> are PEM in the textual encoding of RFC 7468: an unencrypted PKCS#8 key
 *       ({@code -----BEGIN PRIVATE KEY-----}) or an encrypted one ({@code -----BEGIN ENCRYPTED
 *       PRIVATE KEY-----}, PBES2 as {@code openssl pkcs8 -topk8} writes it) with its password; EC, RSA,
 *       Ed25519 and Ed448 keys. The older OpenSSL forms ({@code RSA PRIVATE KEY}, {@code EC PRIVATE
 *       KEY}) are refused with the command that converts them. The block's label must match at both
 *       ends and its body be Base64 only.</li>
 *   <li><b>A certificate chain and its key</b> are checked to belong together (the key signs, the
 *       certificate's public key verifies), so a mixed-up pair fails at start, naming both files,
 *       and not at the first handshake.</li>
 *   <li><b>PKCS#12</b> stores are read with their password; a wrong password or a damaged file is
 *       refused naming the file.</li>
 * </ul>
 *
 * <p>The JDK parses the certificates and the keys' DER; this class adds only the PEM armour around
 * keys, which the JDK does not read. (BouncyCastle's PEM parser would do the same, but sdk-api depends
 * on the JDK alone.) Every failure is a {@link ConfigurationException} naming the file. Stateless and
 * thread-safe.
 */
public final class TlsMaterial {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R?([A-Za-z0-9+/=\\s]*?)-----END ([A-Z0-9 ]+)-----");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");
    private static final char[] NO_PASSWORD = new char[0];
    private static final SecureRandom RANDOM = new SecureRandom();

    private TlsMaterial() {
    }

    /**
     * Every certificate in {@code file} (PEM or DER), in the file's order.
     *
     * @throws ConfigurationException if the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new ConfigurationException(file + " holds no certificate (PEM: -----BEGIN CERTIFICATE----- blocks)");
            }
            return List.copyOf(certs);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A trust store holding every certificate of {@code file} (PEM or DER).
     *
     * @throws ConfigurationException if the file cannot be read or holds no certificate
     */
    public static KeyStore trustStore(Path file) {
        try {
            KeyStore ks = emptyStore();
            int i = 0;
            for (X509Certificate c : certificates(file)) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot trust the certificates in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The private key in PEM file {@code file}: unencrypted PKCS#8, or encrypted PKCS#8 when
     * {@code password} is given.
     *
     * @throws ConfigurationException if the file cannot be read, holds no such key, or the password is wrong
     */
    public static PrivateKey privateKey(Path file, char @Nullable [] password) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the private key " + file + ": " + e.getMessage(), e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.equals(m.group(3))) {
                throw new ConfigurationException(file + ": a PEM block begins as '" + label + "' and ends as '"
                        + m.group(3) + "'");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(file + ": the '" + label + "' block is not valid Base64", e);
            }
            switch (label) {
                case "PRIVATE KEY":
                    return pkcs8(new PKCS8EncodedKeySpec(der), file);
                case "ENCRYPTED PRIVATE KEY":
                    if (password == null || password.length == 0) {
                        throw new ConfigurationException(file + " holds an encrypted private key: give its password");
                    }
                    return pkcs8(decrypt(der, password, file), file);
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    throw new ConfigurationException(file + " holds a key in OpenSSL's older '" + label + "' form; "
                            + "convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                            + " -out key-pkcs8.pem");
                default:
                    // a certificate or parameters beside the key: look further
            }
        }
        throw new ConfigurationException(file + " holds no private key (PEM: -----BEGIN PRIVATE KEY----- or "
                + "-----BEGIN ENCRYPTED PRIVATE KEY-----); a key in another form converts with: openssl pkcs8 -topk8 "
                + "-nocrypt -in key.pem -out key-pkcs8.pem");
    }

    /**
     * A key store holding the key of PEM file {@code privateKey} with the chain of PEM file
     * {@code certificateChain} (leaf first), under alias {@code "key"} and an empty key password,
     * after checking that the key belongs to the chain's first certificate.
     *
     * @param keyPassword the password of an encrypted key, or {@code null}
     * @throws ConfigurationException if a file cannot be read, or the key is not the certificate's
     */
    public static KeyStore keyStore(Path certificateChain, Path privateKey, char @Nullable [] keyPassword) {
        List<X509Certificate> chain = certificates(certificateChain);
        PrivateKey key = privateKey(privateKey, keyPassword);
        requireMatch(key, chain.get(0), certificateChain, privateKey);
        try {
            KeyStore ks = emptyStore();
            ks.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot keep the key of " + privateKey + " with the certificates of "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /**
     * The PKCS#12 store in {@code file}.
     *
     * @param what     what the file is, for messages (such as {@code "tls.keystore"})
     * @throws ConfigurationException if it cannot be read or the password is wrong
     */
    public static KeyStore pkcs12(Path file, char @Nullable [] password, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password == null ? NO_PASSWORD : password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot read the " + what + " " + file + " (PKCS#12; is the password "
                    + "right?): " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return ks;
    }

    private static PrivateKey pkcs8(PKCS8EncodedKeySpec spec, Path file) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm's key: try the next
            }
        }
        throw new ConfigurationException(file + " holds a private key that is neither EC, RSA, Ed25519 nor Ed448, "
                + "or is damaged");
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, char[] password, Path file) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            // PBES2's parameters name the whole scheme, such as PBEWithHmacSHA256AndAES_256.
            String scheme = params == null ? info.getAlgName() : params.toString();
            Cipher cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(scheme).generateSecret(
                    new PBEKeySpec(password)), params);
            return info.getKeySpec(cipher);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot decrypt the private key " + file + " (is the password right?): "
                    + e.getMessage(), e);
        }
    }

    private static void requireMatch(PrivateKey key, X509Certificate leaf, Path chainFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another kind than the certificate's: not its key
        }
        throw new ConfigurationException("the private key in " + keyFile + " does not belong to the certificate "
                + leaf.getSubjectX500Principal().getName() + " in " + chainFile);
    }
}
