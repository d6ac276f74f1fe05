package org.openpostage.render;

import com.google.zxing.common.BitMatrix;
import java.awt.image.BufferedImage;
import java.util.Objects;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.internal.DataMatrix;
import org.openpostage.render.internal.Png;
import org.openpostage.render.internal.RasterPainter;

/**
 * The Data Matrix symbol (ECC 200, square) of some bytes, on its own: for callers that draw the
 * barcode themselves (an SVG, a canvas, a label layout of their own) and for comparisons with
 * other encoders. Stamps use the same encoder. Immutable and thread-safe.
 */
public final class DataMatrixSymbol {
    private final BitMatrix modules;

    private DataMatrixSymbol(BitMatrix modules) {
        this.modules = modules;
    }

    /**
     * Encodes {@code data}, byte for byte (no character set conversion, no ECI).
     *
     * @throws InvalidRequestException if {@code data} is empty or longer than 1556 bytes
     */
    public static DataMatrixSymbol encode(Bytes data) {
        Objects.requireNonNull(data, "data");
        return new DataMatrixSymbol(DataMatrix.encode(data.toArray()));
    }

    /** Modules per side (for example 44 for a 127-byte indicium). */
    public int size() {
        return modules.getWidth();
    }

    /** Whether the module in column {@code x}, row {@code y} (from the top left) is dark. */
    public boolean dark(int x, int y) {
        return modules.get(x, y);
    }

    /**
     * The symbol as a 1-bit PNG.
     *
     * @param modulePx         pixels per module (1 to 50)
     * @param quietZoneModules white modules around the symbol (0 to 10)
     * @param dpi              the resolution written into the file
     */
    public RenderedImage png(int modulePx, int quietZoneModules, int dpi) {
        if (modulePx < 1 || modulePx > 50 || quietZoneModules < 0 || quietZoneModules > 10) {
            throw new InvalidRequestException("modulePx must be 1 to 50 and quietZoneModules 0 to 10, were "
                    + modulePx + " and " + quietZoneModules);
        }
        int side = (size() + 2 * quietZoneModules) * modulePx;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
        // White, then the dark modules written as bits: the pixels Java 2D's fills would give, far faster.
        java.util.Arrays.fill(((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData(), (byte) 0xFF);
        int offset = quietZoneModules * modulePx;
        RasterPainter.fillModuleBits(image, modules, offset, offset, modulePx);
        return new RenderedImage(OutputFormat.PNG, Bytes.of(Png.write(image, dpi)), dpi);
    }
}
