package org.openpostage.render.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.render.StampRenderer;
import org.openpostage.render.TestIndicia;
import org.openpostage.render.TestPictures;

class VerifyIndiciumCommandTest {
    @TempDir
    Path dir;
    private Path keys;
    private final StampRenderer renderer = StampRenderer.defaults();

    @BeforeEach
    void writeKeys() throws IOException {
        keys = Files.writeString(dir.resolve("keys.txt"), TestIndicia.KEYS.toText());
    }

    @Test
    void validStampsExitZeroAndShowTheirFields() throws IOException {
        Path a = png("a.png", TestIndicia.letter(11));
        Path b = jpeg("b.jpg", TestIndicia.parcel(12));

        Result r = run("--keys", keys.toString(), a.toString(), b.toString());

        assertEquals(0, r.code, r.out + r.err);
        assertTrue(r.out.contains("meter      4711, piece serial 11"), r.out);
        assertTrue(r.out.contains("postage    EUR 1234.56, Priority parcel"), r.out);
        assertTrue(r.out.contains("mailed     2026-11-25 from SW1A 1AA to 10115-1234"), r.out);
        assertTrue(r.out.contains("signature  VALID"), r.out);
        assertTrue(r.out.contains("2 image(s): 2 valid, 0 not valid"), r.out);
    }

    @Test
    void duplicatesAmongTheImagesAreReportedAndExitOne() throws IOException {
        Path a = png("a.png", TestIndicia.letter(21));
        Path copy = jpeg("copy.jpg", TestIndicia.letter(21));
        Path other = png("other.png", TestIndicia.letter(22));

        Result r = run("--keys", keys.toString(), a.toString(), copy.toString(), other.toString());

        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.contains("verdict    DUPLICATE (meter 4711 piece 21 is in 2 images)"), r.out);
        assertTrue(r.out.contains("meter 4711 piece 21: " + a + ", " + copy), r.out);
        assertTrue(r.out.contains("3 image(s): 1 valid, 2 not valid, 1 duplicated piece(s)"), r.out);
    }

    @Test
    void forgedUnknownTestAndUnreadableImagesExitOne() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        IndiciumSigner forger = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, TestIndicia.EC_KEY_ID,
                generator.generateKeyPair().getPrivate(), null);
        IndiciumSigner stranger = IndiciumSigner.jca(SignatureAlgorithm.ECDSA_P256_SHA256, 99,
                generator.generateKeyPair().getPrivate(), null);
        Path forged = png("forged.png", IndiciumCodec.sign(TestIndicia.data(31).build(), forger));
        Path unknown = png("unknown.png", IndiciumCodec.sign(TestIndicia.data(32).keyId(99).build(), stranger));
        Path specimen = png("specimen.png", TestIndicia.specimen(33));
        Path blank = Files.write(dir.resolve("blank.png"), TestPictures.png(new java.awt.image.BufferedImage(300, 200,
                java.awt.image.BufferedImage.TYPE_INT_RGB)));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");

        Result r = run("--keys", keys.toString(), forged.toString(), unknown.toString(), specimen.toString(),
                blank.toString(), text.toString());

        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.contains("verdict    BAD_SIGNATURE"), r.out);
        assertTrue(r.out.contains("verdict    UNKNOWN_KEY"), r.out);
        assertTrue(r.out.contains("verdict    TEST_INDICIUM"), r.out);
        assertTrue(r.out.contains("UNREADABLE: no readable Data Matrix"), r.out);
        assertTrue(r.out.contains("UNREADABLE: the image is not an image"), r.out);
        assertTrue(r.out.contains("5 image(s): 0 valid, 5 not valid"), r.out);
    }

    @Test
    void revokedAndRetiredKeysAreJudgedByTheirStateInTheKeyFile() throws IOException {
        java.time.Instant retired = java.time.Instant.parse("2026-11-20T00:00:00Z");
        var ec = TestIndicia.KEYS.find(TestIndicia.EC_KEY_ID).orElseThrow();
        var ed = TestIndicia.KEYS.find(TestIndicia.ED_KEY_ID).orElseThrow();
        Path states = Files.writeString(dir.resolve("states.txt"), new org.openpostage.api.indicium.VerificationKeySet(
                java.util.List.of(ec.asRetired(retired, null).asRevoked(retired.plusSeconds(3600)),
                        ed.asRetired(retired, java.time.LocalDate.of(2026, 11, 24)))).toText());
        Path revoked = png("revoked.png", TestIndicia.letter(71));
        Path late = png("late.png", TestIndicia.parcel(72));

        Result r = run("--keys", states.toString(), revoked.toString(), late.toString());

        assertEquals(1, r.code, r.out + r.err);
        assertTrue(r.out.contains("signature  REVOKED_KEY"), r.out);
        assertTrue(r.out.contains("verdict    REVOKED_KEY (key 7 was revoked"), r.out);
        assertTrue(r.out.contains("verdict    OUTSIDE_KEY_PERIOD (dated after the last date of mailing of retired key 8)"),
                r.out);
        assertTrue(r.out.contains("2 image(s): 0 valid, 2 not valid"), r.out);
    }

    @Test
    void testIndiciaPassWithAllowTest() throws IOException {
        Path specimen = png("specimen.png", TestIndicia.specimen(41));
        assertEquals(1, run("--keys", keys.toString(), specimen.toString()).code);
        assertEquals(0, run("--keys", keys.toString(), "--allow-test", specimen.toString()).code);
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        Path a = png("a.png", TestIndicia.letter(51));
        Result noKeys = run(a.toString());
        assertEquals(2, noKeys.code);
        assertTrue(noKeys.err.contains("either --keys FILE or --endpoint URI"), noKeys.err);
        assertEquals(2, run("--keys", keys.toString()).code, "no image");
        Result missing = run("--keys", keys.toString(), dir.resolve("nope.png").toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err.contains("cannot read image"), missing.err);
        Path badKeys = Files.writeString(dir.resolve("bad.txt"), "key 1 RSA x y z\n");
        Result bad = run("--keys", badKeys.toString(), a.toString());
        assertEquals(2, bad.code);
        assertTrue(bad.err.contains("is not a key set: key set line 1"), bad.err);
    }

    @Test
    void anEndpointWithoutItsTransportOnTheClassPathIsAUsageError() throws IOException {
        Path a = png("a.png", TestIndicia.letter(61));
        Result r = run("--endpoint", "https://127.0.0.1:1", "--api-key", "k", a.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("cannot fetch the verification keys"), r.err);
        assertTrue(r.err.contains("sdk-xml-transport"), r.err);
    }

    private Path png(String name, SignedIndicium indicium) throws IOException {
        return Files.write(dir.resolve(name), renderer.png(indicium).content().toArray());
    }

    /** The stamp as a JPEG "scan": slightly rotated, on paper, compressed. */
    private Path jpeg(String name, SignedIndicium indicium) throws IOException {
        var scan = TestPictures.scanned(renderer.image(indicium, null), 2.0, 7);
        return Files.write(dir.resolve(name), TestPictures.jpeg(scan, 0.8f));
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VerifyIndiciumCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
