package org.openpostage.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Draws the sample background pictures of the reference postal server's catalogue, by code and
 * deterministically (fixed seeds), and writes them with their {@code catalogue.properties}:
 *
 * <pre>
 * cd sdk-render &amp;&amp; mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.openpostage.render.CatalogueBackgrounds \
 *   -Dexec.args=../reference-postal-server/src/main/resources/backgrounds
 * </pre>
 *
 * <p>Each picture is 1200 &times; 400 pixels: the 94 &times; 30 mm picture stamp's shape, enough
 * for 300 dpi. {@code CatalogueBackgroundsTest} checks the committed files.
 */
public final class CatalogueBackgrounds {
    static final int WIDTH = 1200;
    static final int HEIGHT = 400;

    /** A picture of the catalogue: id, title and how to draw it. */
    record Entry(String id, String title, Consumer<Graphics2D> painter) {
        BufferedImage draw() {
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            painter.accept(g);
            g.dispose();
            return image;
        }
    }

    static final List<Entry> ENTRIES = List.of(
            new Entry("hills", "Green hills at dawn", CatalogueBackgrounds::hills),
            new Entry("tiles", "Geometric tiles", CatalogueBackgrounds::tiles),
            new Entry("waves", "Ocean waves", CatalogueBackgrounds::waves),
            new Entry("night-sky", "Night sky", CatalogueBackgrounds::nightSky));

    private CatalogueBackgrounds() {
    }

