package org.openpostage.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Synthetic pictures and image operations for the tests. */
public final class TestPictures {
    private TestPictures() {
    }

    /**
     * A busy, high-contrast "photo": noise, strokes, discs and a checkerboard of barcode-sized
     * black and white squares: the worst case for a barcode finder.
     */
    public static BufferedImage busyPhoto(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int base = (x * 255 / width) ^ (y * 255 / height);
                int noise = random.nextInt(120) - 60;
                int v = Math.max(0, Math.min(255, base + noise));
                image.setRGB(x, y, new Color(v, 255 - v, (v * 7) & 0xFF).getRGB());
            }
        }
        for (int i = 0; i < 120; i++) {
            g.setColor(new Color(random.nextInt(0x1000000)));
            g.setStroke(new BasicStroke(1 + random.nextInt(8)));
            g.drawLine(random.nextInt(width), random.nextInt(height), random.nextInt(width), random.nextInt(height));
            int r = 5 + random.nextInt(Math.max(6, height / 4));
            g.fillOval(random.nextInt(width), random.nextInt(height), r, r);
        }
        int cell = Math.max(3, height / 60);
        for (int y = 0; y < height; y += cell) {
            for (int x = 0; x < width / 3; x += cell) {
                g.setColor(random.nextBoolean() ? Color.BLACK : Color.WHITE);
                g.fillRect(x, y, cell, cell);
            }
        }
        g.dispose();
        return image;
    }

    public static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] jpeg(BufferedImage image, float quality) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(rgb, null, null), param);
            stream.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    public static BufferedImage read(byte[] file) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code stamp} as if scanned: placed on a greyish sheet, rotated by {@code degrees} (the
     * sheet is large enough to hold it whole), softened by bilinear resampling and, unless
     * {@code seed} is negative, sprinkled with grey specks like dust and paper texture.
     */
    public static BufferedImage scanned(BufferedImage stamp, double degrees, long seed) {
        int margin = Math.max(stamp.getWidth(), stamp.getHeight()) / 8;
        int w = (int) Math.ceil(Math.hypot(stamp.getWidth(), stamp.getHeight())) + 2 * margin;
        int h = w * 3 / 4;
        if (degrees == 0) {
            w = stamp.getWidth() + 2 * margin;
            h = stamp.getHeight() + 2 * margin;
        }
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        Random random = new Random(seed);
        g.setColor(new Color(228, 222, 210));
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        AffineTransform t = new AffineTransform();
        t.rotate(Math.toRadians(degrees), w / 2.0, h / 2.0);
        t.translate((w - stamp.getWidth()) / 2.0, (h - stamp.getHeight()) / 2.0);
        g.drawImage(stamp, t, null);
        g.dispose();
        for (int i = 0; seed >= 0 && i < w * h / 50; i++) {
            int x = random.nextInt(w);
            int y = random.nextInt(h);
            int v = 100 + random.nextInt(100);
            sheet.setRGB(x, y, new Color(v, v, v).getRGB());
        }
        return sheet;
    }
}
