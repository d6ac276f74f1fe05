package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.MultiFormatWriter;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.SignedIndicium;

/**
 * A picture cannot smuggle a machine-readable code onto a stamp: an upload holding one is refused
 * with a clear message, and a reader reads the indicium at its place in the stamp's geometry, never
 * a code in the picture. Found by review (issue 10): the picture panel lies left of the plate, where
 * the reader's search windows began, so a copy of another stamp's Data Matrix in the picture was
 * read instead of the stamp's own.
 */
class SmuggledCodeTest {
    /** Codes a picture might carry. */
    enum Code {
        DATA_MATRIX(BarcodeFormat.DATA_MATRIX, "a Data Matrix symbol"),
        QR_CODE(BarcodeFormat.QR_CODE, "a QR code"),
        AZTEC(BarcodeFormat.AZTEC, "an Aztec code"),
        PDF_417(BarcodeFormat.PDF_417, "a PDF417 code"),
        CODE_128(BarcodeFormat.CODE_128, "a barcode (CODE_128)");

        final BarcodeFormat format;
        final String words;

        Code(BarcodeFormat format, String words) {
            this.format = format;
            this.words = words;
        }
    }

    @ParameterizedTest
    @EnumSource(Code.class)
    void anUploadHoldingACodeIsRefusedSayingWhy(Code code) throws Exception {
        BufferedImage photo = TestPictures.busyPhoto(1200, 800, 11);
        // Off-centre, where a detector that looks from the middle does not find it.
        boolean wide = code.format == BarcodeFormat.CODE_128 || code.format == BarcodeFormat.PDF_417;
        paste(photo, symbol(code.format, "https://example.com/postage/" + code.name().toLowerCase(), wide ? 2 : 4), 80,
                90);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> BackgroundImages.check(TestPictures.png(photo)));
        assertTrue(e.getMessage().contains("holds " + code.words) && e.getMessage().contains("choose a picture without"),
                e.getMessage());
    }

    @Test
    void aPictureWithoutCodesIsAccepted() {
        BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(1200, 800, 12)));
        for (CatalogueBackgrounds.Entry entry : CatalogueBackgrounds.ENTRIES) {
            BackgroundImages.check(TestPictures.png(entry.draw()));
        }
    }

    /** A stamp on a picture that holds a genuine indicium of another piece: the reader returns the stamp's own. */
    @Test
    void theReaderReadsTheIndiciumAtItsPlaceNotACodeInThePicture() throws Exception {
        SignedIndicium own = TestIndicia.letter(501);
        SignedIndicium decoy = TestIndicia.letter(999);
        // A picture of the stamp's shape, so that it lies over the stamp unscaled but for one factor:
        // the decoy lands in the picture panel left of the plate, where a search from the left finds it first.
        BufferedImage picture = TestPictures.busyPhoto(940, 300, 13);
        BufferedImage decoySymbol = TestPictures.read(DataMatrixSymbol.encode(decoy.encoded()).png(4, 2, 300).content()
                .toArray());
        paste(picture, decoySymbol, 30, (300 - decoySymbol.getHeight()) / 2);
        // Such a picture could only get here unchecked (a catalogue from before the check): built as the check does.
        Background unchecked = new Background("image/png", org.openpostage.api.value.Bytes.of(TestPictures.png(picture)),
                picture);
        BufferedImage stamp = ImageIO.read(new ByteArrayInputStream(StampRenderer.defaults().withDpi(300)
                .png(own, unchecked).content().toArray()));
        assertEquals(decoy.encoded(), StampReader.create().readBytes(stamp.getSubimage(0, 0, stamp.getWidth() / 3,
                stamp.getHeight())), "the decoy is readable in the picture panel");
        assertEquals(own.encoded(), StampReader.create().readBytes(stamp), "the stamp's own indicium");

        // A scan of the stamp on a sheet has no stamp shape: both symbols are found, and the reader refuses.
        StampNotFoundException e = assertThrows(StampNotFoundException.class,
                () -> StampReader.create().readBytes(TestPictures.scanned(stamp, 1.5, 7)));
        assertTrue(e.getMessage().contains("holds 2 different Data Matrix symbols"), e.getMessage());
    }

    static BufferedImage symbol(BarcodeFormat format, String text, int scale) throws WriterException {
        int w = format == BarcodeFormat.CODE_128 || format == BarcodeFormat.PDF_417 ? 360 : 0;
        BitMatrix m = new MultiFormatWriter().encode(text, format, w, w / 3, Map.of());
        BufferedImage img = new BufferedImage(m.getWidth() * scale + 40, m.getHeight() * scale + 40,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y)) {
                    g.fillRect(20 + x * scale, 20 + y * scale, scale, scale);
                }
            }
        }
        g.dispose();
        return img;
    }

    static void paste(BufferedImage onto, BufferedImage what, int x, int y) {
        Graphics2D g = onto.createGraphics();
        g.drawImage(what, x, y, null);
        g.dispose();
    }
}
