package org.openpostage.render.internal;

import com.google.zxing.common.BitMatrix;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;
import java.util.Locale;

/**
 * Writes stamps in ZPL II, the language of Zebra and compatible thermal label printers.
 *
 * <p><b>Native mode</b> ({@link #nativeStamp}): the printer draws the Data Matrix itself with
 * {@code ^BX} (ECC 200, module size in dots, rows and columns fixed to the symbol's so the
 * printer picks the same size), and the text with its scalable font 0. The indicium's bytes are
 * binary, so every byte is written as a {@code ^FH} hex escape ({@code _hh}): the ZPL stream stays
 * printable ASCII and no data byte can be taken for a command prefix. After hex decoding the
 * printer applies the Data Matrix escape sequences of {@code ^BX}'s escape character, which this
 * writer sets explicitly to {@code _} (firmware defaults differ); a data byte equal to it is
 * therefore doubled, as ZPL documents.
 *
 * <p><b>Graphic mode</b> ({@link #graphicStamp}): the stamp as rendered by Java 2D, sent as one
 * {@code ^GFA} bitmap: identical to the PNG, and for printers whose {@code ^BX} is unreliable.
 */
public final class Zpl {
    /** The hex indicator of {@code ^FH} and the escape character of {@code ^BX}. */
    public static final char ESCAPE = '_';
    private static final double MM_PER_INCH = 25.4;
    /** The average advance of ZPL font 0 relative to its height, to keep lines inside the block. */
    private static final double FONT0_ADVANCE = 0.56;

    private Zpl() {
    }

    /**
     * A label with the stamp drawn by the printer.
     *
     * @param data   the indicium bytes
     * @param symbol the same bytes as encoded by ZXing, for the symbol's size
     */
    public static String nativeStamp(StampGeometry geometry, int dpi, byte[] data, BitMatrix symbol,
                                     List<TextLine> lines) {
        StringBuilder z = new StringBuilder(1024);
        header(z, geometry, dpi);
        int module = Math.max(1, dots(geometry.moduleMm(), dpi));
        StampGeometry.Box area = geometry.barcode();
        int areaDots = dots(area.x() + area.width(), dpi) - dots(area.x(), dpi);
        int x = dots(area.x(), dpi) + (areaDots - symbol.getWidth() * module) / 2;
        int y = dots(area.y(), dpi) + (areaDots - symbol.getHeight() * module) / 2;
        z.append("^FO").append(x).append(',').append(y)
                .append("^BXN,").append(module).append(",200,").append(symbol.getWidth()).append(',')
                .append(symbol.getHeight()).append(",,").append(ESCAPE)
                .append("^FH").append(ESCAPE).append("^FD").append(escapeBarcodeData(data)).append("^FS\n");
        StampGeometry.Box block = geometry.text();
        int left = dots(block.x(), dpi);
        int width = dots(block.x() + block.width(), dpi) - left;
        for (TextLine line : lines) {
            int height = dots(line.sizeMm(), dpi);
            int estimated = (int) Math.ceil(line.text().length() * height * FONT0_ADVANCE);
            if (estimated > width) {
                height = height * width / estimated;
            }
            int baseline = dots(block.y() + line.baselineMm(), dpi);
            if (line.style() == TextLine.Style.BANNER) {
                int top = dots(block.y() + line.topMm(), dpi);
                int bar = dots(block.y() + line.topMm() + line.heightMm(), dpi) - top;
                z.append("^FO").append(left).append(',').append(top).append("^GB").append(width).append(',')
                        .append(bar).append(',').append(bar).append(",B,0^FS\n");
                int textLeft = left + Math.max(0, (width - (int) (line.text().length() * height * FONT0_ADVANCE)) / 2);
                z.append("^FT").append(textLeft).append(',').append(baseline).append("^A0N,").append(height)
                        .append(",0^FR^FH").append(ESCAPE).append("^FD").append(escapeText(line.text())).append("^FS\n");
            } else {
                z.append("^FT").append(left).append(',').append(baseline).append("^A0N,").append(height)
                        .append(",0^FH").append(ESCAPE).append("^FD").append(escapeText(line.text())).append("^FS\n");
            }
        }
        return z.append("^PQ1\n^XZ\n").toString();
    }

    /** A label with the stamp as one bitmap, from a 1-bit image of the stamp at {@code dpi}. */
    public static String graphicStamp(StampGeometry geometry, int dpi, BufferedImage bitmap) {
        if (bitmap.getType() != BufferedImage.TYPE_BYTE_BINARY) {
            throw new IllegalArgumentException("a 1-bit image is needed");
        }
        int rowBytes = (bitmap.getWidth() + 7) / 8;
        byte[] raster = ((DataBufferByte) bitmap.getRaster().getDataBuffer()).getData();
        StringBuilder z = new StringBuilder(raster.length * 2 + 256);
        header(z, geometry, dpi);
        int total = rowBytes * bitmap.getHeight();
        z.append("^FO0,0^GFA,").append(total).append(',').append(total).append(',').append(rowBytes).append(',');
        int padBits = rowBytes * 8 - bitmap.getWidth();
        for (int row = 0; row < bitmap.getHeight(); row++) {
            for (int i = 0; i < rowBytes; i++) {
                // In the 1-bit image a 0 bit is black; in ^GF a 1 bit is a printed dot.
                int dots = ~raster[row * rowBytes + i] & 0xFF;
                if (i == rowBytes - 1 && padBits > 0) {
                    dots &= 0xFF << padBits;
                }
                z.append(Character.toUpperCase(Character.forDigit(dots >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(dots & 0xF, 16)));
            }
        }
        return z.append("^FS\n^PQ1\n^XZ\n").toString();
    }

    private static void header(StringBuilder z, StampGeometry geometry, int dpi) {
        z.append("^XA\n^CI0\n^LH0,0\n^PW").append(dots(geometry.widthMm(), dpi)).append("\n^LL")
                .append(dots(geometry.heightMm(), dpi)).append('\n');
    }

    /**
     * The field data for {@code ^BX}: every byte as {@code _hh}, and a byte equal to the escape
     * character twice, since {@code ^BX} reads {@code __} as one literal {@code _}.
     */
    static String escapeBarcodeData(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length * 3 + 8);
        for (byte b : data) {
            hex(sb, b & 0xFF);
            if ((b & 0xFF) == ESCAPE) {
                hex(sb, b & 0xFF);
            }
        }
        return sb.toString();
    }

    /** Text field data: letters, digits and simple punctuation as is, anything else as {@code _hh}. */
    static String escapeText(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            boolean plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == ' ' || c == '.' || c == ',' || c == '-' || c == ':' || c == '/';
            if (plain) {
                sb.append(c);
            } else {
                hex(sb, c < 0x80 ? c : '?');
            }
        }
        return sb.toString();
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append(ESCAPE).append(String.format(Locale.ROOT, "%02X", b));
    }

    private static int dots(double mm, int dpi) {
        return (int) Math.round(mm * dpi / MM_PER_INCH);
    }
}
