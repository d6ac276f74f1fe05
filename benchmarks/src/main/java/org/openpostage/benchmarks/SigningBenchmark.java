package org.openpostage.benchmarks;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Signing and verifying indicia with ECDSA P-256 and Ed25519, with the JDK's default provider and
 * with BouncyCastle, in one run: the choice behind the postal server's {@code signing.provider}.
 *
 * <p>{@link #sign} is what a purchase costs: {@link IndiciumCodec#sign} encodes the 63-byte signed
 * part, signs it with sdk-api's {@link IndiciumSigner#jca} (DER to {@code r || s} included) and
 * assembles the 127 bytes. The private key is converted to the provider's own key class first, as
 * the server does. {@link #verify} checks one JCA signature (DER for ECDSA) over the 63 bytes with
 * the same provider. Operations cycle through 16 different indicia, and ECDSA draws a fresh random
 * nonce each time; setup checks that each provider's signatures verify with the other provider and
 * that the signed indicia verify against sdk-api's {@link VerificationKeySet}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SigningBenchmark {
    private static final long KEY_ID = 9;

    /** The signature algorithm. */
    @Param({"ECDSA_P256_SHA256", "ED25519"})
    public SignatureAlgorithm algorithm;

    /** {@code jdk}: the JDK's default provider; {@code bc}: BouncyCastle (not installed globally). */
    @Param({"jdk", "bc"})
    public String provider;

    private IndiciumSigner signer;
    private Signature verifier;
    private List<IndiciumData> data;
    private List<byte[]> payloads;
    private List<byte[]> signatures;
    private int next;

    @Setup
    public void setUp() throws GeneralSecurityException {
        Provider bc = new BouncyCastleProvider();
        Provider chosen = provider.equals("bc") ? bc : null;
        if (!provider.equals("bc") && !provider.equals("jdk")) {
            throw new IllegalArgumentException("provider must be jdk or bc, was " + provider);
        }
        KeyPair pair = generate(algorithm);
        signer = IndiciumSigner.jca(algorithm, KEY_ID, privateKey(pair.getPrivate(), chosen), chosen);
        verifier = signature(chosen);
        verifier.initVerify(publicKey(pair.getPublic(), chosen));

        data = IntStream.range(0, Fixtures.COUNT).mapToObj(i -> Fixtures.data(2000 + i)).map(d -> d.toBuilder()
                .algorithm(algorithm).keyId(KEY_ID).build()).toList();
        payloads = data.stream().map(IndiciumCodec::encodePayload).toList();
        Signature jcaSigner = signature(chosen);
        jcaSigner.initSign(privateKey(pair.getPrivate(), chosen));
        signatures = new ArrayList<>();
        for (byte[] payload : payloads) {
            jcaSigner.update(payload);
            signatures.add(jcaSigner.sign());
        }

        VerificationKeySet keySet = new VerificationKeySet(List.of(VerificationKey.of(KEY_ID, algorithm,
                pair.getPublic(), Instant.parse("2026-01-01T00:00:00Z"), null)));
        Provider other = chosen == null ? bc : null;
        Signature cross = signature(other);
        cross.initVerify(publicKey(pair.getPublic(), other));
        for (int i = 0; i < payloads.size(); i++) {
            cross.update(payloads.get(i));
            boolean ok = cross.verify(signatures.get(i)) && verify(i)
                    && keySet.verify(IndiciumCodec.sign(data.get(i), signer)) == SignatureCheck.VALID;
            if (!ok) {
                throw new IllegalStateException(algorithm + " signature " + i + " by " + provider + " does not verify");
            }
        }
    }

    /** Encode the signed part, sign it, assemble the 127-byte indicium: one purchase's signing. */
    @Benchmark
    public SignedIndicium sign() {
        next = (next + 1) % data.size();
        return IndiciumCodec.sign(data.get(next), signer);
    }

    /** Verify one signature over a 63-byte signed part. */
    @Benchmark
    public boolean verify() throws GeneralSecurityException {
        next = (next + 1) % payloads.size();
        return verify(next);
    }

    private boolean verify(int i) throws GeneralSecurityException {
        verifier.update(payloads.get(i));
        return verifier.verify(signatures.get(i));
    }

    private Signature signature(Provider p) throws GeneralSecurityException {
        String name = algorithm == SignatureAlgorithm.ECDSA_P256_SHA256 ? "SHA256withECDSA" : "Ed25519";
        return p == null ? Signature.getInstance(name) : Signature.getInstance(name, p);
    }

    private PrivateKey privateKey(PrivateKey key, Provider p) throws GeneralSecurityException {
        return keyFactory(p).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    private PublicKey publicKey(PublicKey key, Provider p) throws GeneralSecurityException {
        return keyFactory(p).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }

    private KeyFactory keyFactory(Provider p) throws GeneralSecurityException {
        String alg = algorithm.keyAlgorithm();
        return p == null ? KeyFactory.getInstance(alg) : KeyFactory.getInstance(alg, p);
    }

    private static KeyPair generate(SignatureAlgorithm algorithm) throws GeneralSecurityException {
        if (algorithm == SignatureAlgorithm.ECDSA_P256_SHA256) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        }
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }
}
