package org.openpostage.render.internal;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * RGB PNG files of stamps that share one picture and differ only on their plate (the white
 * rectangle holding barcode and text): the picture around the plate is filtered and compressed
 * once, here, and each stamp then filters and compresses only its plate.
 *
 * <p>How: PNG compresses its filtered scanlines as one zlib stream. The stream is cut at the
 * plate's edges into constant segments (everything outside the plate, and the one column right of
 * it and one row below it, whose filtered bytes depend on the plate's pixels, are the exception)
 * and plate segments, one per row. Each constant segment is compressed here on its own (a
 * deflate stream of its own, ended byte-aligned by a sync flush, so that it refers to nothing
 * before it); each plate segment is compressed per stamp by a small encoder of fixed-Huffman
 * deflate blocks with runs (distance 1) only, which never refers outside its own segment either.
 * The segments' concatenation, a final empty block and the Adler-32 of all scanlines (combined
 * from the segments') make a valid zlib stream. Every row's filter (Sub or Up) is chosen from the
 * picture with a blank plate, so the constant bytes never depend on a stamp.
 *
 * <p>The pixels are exactly those of the base image with the plate replaced; the bytes are
 * deterministic (they depend only on the base image, the plate and the resolution), but not those
 * {@link Png#write} would write for the same pixels. Immutable and thread-safe.
 */
public final class PlatedPng {
    private static final int FILTER_SUB = 1;
    private static final int FILTER_UP = 2;
    private static final int ADLER_BASE = 65521;
    /** Compression of the constant segments: done once per picture, so as good as zlib's default. */
    private static final int CONSTANT_LEVEL = 6;

    private final int width;
    private final int height;
    /** The plate: [left, right) x [top, bottom). */
    private final int left;
    private final int top;
    private final int right;
    private final int bottom;
    /** The rows and columns whose filtered bytes depend on the plate: [left, varRight) x [top, varBottom). */
    private final int varRight;
    private final int varBottom;
    /** PNG signature, IHDR, pHYs. */
    private final byte[] head;
    /** The compressed constant segments, one before each plate row and one after the last. */
    private final byte[][] constant;
    private final int[] constantAdler;
    private final int[] constantLength;
    private final int constantBytes;
    /** The filter of each row in [top, varBottom). */
    private final byte[] filters;
    /** Base pixels: row top - 1, row bottom (if any), columns [left - 1, varRight); column left - 1 and right, rows [top, varBottom). */
    private final int[] rowAbove;
    private final int[] rowBelow;
    private final int[] columnLeft;
    private final int[] columnRight;

    /**
     * @param base  the stamp with its picture and a blank plate: {@link BufferedImage#TYPE_INT_RGB}
     * @param plate where stamps differ, inside {@code base}
     * @param dpi   the resolution written to the file
     */
    public PlatedPng(BufferedImage base, Rectangle plate, int dpi) {
        if (base.getType() != BufferedImage.TYPE_INT_RGB) {
            throw new IllegalArgumentException("the base must be TYPE_INT_RGB, not " + base.getType());
        }
        this.width = base.getWidth();
        this.height = base.getHeight();
        if (plate.isEmpty() || !new Rectangle(0, 0, width, height).contains(plate)) {
            throw new IllegalArgumentException("plate " + plate + " is not inside " + width + " x " + height);
        }
        this.left = plate.x;
        this.top = plate.y;
        this.right = plate.x + plate.width;
        this.bottom = plate.y + plate.height;
        this.varRight = Math.min(width, right + 1);
        this.varBottom = Math.min(height, bottom + 1);
        this.head = Png.head(width, height, false, dpi);

        int[] pixels = ((DataBufferInt) base.getRaster().getDataBuffer()).getData();
        int rowBytes = 1 + 3 * width;
        byte[] rows = Png.rgbRows(base);
        filters = new byte[varBottom - top];
        for (int y = top; y < varBottom; y++) {
            filters[y - top] = rows[y * rowBytes];
        }
        int span = varRight - left + 1;
        rowAbove = new int[span];
        rowBelow = new int[span];
        for (int x = left - 1; x < varRight; x++) {
            rowAbove[x - left + 1] = pixel(pixels, x, top - 1);
            rowBelow[x - left + 1] = pixel(pixels, x, bottom);
        }
        columnLeft = new int[varBottom - top];
        columnRight = new int[varBottom - top];
        for (int y = top; y < varBottom; y++) {
            columnLeft[y - top] = pixel(pixels, left - 1, y);
            columnRight[y - top] = pixel(pixels, right, y);
        }

        int segments = varBottom - top + 1;
        constant = new byte[segments][];
        constantAdler = new int[segments];
        constantLength = new int[segments];
        int from = 0;
        int total = 0;
        Deflater deflater = new Deflater(CONSTANT_LEVEL, true);
        try {
            for (int s = 0; s < segments; s++) {
                int to = s < segments - 1 ? (top + s) * rowBytes + 1 + 3 * left : rows.length;
                deflater.reset();
                constant[s] = syncFlushed(deflater, rows, from, to - from);
                constantAdler[s] = adler(rows, from, to - from);
                constantLength[s] = to - from;
                total += constant[s].length;
                from = to + 3 * (varRight - left);
            }
        } finally {
            deflater.end();
        }
        constantBytes = total;
    }

    /** The base pixel at (x, y), or 0 outside the image (what PNG's filters take there). */
    private int pixel(int[] pixels, int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height ? 0 : pixels[y * width + x];
    }

    /** The plate's size: what {@link #write} takes. */
    public Rectangle plate() {
        return new Rectangle(left, top, right - left, bottom - top);
    }

    /**
     * The PNG file of the base image with its plate painted by {@code painter}, which is given a
     * graphics context in the stamp's coordinates (translated by the plate's position) on an image
     * of the plate's size and must paint every pixel of the plate (the renderer fills it white
     * first). The image and the working buffers are reused from a small pool shared by all
     * plates, so that a stamp allocates little more than its file.
     */
    public byte[] write(Consumer<Graphics2D> painter) {
        Buffers buffers = Buffers.take(right - left, bottom - top, varRight - left + 1);
        try {
            Graphics2D g = buffers.plate.createGraphics();
            try {
                g.translate(-left, -top);
                painter.accept(g);
            } finally {
                g.dispose();
            }
            return write(buffers.plate, buffers);
        } finally {
            Buffers.give(buffers);
        }
    }

    /**
     * The PNG file of the base image with {@code plate} in place of its plate.
     *
     * @param plate {@link BufferedImage#TYPE_INT_RGB}, exactly the plate's size
     */
    public byte[] write(BufferedImage plate) {
        if (plate.getType() != BufferedImage.TYPE_INT_RGB || plate.getWidth() != right - left
                || plate.getHeight() != bottom - top) {
            throw new IllegalArgumentException("the plate must be a TYPE_INT_RGB image of " + (right - left) + " x "
                    + (bottom - top));
        }
        return write(plate, new Buffers(null, varRight - left + 1));
    }

    private byte[] write(BufferedImage plate, Buffers buffers) {
        int[] platePixels = ((DataBufferInt) plate.getRaster().getDataBuffer()).getData();
        int plateWidth = right - left;
        int span = varRight - left + 1;          // pixels from left - 1 to varRight - 1
        int rows = varBottom - top;
        BitSink sink = new BitSink(buffers.output);
        sink.bytes(head, 0, head.length);
        int idatStart = sink.length();
        sink.int32(0); // the length, set below
        sink.ascii("IDAT");
        sink.byte8(0x78);
        sink.byte8(0x9C);

        int[] previous = buffers.previous;
        int[] current = buffers.current;
        System.arraycopy(rowAbove, 0, previous, 0, span);
        byte[] filtered = buffers.filtered;
        long adler = 1;
        for (int r = 0; r < rows; r++) {
            sink.bytes(constant[r], 0, constant[r].length);
            adler = combine(adler, constantAdler[r], constantLength[r]);
            int y = top + r;
            current[0] = columnLeft[r];
            if (y < bottom) {
                System.arraycopy(platePixels, r * plateWidth, current, 1, plateWidth);
            } else {
                System.arraycopy(rowBelow, 1, current, 1, plateWidth);
            }
            if (varRight > right) {
                current[span - 1] = columnRight[r];
            }
            filter(filters[r], current, previous, y > 0, filtered);
            adler = update(adler, filtered);
            sink.runs(filtered);
            int[] t = previous;
            previous = current;
            current = t;
        }
        sink.bytes(constant[rows], 0, constant[rows].length);
        adler = combine(adler, constantAdler[rows], constantLength[rows]);
        sink.byte8(0x03); // a final, empty block with fixed codes
        sink.byte8(0x00);
        sink.int32((int) adler);
        int idatLength = sink.length() - idatStart - 8;
        sink.setInt32(idatStart, idatLength);
        CRC32 crc = new CRC32();
        crc.update(sink.buffer(), idatStart + 4, idatLength + 4);
        sink.int32((int) crc.getValue());
        sink.bytes(Png.IEND, 0, Png.IEND.length);
        buffers.output = sink.buffer(); // keep it, grown if it had to
        return sink.toByteArray();
    }

    /**
     * What writing one stamp needs besides its file: the plate image, the output buffer (grown to
     * the largest file written), two rows of pixels and one of filtered bytes. Pooled, at most
     * {@link #POOLED} sets for the whole JVM (each about 2 MB for a 300 dpi plate).
     */
    private static final class Buffers {
        private static final int POOLED = Math.max(2, Runtime.getRuntime().availableProcessors());
        private static final ConcurrentLinkedQueue<Buffers> POOL = new ConcurrentLinkedQueue<>();

        final BufferedImage plate;
        final int[] previous;
        final int[] current;
        final byte[] filtered;
        byte[] output = new byte[64 * 1024];

        Buffers(BufferedImage plate, int span) {
            this.plate = plate;
            this.previous = new int[span];
            this.current = new int[span];
            this.filtered = new byte[3 * (span - 1)];
        }

        /** A set for a plate of {@code width} x {@code height}: a pooled one of that size, or a new one. */
        static Buffers take(int width, int height, int span) {
            for (Iterator<Buffers> it = POOL.iterator(); it.hasNext(); ) {
                Buffers b = it.next();
                if (b.plate.getWidth() == width && b.plate.getHeight() == height && b.previous.length == span
                        && POOL.remove(b)) {
                    return b;
                }
            }
            return new Buffers(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), span);
        }

        /** Returns {@code b} to the pool, or drops it when the pool is full (the oldest is dropped). */
        static void give(Buffers b) {
            POOL.offer(b);
            while (POOL.size() > POOLED) {
                POOL.poll();
            }
        }
    }

    /**
     * The filtered bytes of pixels 1 to span - 1 of {@code current} (pixel 0 is the one to their
     * left), with {@code previous} the row above (ignored by Up when there is none: then 0).
     */
    private void filter(byte type, int[] current, int[] previous, boolean hasAbove, byte[] out) {
        boolean hasLeft = left > 0;
        for (int i = 1, o = 0; i < current.length; i++) {
            int p = current[i];
            int q;
            if (type == FILTER_SUB) {
                q = i == 1 && !hasLeft ? 0 : current[i - 1];
            } else if (type == FILTER_UP) {
                q = hasAbove ? previous[i] : 0;
            } else {
                q = 0;
            }
            out[o++] = (byte) ((p >> 16) - (q >> 16));
            out[o++] = (byte) ((p >> 8) - (q >> 8));
            out[o++] = (byte) (p - q);
        }
    }

    private static byte[] syncFlushed(Deflater deflater, byte[] data, int offset, int length) {
        deflater.setInput(data, offset, length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
        byte[] buffer = new byte[16 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        return out.toByteArray();
    }

    private static int adler(byte[] data, int offset, int length) {
        return (int) update(1, data, offset, length);
    }

    private static long update(long adler, byte[] data) {
        return update(adler, data, 0, data.length);
    }

    /** Adler-32 continued over {@code data}. */
    static long update(long adler, byte[] data, int offset, int length) {
        long a = adler & 0xFFFF;
        long b = (adler >>> 16) & 0xFFFF;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int stop = Math.min(end, i + 5552); // the most bytes before b can overflow 32 bits (zlib's NMAX)
            for (; i < stop; i++) {
                a += data[i] & 0xFF;
                b += a;
            }
            a %= ADLER_BASE;
            b %= ADLER_BASE;
        }
        return (b << 16) | a;
    }

    /** The Adler-32 of two pieces from theirs and the second's length (zlib's adler32_combine). */
    static long combine(long adler1, long adler2, long length2) {
        long rem = length2 % ADLER_BASE;
        long sum1 = adler1 & 0xFFFF;
        long sum2 = (rem * sum1) % ADLER_BASE;
        sum1 += (adler2 & 0xFFFF) + ADLER_BASE - 1;
        sum2 += ((adler1 >>> 16) & 0xFFFF) + ((adler2 >>> 16) & 0xFFFF) + ADLER_BASE - rem;
        if (sum1 >= ADLER_BASE) {
            sum1 -= ADLER_BASE;
        }
        if (sum1 >= ADLER_BASE) {
            sum1 -= ADLER_BASE;
        }
        if (sum2 >= 2L * ADLER_BASE) {
            sum2 -= 2L * ADLER_BASE;
        }
        if (sum2 >= ADLER_BASE) {
            sum2 -= ADLER_BASE;
        }
        return sum1 | (sum2 << 16);
    }

    /**
     * A byte buffer with a deflate bit writer: fixed-Huffman blocks of literals and runs
     * (RFC 1951, 3.2.6), each ended by a sync flush.
     */
    static final class BitSink {
        /** Fixed code of each literal byte, bit-reversed for writing, and its length. */
        private static final int[] LITERAL_CODE = new int[256];
        private static final int[] LITERAL_BITS = new int[256];
        /** A match of each length 3..258 at distance 1: length code, extra bits, distance code 0. */
        private static final long[] MATCH_CODE = new long[259];
        private static final int[] MATCH_BITS = new int[259];
        private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
                59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
        private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
                4, 5, 5, 5, 5, 0};

        static {
            for (int v = 0; v < 256; v++) {
                LITERAL_CODE[v] = v < 144 ? reverse(0x30 + v, 8) : reverse(0x190 + v - 144, 9);
                LITERAL_BITS[v] = v < 144 ? 8 : 9;
            }
            for (int length = 3; length <= 258; length++) {
                int index = 0;
                while (index + 1 < LENGTH_BASE.length && LENGTH_BASE[index + 1] <= length) {
                    index++;
                }
                int symbol = 257 + index;
                int code = symbol < 280 ? reverse(symbol - 256, 7) : reverse(0xC0 + symbol - 280, 8);
                int bits = symbol < 280 ? 7 : 8;
                long value = code | ((long) (length - LENGTH_BASE[index]) << bits);
                bits += LENGTH_EXTRA[index];
                // Distance 1: code 0, five zero bits, no extra bits.
                MATCH_CODE[length] = value;
                MATCH_BITS[length] = bits + 5;
            }
        }

        private byte[] buffer;
        private int length;
        private long bits;
        private int count;

        BitSink(byte[] buffer) {
            this.buffer = buffer;
        }

        private static int reverse(int code, int bits) {
            return Integer.reverse(code) >>> (32 - bits);
        }

        int length() {
            return length;
        }

        byte[] buffer() {
            return buffer;
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }

        void bytes(byte[] b, int offset, int n) {
            ensure(n);
            System.arraycopy(b, offset, buffer, length, n);
            length += n;
        }

        void byte8(int b) {
            ensure(1);
            buffer[length++] = (byte) b;
        }

        void int32(int v) {
            ensure(4);
            setInt32(length, v);
            length += 4;
        }

        void setInt32(int at, int v) {
            buffer[at] = (byte) (v >>> 24);
            buffer[at + 1] = (byte) (v >>> 16);
            buffer[at + 2] = (byte) (v >>> 8);
            buffer[at + 3] = (byte) v;
        }

        void ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                byte8(s.charAt(i));
            }
        }

        private void write(long code, int n) {
            bits |= code << count;
            count += n;
            while (count >= 8) {
                buffer[length++] = (byte) bits;
                bits >>>= 8;
                count -= 8;
            }
        }

        /**
         * {@code data} as one non-final fixed-Huffman block, each run of a repeated byte as the
         * byte and matches at distance 1, then a sync flush (an empty stored block) that leaves
         * the output byte-aligned. Refers to nothing before the block.
         */
        void runs(byte[] data) {
            ensure((9 * data.length + 7) / 8 + 16);
            write(0b010, 3); // BFINAL 0, BTYPE 01 (fixed codes), least significant bit first
            int n = data.length;
            int i = 0;
            while (i < n) {
                byte v = data[i];
                int j = i + 1;
                while (j < n && data[j] == v) {
                    j++;
                }
                int literal = v & 0xFF;
                write(LITERAL_CODE[literal], LITERAL_BITS[literal]);
                int run = j - i - 1;
                while (run >= 3) {
                    int m = Math.min(run, 258);
                    write(MATCH_CODE[m], MATCH_BITS[m]);
                    run -= m;
                }
                for (; run > 0; run--) {
                    write(LITERAL_CODE[literal], LITERAL_BITS[literal]);
                }
                i = j;
            }
            write(0, 7); // end of block (256): seven zero bits
            write(0, 3); // BFINAL 0, BTYPE 00: a stored block ...
            if (count > 0) {
                write(0, 8 - count); // ... starts on a byte boundary ...
            }
            buffer[length++] = 0; // ... with LEN 0 and NLEN 0xFFFF
            buffer[length++] = 0;
            buffer[length++] = (byte) 0xFF;
            buffer[length++] = (byte) 0xFF;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buffer, length);
        }
    }

    /** For tests: how many constant segments there are. */
    List<Integer> constantSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (byte[] c : constant) {
            sizes.add(c.length);
        }
        return sizes;
    }
}
