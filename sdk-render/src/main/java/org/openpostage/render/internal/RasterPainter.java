package org.openpostage.render.internal;

import com.google.zxing.common.BitMatrix;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.MultiPixelPackedSampleModel;
import java.util.Arrays;
import java.util.List;

/**
 * Paints a stamp into a bitmap with Java 2D, at a given resolution and pixel origin (a stamp of
 * its own, or one label of a sheet). Millimetres become whole pixels; the Data Matrix gets an
 * integral number of pixels per module so every module has the same size. Text uses the bundled
 * {@link TypeFaces} font, whose zero and letter O differ.
 */
public final class RasterPainter {
    private static final double MM_PER_INCH = 25.4;
    private static final Font REGULAR = TypeFaces.awt(false);
    private static final Font BOLD = TypeFaces.awt(true);

    /** Each thread's image to draw text strips in, reused while the stamp size stays the same. */
    private static final ThreadLocal<BufferedImage> SCRATCH = new ThreadLocal<>();

    private final StampGeometry geometry;
    private final int dpi;

    /**
     * @param geometry where the parts go
     * @param dpi      the resolution, pixels per inch
     */
    public RasterPainter(StampGeometry geometry, int dpi) {
        this.geometry = geometry;
        this.dpi = dpi;
    }

    /** The stamp's width in pixels. */
    public int widthPx() {
        return px(geometry.widthMm());
    }

    /** The stamp's height in pixels. */
    public int heightPx() {
        return px(geometry.heightMm());
    }

    /** Pixels per module: the module size rounded to whole pixels, at least 1. */
    public int modulePx() {
        return Math.max(1, px(geometry.moduleMm()));
    }

    /**
     * Paints the stamp with its top-left corner at pixel ({@code x0}, {@code y0}).
     *
     * @param g       where to paint; its hints are changed
     * @param x0      left edge in pixels
     * @param y0      top edge in pixels
     * @param symbol  the Data Matrix, one cell per module, or {@code null} to leave its area white
     * @param lines   the human-readable lines
     * @param picture the background already scaled and cropped to the stamp's pixel size, or
     *                {@code null} for none
     * @param smooth  whether to anti-alias text (for colour output; off for 1-bit output)
     */
    public void paint(Graphics2D g, int x0, int y0, BitMatrix symbol, List<TextLine> lines, BufferedImage picture,
                      boolean smooth) {
        hints(g, smooth);
        if (picture != null) {
            g.drawImage(picture, x0, y0, null);
        } else {
            fill(g, Color.WHITE, x0, y0, widthPx(), heightPx());
        }
        paintPlate(g, x0, y0, symbol, lines);
    }

    /**
     * Paints only the plate of a stamp whose top-left corner is at pixel ({@code x0}, {@code y0}):
     * the white plate, the symbol and the text, exactly as {@link #paint} paints them over the
     * picture. For a caller that draws the plate into an image of its own, translated by the
     * plate's position ({@link #plateRect()}), and keeps the picture around it from a cache.
     *
     * @param g      where to paint; its hints are changed
     * @param smooth whether to anti-alias text, as for {@link #paint}
     */
    public void paintPlate(Graphics2D g, int x0, int y0, BitMatrix symbol, List<TextLine> lines, boolean smooth) {
        hints(g, smooth);
        paintPlate(g, x0, y0, symbol, lines);
    }

    private void paintPlate(Graphics2D g, int x0, int y0, BitMatrix symbol, List<TextLine> lines) {
        StampGeometry.Box plate = geometry.plate();
        fillBox(g, Color.WHITE, x0, y0, plate.x(), plate.y(), plate.width(), plate.height());
        if (symbol != null) {
            paintSymbol(g, x0, y0, symbol);
        }
        paintText(g, x0, y0, lines);
    }

