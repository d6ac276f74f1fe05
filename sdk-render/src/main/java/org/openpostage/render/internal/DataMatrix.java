package org.openpostage.render.internal;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.datamatrix.DataMatrixWriter;
import com.google.zxing.datamatrix.encoder.SymbolShapeHint;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.openpostage.api.error.InvalidRequestException;

/**
 * Encodes bytes as an ECC 200 Data Matrix symbol (square), one matrix cell per module, without
 * quiet zone. Bytes travel through ZXing as ISO-8859-1 characters, which its encoder maps back to
 * the same byte values (base 256 or ASCII upper shift); no ECI is written, so a reader gets the
 * exact bytes back. Thread-safe.
 */
public final class DataMatrix {
    private static final Map<EncodeHintType, Object> HINTS =
            Map.of(EncodeHintType.DATA_MATRIX_SHAPE, SymbolShapeHint.FORCE_SQUARE);

    private DataMatrix() {
    }

    /**
     * The symbol for {@code data}: {@code get(x, y)} is true for a dark module.
     *
     * @throws InvalidRequestException if {@code data} is empty or too long for one symbol
     */
    public static BitMatrix encode(byte[] data) {
        if (data.length == 0 || data.length > 1556) {
            throw new InvalidRequestException("a Data Matrix holds 1 to 1556 bytes, not " + data.length);
        }
        try {
            return new DataMatrixWriter().encode(new String(data, StandardCharsets.ISO_8859_1),
                    BarcodeFormat.DATA_MATRIX, 0, 0, HINTS);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("cannot encode " + data.length + " bytes as a Data Matrix: "
                    + e.getMessage());
        }
    }
}