    /** Writes the pictures and {@code catalogue.properties} into the directory {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CatalogueBackgrounds DIRECTORY");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        write(dir);
        System.out.println("wrote " + ENTRIES.size() + " backgrounds to " + dir.toAbsolutePath());
    }

    /** Writes every picture as {@code <id>.png} and the catalogue into {@code dir}. */
    static void write(Path dir) throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("order", String.join(",", ENTRIES.stream().map(Entry::id).toList()));
        for (Entry e : ENTRIES) {
            Files.write(dir.resolve(e.id() + ".png"), TestPictures.png(e.draw()));
            properties.put(e.id() + ".title", e.title());
            properties.put(e.id() + ".file", e.id() + ".png");
            properties.put(e.id() + ".width", Integer.toString(WIDTH));
            properties.put(e.id() + ".height", Integer.toString(HEIGHT));
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("catalogue.properties"), StandardCharsets.UTF_8)) {
            w.write("# The background pictures of the reference postal server's catalogue.\n");
            w.write("# Drawn by org.openpostage.render.CatalogueBackgrounds (sdk-render test sources); see docs/rendering.md.\n");
            w.write("# order: the catalogue's ids in display order; per id: title, file, width and height in pixels.\n");
            for (Map.Entry<String, String> p : properties.entrySet()) {
                w.write(p.getKey() + "=" + p.getValue() + "\n");
            }
        }
    }

    private static void hills(Graphics2D g) {
        g.setPaint(new GradientPaint(0, 0, new Color(255, 183, 132), 0, HEIGHT * 0.7f, new Color(255, 236, 196)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setPaint(new RadialGradientPaint(new Point2D.Double(880, 150), 90, new float[] {0f, 0.6f, 1f},
                new Color[] {new Color(255, 250, 225), new Color(255, 214, 150), new Color(255, 214, 150, 0)}));
        g.fill(new Ellipse2D.Double(790, 60, 180, 180));
        Color[] greens = {new Color(156, 190, 120), new Color(112, 160, 92), new Color(70, 128, 74), new Color(42, 94, 60)};
        for (int layer = 0; layer < greens.length; layer++) {
            double base = HEIGHT * (0.5 + layer * 0.12);
            double amplitude = 46 - layer * 6;
            double wavelength = 520 - layer * 70;
            double phase = layer * 1.7;
            Path2D hill = new Path2D.Double();
            hill.moveTo(0, HEIGHT);
            for (int x = 0; x <= WIDTH; x += 8) {
                hill.lineTo(x, base - amplitude * Math.sin(x / wavelength * 2 * Math.PI + phase)
                        - amplitude * 0.4 * Math.sin(x / (wavelength * 0.37) + phase * 2));
            }
            hill.lineTo(WIDTH, HEIGHT);
            hill.closePath();
            g.setColor(greens[layer]);
            g.fill(hill);
        }
    }

    private static void tiles(Graphics2D g) {
        Color[] palette = {new Color(38, 70, 83), new Color(42, 157, 143), new Color(233, 196, 106),
                new Color(244, 162, 97), new Color(231, 111, 81)};
        Random random = new Random(7);
        int size = 80;
        for (int y = 0; y < HEIGHT; y += size) {
            for (int x = 0; x < WIDTH; x += size) {
                g.setColor(palette[random.nextInt(palette.length)]);
                g.fillRect(x, y, size, size);
                g.setColor(palette[random.nextInt(palette.length)]);
                GeneralPath triangle = new GeneralPath();
                switch (random.nextInt(4)) {
                    case 0 -> { triangle.moveTo(x, y); triangle.lineTo(x + size, y); triangle.lineTo(x, y + size); }
                    case 1 -> { triangle.moveTo(x + size, y); triangle.lineTo(x + size, y + size); triangle.lineTo(x, y); }
                    case 2 -> { triangle.moveTo(x, y + size); triangle.lineTo(x + size, y + size); triangle.lineTo(x + size, y); }
                    default -> { triangle.moveTo(x, y); triangle.lineTo(x, y + size); triangle.lineTo(x + size, y + size); }
                }
                triangle.closePath();
                g.fill(triangle);
                if (random.nextInt(3) == 0) {
                    g.setColor(palette[random.nextInt(palette.length)]);
                    g.fill(new Ellipse2D.Double(x + size * 0.25, y + size * 0.25, size * 0.5, size * 0.5));
                }
            }
        }
    }

    private static void waves(Graphics2D g) {
        g.setPaint(new GradientPaint(0, 0, new Color(200, 233, 245), 0, HEIGHT, new Color(20, 90, 150)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        for (int band = 0; band < 9; band++) {
            double base = 60 + band * 42;
            float shade = band / 9f;
            g.setColor(new Color(1f - shade * 0.8f, 1f - shade * 0.45f, 1f - shade * 0.2f, 0.55f));
            Path2D wave = new Path2D.Double();
            wave.moveTo(0, HEIGHT);
            for (int x = 0; x <= WIDTH; x += 6) {
                wave.lineTo(x, base + 14 * Math.sin(x / 70.0 + band * 0.9) + 6 * Math.sin(x / 23.0 + band));
            }
            wave.lineTo(WIDTH, HEIGHT);
            wave.closePath();
            g.fill(wave);
            g.setColor(new Color(255, 255, 255, 150));
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D crest = new Path2D.Double();
            crest.moveTo(0, base + 6 * Math.sin(band));
            for (int x = 0; x <= WIDTH; x += 6) {
                crest.lineTo(x, base + 14 * Math.sin(x / 70.0 + band * 0.9) + 6 * Math.sin(x / 23.0 + band));
            }
            g.draw(crest);
        }
    }

    private static void nightSky(Graphics2D g) {
        g.setPaint(new GradientPaint(0, 0, new Color(8, 12, 38), 0, HEIGHT, new Color(38, 52, 104)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setPaint(new RadialGradientPaint(new Point2D.Double(600, 420), 520, new float[] {0f, 1f},
                new Color[] {new Color(120, 90, 160, 90), new Color(120, 90, 160, 0)},
                MultipleGradientPaint.CycleMethod.NO_CYCLE));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        Random random = new Random(42);
        for (int i = 0; i < 260; i++) {
            double r = random.nextDouble() < 0.08 ? 2.2 : 0.6 + random.nextDouble() * 1.1;
            int alpha = 120 + random.nextInt(135);
            g.setColor(new Color(255, 250, 235, alpha));
            g.fill(new Ellipse2D.Double(random.nextDouble() * WIDTH, random.nextDouble() * HEIGHT * 0.9, r * 2, r * 2));
        }
        g.setColor(new Color(250, 244, 214));
        g.fill(new Ellipse2D.Double(150, 70, 110, 110));
        g.setColor(new Color(12, 18, 48));
        g.fill(new Ellipse2D.Double(182, 56, 110, 110));
        g.setColor(new Color(14, 20, 40));
        Path2D ridge = new Path2D.Double();
        ridge.moveTo(0, HEIGHT);
        for (int x = 0; x <= WIDTH; x += 10) {
            ridge.lineTo(x, HEIGHT - 38 - 22 * Math.sin(x / 140.0) - 10 * Math.sin(x / 37.0));
        }
        ridge.lineTo(WIDTH, HEIGHT);
        ridge.closePath();
        g.fill(ridge);
    }
}