    /** The plate in pixels of a stamp drawn at (0, 0): where {@link #paintPlate} paints. */
    public Rectangle plateRect() {
        StampGeometry.Box plate = geometry.plate();
        int left = px(plate.x());
        int top = px(plate.y());
        return new Rectangle(left, top, px(plate.x() + plate.width()) - left, px(plate.y() + plate.height()) - top);
    }

    /**
     * Paints a plain stamp (no picture) into {@code image}, a {@link BufferedImage#TYPE_BYTE_BINARY}
     * image of {@link #widthPx()} &times; {@link #heightPx()} with the default black-and-white
     * palette, with exactly the pixels {@link #paint} gives with {@code smooth} off: white and the
     * symbol's modules are written as bits straight into the raster (Java 2D fills 1-bit images
     * through slow generic loops), the text is drawn by Java 2D as before.
     *
     * @throws IllegalArgumentException if {@code image} is not such an image
     */
    public void paintBits(BufferedImage image, BitMatrix symbol, List<TextLine> lines) {
        if (image.getType() != BufferedImage.TYPE_BYTE_BINARY || image.getWidth() != widthPx()
                || image.getHeight() != heightPx()
                || !(image.getSampleModel() instanceof MultiPixelPackedSampleModel m) || m.getPixelBitStride() != 1
                || !(image.getColorModel() instanceof IndexColorModel palette) || palette.getMapSize() != 2
                || palette.getRGB(0) != 0xFF000000 || palette.getRGB(1) != 0xFFFFFFFF) {
            throw new IllegalArgumentException("not a 1-bit black-and-white image of " + widthPx() + " x "
                    + heightPx() + ": " + image);
        }
        // 1 is white; the plate is white too.
        Arrays.fill(((DataBufferByte) image.getRaster().getDataBuffer()).getData(), (byte) 0xFF);
        if (symbol != null) {
            StampGeometry.Box area = geometry.barcode();
            int module = modulePx();
            int areaLeft = px(area.x());
            int areaPx = px(area.x() + area.width()) - areaLeft;
            int left = areaLeft + (areaPx - symbol.getWidth() * module) / 2;
            int top = px(area.y()) + (areaPx - symbol.getHeight() * module) / 2;
            fillModuleBits(image, symbol, left, top, module);
        }
        for (int i = 0; i < lines.size(); i++) {
            TextLine line = lines.get(i);
            if (i > 0 && line.style() == TextLine.Style.BANNER) {
                // A banner paints white over what lines above it left: no strip can AND that in.
                drawLine(image, line);
            } else {
                strip(line, image.getWidth(), image.getHeight()).andInto(image);
            }
        }
    }

    /**
     * The pixels of one line of text as Java 2D draws it into a white 1-bit image of
     * {@code imageWidth} &times; {@code imageHeight}, from a cache: the lines of a day's stamps
     * repeat (the operator's mark, amounts, classes, the date, the origin, the meter), and drawing
     * glyphs into a 1-bit image is Java 2D's slowest loop, half a plain stamp's time. The strip
     * starts on a byte boundary, so that its rows combine with the image's a byte at a time.
     */
    private TextStrip strip(TextLine line, int imageWidth, int imageHeight) {
        StampGeometry.Box block = geometry.text();
        int left = px(block.x());
        int width = px(block.x() + block.width()) - left;
        TextStrip.Key key = new TextStrip.Key(line, dpi, left, width, px(block.y()), imageWidth, imageHeight);
        TextStrip cached = TextStrip.CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        // Wide and high enough for any glyph of the line's font (and then some), clipped to the image.
        Font font = font(line);
        int reach = (int) Math.ceil(font.getSize2D());
        int baseline = px(block.y() + line.baselineMm());
        int top = Math.max(0, Math.min(baseline - 2 * reach, px(block.y() + line.topMm())));
        int bottom = Math.min(imageHeight, Math.max(baseline + reach, px(block.y() + line.topMm() + line.heightMm())));
        int x8 = Math.max(0, left - reach) & ~7;
        int right = Math.min(imageWidth, left + width + reach);
        TextStrip strip;
        if (top >= bottom || x8 >= right) {
            strip = new TextStrip(0, 0, 0, new byte[0]);
        } else {
            // Drawn where it goes in an image of the stamp's width, not translated: Java 2D places
            // glyphs with float arithmetic, and other coordinates may round a glyph another way.
            BufferedImage scratch = SCRATCH.get();
            if (scratch == null || scratch.getWidth() != imageWidth || scratch.getHeight() != imageHeight) {
                scratch = new BufferedImage(imageWidth, imageHeight, BufferedImage.TYPE_BYTE_BINARY);
                SCRATCH.set(scratch);
            }
            byte[] pixels = ((DataBufferByte) scratch.getRaster().getDataBuffer()).getData();
            int stride = ((MultiPixelPackedSampleModel) scratch.getSampleModel()).getScanlineStride();
            Arrays.fill(pixels, (byte) 0xFF);
            drawLine(scratch, line);
            int from = x8 >> 3;
            int width8 = ((right + 7) >> 3) - from;
            byte[] bits = new byte[(bottom - top) * width8];
            for (int r = top; r < bottom; r++) {
                System.arraycopy(pixels, r * stride + from, bits, (r - top) * width8, width8);
            }
            strip = new TextStrip(from, top, width8, bits);
        }
        TextStrip.CACHE.put(key, strip);
        return strip;
    }

