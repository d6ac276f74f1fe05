package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.SignedIndicium;

/**
 * Our Data Matrix reader ({@link StampReader}, ZXing underneath) against an independent one,
 * {@code dmtxread} from libdmtx (Debian package {@code dmtx-utils}), on the same rendered and
 * degraded symbols: turned, blurred, shrunk (to 2 pixels per module at least), speckled, faded and
 * JPEG-compressed, in fixed pseudo-random combinations. The two must never read different bytes from one image, and every
 * image that libdmtx reads ours must read too (a symbol the other reader gets and we miss is a
 * finding). The counts of both are printed: docs/security.md quotes them.
 */
class DataMatrixDifferentialTest {
    private static final Path DMTXREAD = Path.of("/usr/bin/dmtxread");
    private static final int IMAGES = 48;

    @Test
    void ourReaderReadsWhatLibdmtxReadsAndTheyNeverDisagree(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(DMTXREAD), "dmtx-utils (dmtxread) is not installed: skipped");
        StampReader reader = StampReader.create();
        Random random = new Random(20261207);
        int both = 0;
        int oursOnly = 0;
        int neither = 0;
        List<String> findings = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            SignedIndicium indicium = i % 2 == 0 ? TestIndicia.letter(1000 + i) : TestIndicia.parcel(1000 + i);
            byte[] expected = indicium.encoded().toArray();
            Degradation d = Degradation.random(random);
            byte[] file = d.apply(DataMatrixSymbol.encode(indicium.encoded()), random);
            Path path = Files.write(dir.resolve("symbol-" + i + (d.jpegQuality() > 0 ? ".jpg" : ".png")), file);

            byte[] ours = ours(reader, file);
            byte[] theirs = dmtxread(path);
            if (ours != null && !Arrays.equals(ours, expected)) {
                findings.add(d + ": our reader read other bytes: " + HexFormat.of().formatHex(ours));
            }
            if (theirs != null && !Arrays.equals(theirs, expected)) {
                findings.add(d + ": dmtxread read other bytes: " + HexFormat.of().formatHex(theirs));
            }
            if (theirs != null && ours == null) {
                findings.add(d + ": dmtxread read it, our reader did not");
            } else if (theirs != null) {
                both++;
            } else if (ours != null) {
                oursOnly++;
            } else {
                neither++;
            }
        }
        System.out.printf("Data Matrix differential: %d images; both read %d, only ours %d, neither %d%n",
                IMAGES, both, oursOnly, neither);
        assertTrue(findings.isEmpty(), String.join("\n", findings));
        // The degradations must stay within what a reader can be asked to read, or the test says nothing.
        assertTrue(both >= IMAGES / 2, "libdmtx read only " + both + " of " + IMAGES + " images");
    }

    private static byte[] ours(StampReader reader, byte[] file) {
        try {
            return reader.readBytes(file).toArray();
        } catch (PostageException e) {
            return null;
        }
    }

    private static byte[] dmtxread(Path file) throws IOException, InterruptedException {
        // -N1: stop after one symbol; -m: give up after so many milliseconds.
        Process p = new ProcessBuilder(DMTXREAD.toString(), "-N1", "-m", "4000", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dmtxread did not finish on " + file);
        }
        return p.exitValue() == 0 && out.length > 0 ? out : null;
    }

    /** One combination of the ways a printed and scanned symbol goes wrong. */
    private record Degradation(int modulePx, double degrees, double scale, boolean blur, int speckles,
                               int contrast, float jpegQuality) {
        static Degradation random(Random r) {
            int modulePx = 3 + r.nextInt(5);
            // At least 2 pixels per module once shrunk: the reader is made for that (docs/security.md);
            // below it libdmtx reads a few symbols that ZXing's detector cannot.
            double scale = Math.max(0.55 + r.nextDouble() * 0.6, 2.0 / modulePx);
            return new Degradation(modulePx, r.nextDouble() * 30 - 15, scale,
                    r.nextBoolean(), r.nextInt(4) * 150, 90 + r.nextInt(166),
                    r.nextInt(3) == 0 ? 0 : 0.45f + r.nextFloat() * 0.5f);
        }

        byte[] apply(DataMatrixSymbol symbol, Random r) {
            BufferedImage clean = toRgb(symbol, modulePx);
            int side = (int) Math.ceil(Math.hypot(clean.getWidth(), clean.getHeight()) * scale) + 24;
            BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, side, side);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, blur
                    ? RenderingHints.VALUE_INTERPOLATION_BICUBIC : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.translate(side / 2.0, side / 2.0);
            g.rotate(Math.toRadians(degrees));
            g.scale(scale, scale);
            g.drawImage(clean, -clean.getWidth() / 2, -clean.getHeight() / 2, null);
            g.dispose();
            // Faded ink: dark modules become grey, the paper stays white.
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int v = out.getRGB(x, y) & 0xff;
                    int faded = 255 - (255 - v) * contrast / 255;
                    out.setRGB(x, y, new Color(faded, faded, faded).getRGB());
                }
            }
            for (int i = 0; i < speckles; i++) {
                int v = r.nextInt(256);
                out.setRGB(r.nextInt(side), r.nextInt(side), new Color(v, v, v).getRGB());
            }
            return jpegQuality > 0 ? TestPictures.jpeg(out, jpegQuality) : TestPictures.png(out);
        }

        private static BufferedImage toRgb(DataMatrixSymbol symbol, int modulePx) {
            int quiet = 2;
            int side = (symbol.size() + 2 * quiet) * modulePx;
            BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, side, side);
            g.setColor(Color.BLACK);
            for (int y = 0; y < symbol.size(); y++) {
                for (int x = 0; x < symbol.size(); x++) {
                    if (symbol.dark(x, y)) {
                        g.fillRect((quiet + x) * modulePx, (quiet + y) * modulePx, modulePx, modulePx);
                    }
                }
            }
            g.dispose();
            return image;
        }
    }
}
