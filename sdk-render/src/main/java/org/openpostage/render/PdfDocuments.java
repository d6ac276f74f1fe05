package org.openpostage.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.openpostage.render.internal.StampGeometry;

/** PDF helpers shared by the stamp and sheet renderers. */
final class PdfDocuments {
    /** The resolution background pictures are embedded at: plenty for a photo on a stamp. */
    static final int PICTURE_DPI = 300;
    private static final float PICTURE_QUALITY = 0.9f;
    /** The resolution a PDF reports in its {@code RenderedImage}: vector output reports the default. */
    static final int REPORTED_DPI = org.openpostage.api.model.PrintOptions.DEFAULT_DPI;

    private PdfDocuments() {
    }

    /**
     * Saves {@code document} deterministically: PDFBox would otherwise write a file identifier
     * made from the clock, so the identifier is derived from {@code identity} (what the document
     * shows: indicium bytes, background, layout) instead.
     */
    static byte[] save(PDDocument document, String identity) throws IOException {
        document.getDocumentInformation().setProducer("OpenPostage sdk-render");
        byte[] id = Arrays.copyOf(sha256(identity), 16);
        COSArray ids = new COSArray();
        ids.add(new COSString(id));
        ids.add(new COSString(id));
        document.getDocument().getTrailer().setItem(COSName.ID, ids);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        document.save(out);
        return out.toByteArray();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * {@code background} covering a stamp of {@code geometry} as the JPEG file a PDF embeds: the
     * bytes {@code JPEGFactory.createFromImage} writes (taken from a scratch document), made once
     * per picture by the renderer and embedded with {@code JPEGFactory.createFromByteArray}.
     */
    static byte[] pictureJpeg(Background background, StampGeometry geometry) throws IOException {
        int width = (int) Math.round(geometry.widthMm() * PICTURE_DPI / SizeMm.MM_PER_INCH);
        int height = (int) Math.round(geometry.heightMm() * PICTURE_DPI / SizeMm.MM_PER_INCH);
        try (PDDocument scratch = new PDDocument();
             InputStream in = JPEGFactory.createFromImage(scratch, StampRenderer.cover(background, geometry, width,
                     height), PICTURE_QUALITY).getCOSObject().createRawInputStream()) {
            return in.readAllBytes();
        }
    }
}