    /** Draws {@code line} with Java 2D into a 1-bit {@code image}, where it goes in a stamp drawn at (0, 0). */
    private void drawLine(BufferedImage image, TextLine line) {
        Graphics2D g = image.createGraphics();
        try {
            hints(g, false);
            paintLine(g, 0, 0, line);
        } finally {
            g.dispose();
        }
    }

    /**
     * Sets the pixels of the dark modules of {@code symbol} to black (bit 0), {@code module} pixels
     * each, from ({@code left}, {@code top}), in a 1-bit image that is white where the symbol goes:
     * exactly the pixels {@link #fillModules} fills there, clipped to the image as Java 2D clips.
     */
    public static void fillModuleBits(BufferedImage image, BitMatrix symbol, int left, int top, int module) {
        byte[] bits = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int stride = ((MultiPixelPackedSampleModel) image.getSampleModel()).getScanlineStride();
        for (int y = 0; y < symbol.getHeight(); y++) {
            int firstRow = Math.max(0, top + y * module);
            int endRow = Math.min(image.getHeight(), top + (y + 1) * module);
            if (firstRow >= endRow) {
                continue;
            }
            int x = 0;
            int minByte = Integer.MAX_VALUE;
            int maxByte = -1;
            while (x < symbol.getWidth()) {
                if (!symbol.get(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < symbol.getWidth() && symbol.get(x, y)) {
                    x++;
                }
                int from = Math.max(0, left + start * module);
                int to = Math.min(image.getWidth(), left + x * module);
                if (from < to) {
                    clearBits(bits, firstRow * stride, from, to);
                    minByte = Math.min(minByte, from >> 3);
                    maxByte = Math.max(maxByte, (to - 1) >> 3);
                }
            }
            // The module's other pixel rows are the same as its first (the image is white there).
            for (int row = firstRow + 1; maxByte >= 0 && row < endRow; row++) {
                System.arraycopy(bits, firstRow * stride + minByte, bits, row * stride + minByte,
                        maxByte - minByte + 1);
            }
        }
    }

    /** Sets bits {@code from} (inclusive) to {@code to} (exclusive) of the row at {@code rowStart} to 0 (black). */
    private static void clearBits(byte[] bits, int rowStart, int from, int to) {
        int x = from;
        while (x < to && (x & 7) != 0) {
            bits[rowStart + (x >> 3)] &= (byte) ~(0x80 >>> (x & 7));
            x++;
        }
        while (x + 8 <= to) {
            bits[rowStart + (x >> 3)] = 0;
            x += 8;
        }
        while (x < to) {
            bits[rowStart + (x >> 3)] &= (byte) ~(0x80 >>> (x & 7));
            x++;
        }
    }

    private static void hints(Graphics2D g, boolean smooth) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                smooth ? RenderingHints.VALUE_TEXT_ANTIALIAS_ON : RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }

