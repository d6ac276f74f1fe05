package org.openpostage.api.indicium;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.internal.Checks;
import org.openpostage.api.internal.EcdsaSignatures;
import org.openpostage.api.value.Mode;

/**
 * The keys a postal server publishes to verify its indicia, current and retired, live and test
 * (a key's id tells which: {@link VerificationKey#mode()}).
 *
 * <p>Verification needs only the JDK; a verifier with a faster JCA provider at hand (BouncyCastle
 * verifies ECDSA P-256 about ten times faster than the JDK 17 default, see docs/performance.md)
 * passes it to {@link #verify(SignedIndicium, Provider)}. Instances are immutable and thread-safe.
 */
public final class VerificationKeySet {
    /** The first line of the text form. */
    public static final String TEXT_HEADER = "# openpostage verification keys v2";

    private final List<VerificationKey> keys;
    private final Map<Long, VerificationKey> byId = new HashMap<>();
    private final Map<Long, PublicKey> publicKeys = new HashMap<>();
    /** Public keys decoded by a caller's provider, by provider name and key id. */
    private final Map<String, PublicKey> providerKeys = new ConcurrentHashMap<>();

    /**
     * @throws InvalidRequestException if two keys share an id
     */
    public VerificationKeySet(List<VerificationKey> keys) {
        this.keys = Checks.list("keys", keys, 0, 10_000);
        for (VerificationKey key : this.keys) {
            if (byId.put(key.keyId(), key) != null) {
                throw new InvalidRequestException("key id " + key.keyId() + " appears twice in the key set");
            }
            publicKeys.put(key.keyId(), key.toPublicKey());
        }
    }

    /** All keys, in the order given. */
    public List<VerificationKey> keys() {
        return keys;
    }

    /** The key with {@code keyId}. */
    public Optional<VerificationKey> find(long keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** Checks {@code indicium}'s signature against the key it names, with the JDK's default providers. */
    public SignatureCheck verify(SignedIndicium indicium) {
        return verify(indicium, null);
    }

    /**
     * Checks {@code indicium}'s signature against the key it names, with the JCA {@code provider}
     * ({@code null} for the JDK's default providers), then the key's standing: a good signature
     * under a revoked key gives {@link SignatureCheck#REVOKED_KEY}, one dated after its retired
     * key's last date of mailing {@link SignatureCheck#OUTSIDE_KEY_PERIOD}, one under a test key
     * {@link SignatureCheck#TEST_KEY}. The verdict does not depend on the provider.
     */
    public SignatureCheck verify(SignedIndicium indicium, @Nullable Provider provider) {
        IndiciumData data = indicium.data();
        VerificationKey key = byId.get(data.keyId());
        if (key == null) {
            return SignatureCheck.UNKNOWN_KEY;
        }
        if (key.algorithm() != data.algorithm()) {
            return SignatureCheck.BAD_SIGNATURE;
        }
        try {
            boolean ecdsa = data.algorithm() == SignatureAlgorithm.ECDSA_P256_SHA256;
            String name = ecdsa ? "SHA256withECDSA" : "Ed25519";
            Signature s = provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
            s.initVerify(provider == null ? publicKeys.get(data.keyId()) : publicKey(key, provider));
            s.update(indicium.signedPart());
            byte[] raw = indicium.signature().toArray();
            if (!s.verify(ecdsa ? EcdsaSignatures.rawToDer(raw) : raw)) {
                return SignatureCheck.BAD_SIGNATURE;
            }
            if (key.revoked()) {
                return SignatureCheck.REVOKED_KEY;
            }
            if (key.mode() == Mode.TEST) {
                return SignatureCheck.TEST_KEY;
            }
            return key.covers(data.dateOfMailing()) ? SignatureCheck.VALID : SignatureCheck.OUTSIDE_KEY_PERIOD;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return SignatureCheck.BAD_SIGNATURE;
        }
    }

    private PublicKey publicKey(VerificationKey key, Provider provider) throws GeneralSecurityException {
        String cacheKey = Objects.requireNonNull(provider.getName()) + ":" + key.keyId();
        PublicKey cached = providerKeys.get(cacheKey);
        if (cached == null) {
            String algorithm = key.algorithm() == SignatureAlgorithm.ECDSA_P256_SHA256 ? "EC" : "Ed25519";
            cached = KeyFactory.getInstance(algorithm, provider)
                    .generatePublic(new X509EncodedKeySpec(key.publicKey().toArray()));
            providerKeys.putIfAbsent(cacheKey, cached);
        }
        return cached;
    }

    /**
     * The key set as text, one key per line, for files that operators publish and verifiers read:
     *
     * <pre>
     * # openpostage verification keys v2
     * key 7 ECDSA_P256_SHA256 2026-11-01T00:00:00Z - - - MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...
     * key 6 ED25519 2026-01-01T00:00:00Z 2026-11-01T00:00:00Z 2026-11-09 - MCowBQYDK2VwAyEA...
     * </pre>
     *
     * Fields: key id, algorithm, active from, retired at, last date of mailing, revoked at
     * ({@code -} where a key has none), and the public key as base64 X.509
     * SubjectPublicKeyInfo. Read it back with {@link #parse(String)}.
     */
    public String toText() {
        StringBuilder sb = new StringBuilder(TEXT_HEADER).append('\n');
        for (VerificationKey k : keys) {
            sb.append("key ").append(k.keyId()).append(' ').append(k.algorithm()).append(' ').append(k.activeFrom())
                    .append(' ').append(orDash(k.retiredAt())).append(' ').append(orDash(k.lastDateOfMailing()))
                    .append(' ').append(orDash(k.revokedAt())).append(' ').append(k.publicKey().toBase64()).append('\n');
        }
        return sb.toString();
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    /**
     * Reads the text form written by {@link #toText()}, and the six-field lines of version 1
     * ({@code key <id> <algorithm> <activeFrom> <retiredAt|-> <base64>}). Blank lines and lines
     * starting with {@code #} are ignored.
     *
     * @throws InvalidRequestException naming the line that cannot be read
     */
    public static VerificationKeySet parse(String text) {
        List<VerificationKey> keys = new java.util.ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if ((f.length != 6 && f.length != 8) || !f[0].equals("key")) {
                    throw new IllegalArgumentException("expected 'key <id> <algorithm> <activeFrom> <retiredAt|->"
                            + " <lastDateOfMailing|-> <revokedAt|-> <base64>' (or version 1's six fields, without"
                            + " the last date of mailing and revokedAt)");
                }
                boolean v2 = f.length == 8;
                keys.add(new VerificationKey(Long.parseLong(f[1]), SignatureAlgorithm.valueOf(f[2]),
                        org.openpostage.api.value.Bytes.fromBase64(f[f.length - 1]), java.time.Instant.parse(f[3]),
                        instantOrNull(f[4]), v2 && !f[5].equals("-") ? java.time.LocalDate.parse(f[5]) : null,
                        v2 ? instantOrNull(f[6]) : null));
            } catch (RuntimeException e) {
                throw new InvalidRequestException("key set line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new VerificationKeySet(keys);
    }

    private static java.time.@Nullable Instant instantOrNull(String field) {
        return field.equals("-") ? null : java.time.Instant.parse(field);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKeySet other && keys.equals(other.keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

    @Override
    public String toString() {
        return "VerificationKeySet" + keys.stream().map(VerificationKey::keyId).toList();
    }
}
