package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.Provider;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.value.Bytes;

/**
 * Rendered PNG stamps, plain and with a picture, at the usual resolutions, read back through the
 * quick path (grey levels straight from the file, the symbol read in place) to their exact bytes,
 * and verified alike with the JDK's providers and with BouncyCastle.
 */
class QuickReadTest {
    private static final Provider BC = new BouncyCastleProvider();

    @ParameterizedTest(name = "{0} dpi")
    @ValueSource(ints = {203, 300, 600})
    void renderedStampsReadBackByTheQuickPath(int dpi) {
        StampRenderer renderer = StampRenderer.builder().dpi(dpi).build();
        Background picture = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(1200, 400, 9)));
        for (SignedIndicium indicium : List.of(TestIndicia.letter(1), TestIndicia.parcel(2), TestIndicia.specimen(3))) {
            for (Background background : new Background[] {null, picture}) {
                byte[] file = renderer.png(indicium, background).content().toArray();
                StampReader reader = StampReader.create();
                // The quick path reads it (not the careful one, which would read it too) ...
                assertEquals(indicium.encoded(), reader.readInPlace(file).orElseThrow(),
                        dpi + " dpi, background " + background);
                // ... to the exact bytes the careful path reads from the decoded image.
                assertEquals(indicium.encoded(), reader.readBytes(file));
                assertEquals(indicium.encoded(), reader.readBytes(TestPictures.read(file)));
            }
        }
    }

    @Test
    void aChosenProviderGivesTheSameVerdicts() {
        StampRenderer renderer = StampRenderer.defaults();
        StampReader jdk = StampReader.create();
        StampReader bc = StampReader.create().withSignatureProvider(BC);
        assertEquals(BC, bc.signatureProvider());
        for (SignedIndicium indicium : List.of(TestIndicia.letter(10), TestIndicia.parcel(11), TestIndicia.specimen(12),
                tampered(TestIndicia.letter(13)), tampered(TestIndicia.parcel(14)))) {
            byte[] file = renderer.png(indicium).content().toArray();
            StampVerification byJdk = jdk.verify(file, TestIndicia.KEYS);
            StampVerification byBc = bc.verify(file, TestIndicia.KEYS);
            assertEquals(byJdk, byBc);
        }
        assertEquals(SignatureCheck.VALID, bc.verify(renderer.png(TestIndicia.letter(15)).content().toArray(),
                TestIndicia.KEYS).signature());
        assertEquals(SignatureCheck.BAD_SIGNATURE, bc.verify(renderer.png(tampered(TestIndicia.letter(16))).content()
                .toArray(), TestIndicia.KEYS).signature());
    }

    /** The indicium with one signature byte changed. */
    private static SignedIndicium tampered(SignedIndicium indicium) {
        byte[] bytes = indicium.encoded().toArray();
        bytes[bytes.length - 1] ^= 0x01;
        return IndiciumCodec.decode(Bytes.of(bytes));
    }
}
