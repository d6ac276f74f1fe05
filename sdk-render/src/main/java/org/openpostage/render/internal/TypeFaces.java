package org.openpostage.render.internal;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The typeface of everything sdk-render writes: DejaVu Sans Mono (regular and bold), shipped in
 * this module's resources with its licence ({@code fonts/DejaVu-LICENSE.txt}). Its zero carries a
 * dot and its letter O does not, so {@code 0} and {@code O} never look alike in an amount, a
 * serial, a meter id or a postal code such as {@code SW1A 0AA}; every character has the same
 * advance, so widths are predictable. The same font file is drawn by Java 2D (PNG, and the ZPL
 * text bitmaps) and embedded as a subset in PDFs, so every format shows the same glyphs on any
 * machine, whatever fonts it has installed.
 */
public final class TypeFaces {
    private static final byte[] REGULAR = read("DejaVuSansMono.ttf");
    private static final byte[] BOLD = read("DejaVuSansMono-Bold.ttf");
    private static final Font AWT_REGULAR = awtFont(REGULAR);
    private static final Font AWT_BOLD = awtFont(BOLD);
    /** The advance of every character, as a fraction of the font size. */
    public static final double ADVANCE = 0.602;

    private TypeFaces() {
    }

    /** The Java 2D font at size 12 (derive the size you need). */
    public static Font awt(boolean bold) {
        return bold ? AWT_BOLD : AWT_REGULAR;
    }

    /** The font for {@code document}, embedded as a subset of the glyphs it uses. */
    public static PDType0Font pdf(PDDocument document, boolean bold) throws IOException {
        return PDType0Font.load(document, new ByteArrayInputStream(bold ? BOLD : REGULAR), true);
    }

    private static Font awtFont(byte[] ttf) {
        try {
            return Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(ttf)).deriveFont(12f);
        } catch (FontFormatException | IOException e) {
            throw new IllegalStateException("the bundled font cannot be read", e);
        }
    }

    private static byte[] read(String name) {
        try (InputStream in = TypeFaces.class.getResourceAsStream("/org/openpostage/render/fonts/" + name)) {
            if (in == null) {
                throw new IllegalStateException("font " + name + " is missing from sdk-render's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
