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

    private Zpl() {
    }

    /**
     * A label with the stamp's Data Matrix drawn by the printer and its human-readable block as a
     * bitmap (see {@link #graphicField}).
     *
     * @param data   the indicium bytes
     * @param symbol the same bytes as encoded by ZXing, for the symbol's size
     * @param text   the human-readable block, 1-bit, at {@code dpi}
     */
    public static String nativeStamp(StampGeometry geometry, int dpi, byte[] data, BitMatrix symbol,
                                     BufferedImage text) {
        StringBuilder z = new StringBuilder(2048);
        header(z, geometry.widthMm(), geometry.heightMm(), dpi);
        dataMatrix(z, geometry, dpi, 0, 0, data, symbol);
        StampGeometry.Box block = geometry.text();
        graphicField(z, dots(block.x(), dpi), dots(block.y(), dpi), text);
        return z.append("^PQ1\n^XZ\n").toString();
    }

    /**
     * The {@code ^BX} field of a stamp whose top-left corner is at dots ({@code x0}, {@code y0}):
     * the symbol centred in the geometry's barcode area.
     */
    public static void dataMatrix(StringBuilder z, StampGeometry geometry, int dpi, int x0, int y0, byte[] data,
                                  BitMatrix symbol) {
        int module = Math.max(1, dots(geometry.moduleMm(), dpi));
        StampGeometry.Box area = geometry.barcode();
        int areaDots = dots(area.x() + area.width(), dpi) - dots(area.x(), dpi);
        int x = x0 + dots(area.x(), dpi) + (areaDots - symbol.getWidth() * module) / 2;
        int y = y0 + dots(area.y(), dpi) + (areaDots - symbol.getHeight() * module) / 2;
        z.append("^FO").append(x).append(',').append(y)
                .append("^BXN,").append(module).append(",200,").append(symbol.getWidth()).append(',')
                .append(symbol.getHeight()).append(",,").append(ESCAPE)
                .append("^FH").append(ESCAPE).append("^FD").append(escapeBarcodeData(data)).append("^FS\n");
    }

    /**
     * A {@code ^GFA} field at dots ({@code x}, {@code y}) holding {@code bitmap} (1-bit; a black
     * pixel is a printed dot), its rows in ZPL's compressed ASCII hex: a run of one hex digit is
     * written as a count ({@code G} to {@code Y} for 1 to 19, {@code g} to {@code z} for 20 to 400,
     * added) and the digit, {@code ,} ends a row of zeros, {@code !} a row of ones, {@code :}
     * repeats the previous row. Text on white compresses to a few percent of plain hex.
     */
    public static void graphicField(StringBuilder z, int x, int y, BufferedImage bitmap) {
        int rowBytes = (bitmap.getWidth() + 7) / 8;
        int total = rowBytes * bitmap.getHeight();
        z.append("^FO").append(x).append(',').append(y).append("^GFA,").append(total).append(',').append(total)
                .append(',').append(rowBytes).append(',');
        String previous = null;
        for (String row : hexRows(bitmap)) {
            if (row.equals(previous)) {
                z.append(':');
            } else {
                compressRow(z, row);
            }
            previous = row;
        }
        z.append("^FS\n");
    }

    /** The rows of a 1-bit image as hex, a 1 bit for a black pixel, padding bits 0. */
    static List<String> hexRows(BufferedImage bitmap) {
        if (bitmap.getType() != BufferedImage.TYPE_BYTE_BINARY) {
            throw new IllegalArgumentException("a 1-bit image is needed");
        }
        int rowBytes = (bitmap.getWidth() + 7) / 8;
        byte[] raster = ((DataBufferByte) bitmap.getRaster().getDataBuffer()).getData();
        int padBits = rowBytes * 8 - bitmap.getWidth();
        List<String> rows = new java.util.ArrayList<>(bitmap.getHeight());
        for (int row = 0; row < bitmap.getHeight(); row++) {
            StringBuilder hex = new StringBuilder(rowBytes * 2);
            for (int i = 0; i < rowBytes; i++) {
                // In the 1-bit image a 0 bit is black; in ^GF a 1 bit is a printed dot.
                int dots = ~raster[row * rowBytes + i] & 0xFF;
                if (i == rowBytes - 1 && padBits > 0) {
                    dots &= 0xFF << padBits;
                }
                hex.append(HEX[dots >> 4]).append(HEX[dots & 0xF]);
            }
            rows.add(hex.toString());
        }
        return rows;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void compressRow(StringBuilder z, String row) {
        int i = 0;
        while (i < row.length()) {
            char c = row.charAt(i);
            int run = 1;
            while (i + run < row.length() && row.charAt(i + run) == c) {
                run++;
            }
            if (i + run == row.length() && (c == '0' || c == 'F')) {
                z.append(c == '0' ? ',' : '!');
                return;
            }
            int left = run;
            while (left > 0) {
                int n = Math.min(left, 419);
                if (n >= 20) {
                    z.append((char) ('g' + n / 20 - 1));
                }
                if (n % 20 > 0 && (n >= 20 || n > 1)) {
                    z.append((char) ('G' + n % 20 - 1));
                }
                z.append(c);
                left -= n;
            }
            i += run;
        }
    }

    /** A label with the stamp as one bitmap, from a 1-bit image of the stamp at {@code dpi}. */
    public static String graphicStamp(StampGeometry geometry, int dpi, BufferedImage bitmap) {
        if (bitmap.getType() != BufferedImage.TYPE_BYTE_BINARY) {
            throw new IllegalArgumentException("a 1-bit image is needed");
        }
        int rowBytes = (bitmap.getWidth() + 7) / 8;
        byte[] raster = ((DataBufferByte) bitmap.getRaster().getDataBuffer()).getData();
        StringBuilder z = new StringBuilder(raster.length * 2 + 256);
        header(z, geometry.widthMm(), geometry.heightMm(), dpi);
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

    /** {@code ^XA}, ASCII, home at 0,0, and the label's width and length in dots. */
    public static void header(StringBuilder z, double widthMm, double heightMm, int dpi) {
        z.append("^XA\n^CI0\n^LH0,0\n^PW").append(dots(widthMm, dpi)).append("\n^LL")
                .append(dots(heightMm, dpi)).append('\n');
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

    /** {@code mm} in printer dots at {@code dpi}, rounded. */
    public static int dots(double mm, int dpi) {
        return (int) Math.round(mm * dpi / MM_PER_INCH);
    }
}
