package org.openpostage.render;

import java.awt.image.BufferedImage;

/** Decodes a {@code ^GFA} field in ZPL's compressed ASCII hex, as a printer does: for tests. */
final class ZplGraphics {
    private ZplGraphics() {
    }

    /** The bitmap, black where the printer prints a dot. */
    static BufferedImage decode(String data, int rowBytes, int rows) {
        int width = rowBytes * 2;
        char[][] hex = new char[rows][];
        int row = 0;
        StringBuilder current = new StringBuilder();
        int count = 0;
        for (int i = 0; i < data.length() && row < rows; i++) {
            char c = data.charAt(i);
            if (c >= 'G' && c <= 'Y') {
                count += c - 'G' + 1;
            } else if (c >= 'g' && c <= 'z') {
                count += (c - 'g' + 1) * 20;
            } else if (c == ',' || c == '!') {
                while (current.length() < width) {
                    current.append(c == ',' ? '0' : 'F');
                }
            } else if (c == ':') {
                current.append(hex[row - 1]);
            } else {
                current.append(String.valueOf(c).repeat(Math.max(1, count)));
                count = 0;
            }
            if (current.length() >= width) {
                if (current.length() != width) {
                    throw new AssertionError("row " + row + " overflows: " + current.length() + " hex digits, not " + width);
                }
                hex[row++] = current.toString().toCharArray();
                current.setLength(0);
            }
        }
        if (row != rows) {
            throw new AssertionError("decoded " + row + " rows, not " + rows);
        }
        BufferedImage image = new BufferedImage(rowBytes * 8, rows, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < rows; y++) {
            for (int b = 0; b < rowBytes; b++) {
                int v = Integer.parseInt(new String(hex[y], b * 2, 2), 16);
                for (int bit = 0; bit < 8; bit++) {
                    image.setRGB(b * 8 + bit, y, (v & (0x80 >> bit)) != 0 ? 0x000000 : 0xFFFFFF);
                }
            }
        }
        return image;
    }
}