    private void paintSymbol(Graphics2D g, int x0, int y0, BitMatrix symbol) {
        StampGeometry.Box area = geometry.barcode();
        int module = modulePx();
        int areaLeft = x0 + px(area.x());
        int areaTop = y0 + px(area.y());
        int areaPx = px(area.x() + area.width()) - px(area.x());
        int left = areaLeft + (areaPx - symbol.getWidth() * module) / 2;
        int top = areaTop + (areaPx - symbol.getHeight() * module) / 2;
        fillModules(g, symbol, left, top, module);
    }

    /**
     * Fills the dark modules of {@code symbol} in black, {@code module} pixels each, from
     * ({@code left}, {@code top}): one rectangle per horizontal run of dark modules, which Java 2D
     * fills far faster than it scales an image, above all into 1-bit images.
     */
    public static void fillModules(Graphics2D g, BitMatrix symbol, int left, int top, int module) {
        g.setColor(Color.BLACK);
        for (int y = 0; y < symbol.getHeight(); y++) {
            int x = 0;
            while (x < symbol.getWidth()) {
                if (!symbol.get(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < symbol.getWidth() && symbol.get(x, y)) {
                    x++;
                }
                g.fillRect(left + start * module, top + y * module, (x - start) * module, module);
            }
        }
    }

    private void paintText(Graphics2D g, int x0, int y0, List<TextLine> lines) {
        for (TextLine line : lines) {
            paintLine(g, x0, y0, line);
        }
    }

    private void paintLine(Graphics2D g, int x0, int y0, TextLine line) {
        StampGeometry.Box block = geometry.text();
        int left = x0 + px(block.x());
        int width = px(block.x() + block.width()) - px(block.x());
        Font font = fit(g, line, width);
        g.setFont(font);
        int baseline = y0 + px(block.y() + line.baselineMm());
        if (line.style() == TextLine.Style.BANNER) {
            int top = y0 + px(block.y() + line.topMm());
            int bottom = y0 + px(block.y() + line.topMm() + line.heightMm());
            fill(g, Color.BLACK, left, top, width, bottom - top);
            double textWidth = font.getStringBounds(line.text(), g.getFontRenderContext()).getWidth();
            g.setColor(Color.WHITE);
            g.drawString(line.text(), (float) (left + (width - textWidth) / 2), baseline);
        } else {
            g.setColor(Color.BLACK);
            g.drawString(line.text(), left, baseline);
        }
    }

    /** The line's font at its size. */
    private Font font(TextLine line) {
        return (line.bold() ? BOLD : REGULAR).deriveFont((float) (line.sizeMm() * dpi / MM_PER_INCH));
    }

    /** The line's font at its size, made smaller if the text would be wider than the block. */
    private Font fit(Graphics2D g, TextLine line, int widthPx) {
        Font font = font(line);
        double available = line.style() == TextLine.Style.BANNER ? widthPx * 0.92 : widthPx;
        double textWidth = font.getStringBounds(line.text(), g.getFontRenderContext()).getWidth();
        return textWidth <= available ? font : font.deriveFont((float) (font.getSize2D() * available / textWidth));
    }

    private void fillBox(Graphics2D g, Color color, int x0, int y0, double x, double y, double w, double h) {
        int left = px(x);
        int top = px(y);
        fill(g, color, x0 + left, y0 + top, px(x + w) - left, px(y + h) - top);
    }

    private static void fill(Graphics2D g, Color color, int x, int y, int w, int h) {
        g.setColor(color);
        g.fillRect(x, y, w, h);
    }

    private int px(double mm) {
        return (int) Math.round(mm * dpi / MM_PER_INCH);
    }
}
