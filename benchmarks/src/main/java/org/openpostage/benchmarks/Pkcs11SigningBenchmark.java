package org.openpostage.benchmarks;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;

/**
 * Signing an indicium (ECDSA P-256) in the postal security device the reference server uses in
 * production, a PKCS#11 token through the JDK's SunPKCS11 provider (SoftHSM2 here), beside
 * BouncyCastle signing with a key in memory, in one run: what moving the keys into a token costs
 * per purchase.
 *
 * <p>{@link #sign} is {@code IndiciumCodec.sign} with sdk-api's {@link IndiciumSigner#jca} over the
 * token's key, exactly as the server's {@code Pkcs11Device} signs: one {@code Signature} object per
 * thread, each on a session of the provider's pool, so every signature is one {@code C_SignInit} +
 * {@code C_Sign} round trip through JNI into the token. Run it with {@code -t 2} for two threads.
 *
 * <p>Needs SoftHSM2 (Debian package {@code softhsm2}) and {@code SOFTHSM2_CONF} set to a file of
 * your own (SoftHSM reads it once per process); setup writes that file and a token directory next
 * to it if they are missing, and makes a token for the run with {@code softhsm2-util}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Pkcs11SigningBenchmark {
    private static final Path SOFTHSM = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final long KEY_ID = 7;
    private static final String PIN = "benchmark-pin";

    /** {@code pkcs11}: a key inside a SoftHSM2 token; {@code bc}: BouncyCastle with the key in memory. */
    @Param({"pkcs11", "bc"})
    public String device;

    private IndiciumSigner signer;
    private List<IndiciumData> data;

    /** The signing position of each thread. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        data = IntStream.range(0, Fixtures.COUNT).mapToObj(i -> Fixtures.data(3000 + i).toBuilder()
                .algorithm(SignatureAlgorithm.ECDSA_P256_SHA256).keyId(KEY_ID).build()).toList();
        KeyPair pair;
        if (device.equals("pkcs11")) {
            Provider p11 = token();
            KeyStore ks = KeyStore.getInstance("PKCS11", p11);
            ks.load(null, PIN.toCharArray()); // logs in
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p11);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
            ks.setKeyEntry("benchmark-" + KEY_ID, pair.getPrivate(), null, new Certificate[] {selfSigned(pair, p11)});
            PrivateKey inToken = (PrivateKey) ks.getKey("benchmark-" + KEY_ID, null);
            if (inToken.getEncoded() != null) {
                throw new IllegalStateException("the token's key can be read out: " + inToken);
            }
            signer = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, KEY_ID, inToken, p11);
        } else if (device.equals("bc")) {
            Provider bc = new BouncyCastleProvider();
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
            PrivateKey key = KeyFactory.getInstance("EC", bc).generatePrivate(
                    new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded()));
            signer = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, KEY_ID, key, bc);
        } else {
            throw new IllegalArgumentException("device must be pkcs11 or bc, was " + device);
        }
        VerificationKeySet keys = new VerificationKeySet(List.of(VerificationKey.of(KEY_ID,
                SignatureAlgorithm.ECDSA_P256_SHA256, pair.getPublic(), Instant.parse("2026-01-01T00:00:00Z"), null)));
        for (IndiciumData d : data) {
            if (keys.verify(IndiciumCodec.sign(d, signer)) != SignatureCheck.VALID) {
                throw new IllegalStateException(device + ": a signature does not verify");
            }
        }
    }

    /** Encode, sign in the device, assemble: one indicium's signing. */
    @Benchmark
    public SignedIndicium sign(Cursor cursor) {
        cursor.next = (cursor.next + 1) % data.size();
        return IndiciumCodec.sign(data.get(cursor.next), signer);
    }

    /** A fresh SoftHSM2 token for this run, opened through SunPKCS11 and logged in. */
    private static Provider token() throws IOException, InterruptedException {
        if (!Files.isRegularFile(SOFTHSM)) {
            throw new IllegalStateException("SoftHSM2 is not installed (Debian package softhsm2)");
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("set SOFTHSM2_CONF to a file of your own, for example "
                    + "SOFTHSM2_CONF=/tmp/openpostage-bench/softhsm2.conf (docs/performance.md)");
        }
        Path confFile = Path.of(conf);
        Path tokens = confFile.toAbsolutePath().resolveSibling("tokens");
        Files.createDirectories(tokens);
        if (!Files.exists(confFile)) {
            Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
        }
        String label = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN,
                "--so-pin", PIN + "-so").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util failed: " + out);
        }
        // The new token is the only one with this label; softhsm2-util printed the slot it landed in.
        String slot = out.replaceAll("(?s).*reassigned to slot (\\d+).*", "$1").strip();
        Provider provider = Security.getProvider("SunPKCS11").configure("--name=bench\nlibrary=" + SOFTHSM + "\nslot="
                + slot + "\nattributes(*, CKO_PRIVATE_KEY, *) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
        return provider;
    }

    private static java.security.cert.X509Certificate selfSigned(KeyPair pair, Provider signer)
            throws GeneralSecurityException {
        try {
            X500Name name = new X500Name("CN=benchmark key");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(KEY_ID), Date.from(now),
                    Date.from(now.plusSeconds(86_400)), name, pair.getPublic());
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").setProvider(signer).build(pair.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException | java.security.cert.CertificateException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
