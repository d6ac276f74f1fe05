package org.openpostage.render;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;

/** Keys made for the tests and indicia signed with them. */
public final class TestIndicia {
    public static final long EC_KEY_ID = 7;
    public static final long ED_KEY_ID = 8;
    public static final KeyPair EC = generate("EC");
    public static final KeyPair ED = generate("Ed25519");
    public static final IndiciumSigner EC_SIGNER = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, EC_KEY_ID,
            EC.getPrivate(), null);
    public static final IndiciumSigner ED_SIGNER = IndiciumSigner.jca(SignatureAlgorithm.ED25519, ED_KEY_ID,
            ED.getPrivate(), null);
    public static final VerificationKeySet KEYS = new VerificationKeySet(List.of(
            VerificationKey.of(EC_KEY_ID, SignatureAlgorithm.ECDSA_P256_SHA256, EC.getPublic(),
                    Instant.parse("2026-01-01T00:00:00Z"), null),
            VerificationKey.of(ED_KEY_ID, SignatureAlgorithm.ED25519, ED.getPublic(),
                    Instant.parse("2026-01-01T00:00:00Z"), null)));

    private TestIndicia() {
    }

    /** Fields of a live letter from meter 4711, piece {@code serial}. */
    public static IndiciumData.Builder data(long serial) {
        return IndiciumData.builder()
                .algorithm(SignatureAlgorithm.ECDSA_P256_SHA256).keyId(EC_KEY_ID)
                .vendorId(42).meterId(4711).pieceSerial(serial)
                .ascendingRegister(125_000 + serial * 85).descendingRegister(99_874_915 - serial * 85)
                .postage(Money.of(85, "USD")).dateOfMailing(LocalDate.of(2026, 11, 25))
                .origin(PostalCode.of("94107")).mailClass(MailClass.LETTER).softwareId(3);
    }

    /** A live letter signed with ECDSA P-256. */
    public static SignedIndicium letter(long serial) {
        return IndiciumCodec.sign(data(serial).build(), EC_SIGNER);
    }

    /** A parcel with destination, signed with Ed25519. */
    public static SignedIndicium parcel(long serial) {
        return IndiciumCodec.sign(data(serial).algorithm(SignatureAlgorithm.ED25519).keyId(ED_KEY_ID)
                .postage(Money.of(1_234_56, "EUR")).ascendingRegister(9_000_000).mailClass(MailClass.PRIORITY_PARCEL)
                .origin(PostalCode.of("SW1A 1AA")).destination(PostalCode.of("10115-1234")).build(), ED_SIGNER);
    }

    /** A test indicium: rendered with the SPECIMEN mark. */
    public static SignedIndicium specimen(long serial) {
        return IndiciumCodec.sign(data(serial).testMode(true).build(), EC_SIGNER);
    }

    private static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
