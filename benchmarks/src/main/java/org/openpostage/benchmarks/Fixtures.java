package org.openpostage.benchmarks;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
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

/** Indicia signed with keys made at start-up, and a background picture, shared by the benchmarks. */
final class Fixtures {
    static final int COUNT = 16;
    private static final long KEY_ID = 7;
    private static final KeyPair KEYS = generate();
    static final VerificationKeySet KEY_SET = new VerificationKeySet(List.of(VerificationKey.of(KEY_ID,
            SignatureAlgorithm.ECDSA_P256_SHA256, KEYS.getPublic(), Instant.parse("2026-01-01T00:00:00Z"), null)));

    private Fixtures() {
    }

    /** {@value #COUNT} different indicia: different serials, registers and signatures. */
    static List<SignedIndicium> indicia() {
        return indicia(COUNT);
    }

    /** {@code count} different indicia, the first {@value #COUNT} with the same fields as {@link #indicia()}. */
    static List<SignedIndicium> indicia(int count) {
        IndiciumSigner signer = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, KEY_ID, KEYS.getPrivate(), null);
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> IndiciumCodec.sign(data(1000 + i), signer))
                .toList();
    }

    static IndiciumData data(long serial) {
        return IndiciumData.builder().algorithm(SignatureAlgorithm.ECDSA_P256_SHA256).keyId(KEY_ID).vendorId(42)
                .meterId(4711).pieceSerial(serial).ascendingRegister(125_000 + serial * 85)
                .descendingRegister(9_874_915 - serial * 85).postage(Money.of(85, "USD"))
                .dateOfMailing(LocalDate.of(2026, 11, 25)).origin(PostalCode.of("94107")).mailClass(MailClass.LETTER)
                .softwareId(3).build();
    }

    /** A 1200 x 400 picture: gradient and shapes, like the catalogue's. */
    static byte[] picturePng() {
        BufferedImage image = new BufferedImage(1200, 400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(255, 190, 140), 0, 400, new Color(60, 120, 80)));
        g.fillRect(0, 0, 1200, 400);
        Random random = new Random(1);
        for (int i = 0; i < 60; i++) {
            g.setColor(new Color(random.nextInt(0x1000000)));
            g.fillOval(random.nextInt(1200), random.nextInt(400), 20 + random.nextInt(120), 20 + random.nextInt(120));
        }
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
