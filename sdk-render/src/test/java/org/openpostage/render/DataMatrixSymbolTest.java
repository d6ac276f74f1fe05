package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.value.Bytes;

class DataMatrixSymbolTest {
    @Test
    void anIndiciumIsA44ModuleSymbolThatReadsBack() {
        Bytes data = TestIndicia.letter(600).encoded();
        DataMatrixSymbol symbol = DataMatrixSymbol.encode(data);
        assertEquals(44, symbol.size());
        // The finder pattern: a solid left column and bottom row.
        for (int i = 0; i < symbol.size(); i++) {
            assertEquals(true, symbol.dark(0, i));
            assertEquals(true, symbol.dark(i, symbol.size() - 1));
        }
        BufferedImage png = TestPictures.read(symbol.png(6, 1, 300).content().toArray());
        assertEquals(46 * 6, png.getWidth());
        assertEquals(data, StampReader.create().readBytes(png));
    }

    @Test
    void everyByteValueSurvives() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        DataMatrixSymbol symbol = DataMatrixSymbol.encode(Bytes.of(all));
        assertEquals(Bytes.of(all), StampReader.create().readBytes(symbol.png(4, 2, 300).content().toArray()));
    }

    @Test
    void emptyOrOversizedDataIsRefused() {
        assertThrows(InvalidRequestException.class, () -> DataMatrixSymbol.encode(Bytes.empty()));
        assertThrows(InvalidRequestException.class, () -> DataMatrixSymbol.encode(Bytes.of(new byte[1557])));
    }
}
