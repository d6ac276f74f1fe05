package org.openpostage.render;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.Bytes;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.render.internal.Pictures;

/**
 * A checked background picture, ready to be composed with stamps: the original file (PNG or JPEG)
 * and its decoded pixels. Make one with {@link BackgroundImages#check(byte[], UploadLimits)} (an
 * upload) or {@link BackgroundImages#check(BackgroundImage)} (a catalogue entry); there is no
 * other way, so every {@code Background} passed the checks.
 *
 * <p>Immutable and thread-safe; keep one per catalogue image and reuse it. It caches the picture
 * scaled to the few stamp sizes it is rendered at.
 */
public final class Background {
    private static final int MAX_CACHED_SIZES = 8;

    private final String mediaType;
    private final Bytes content;
    private final BufferedImage pixels;
    private final String sha256;
    private final Map<Long, BufferedImage> covers = new ConcurrentHashMap<>();

    Background(String mediaType, Bytes content, BufferedImage pixels) {
        this.mediaType = mediaType;
        this.content = content;
        this.pixels = Pictures.opaque(pixels);
        this.sha256 = content.sha256Hex();
    }

    /** The SHA-256 of the file, lower-case hex: a stable identity for caches and documents. */
    public String sha256() {
        return sha256;
    }

    /** {@code image/png} or {@code image/jpeg}, as found in the file (not as declared by the sender). */
    public String mediaType() {
        return mediaType;
    }

    /** The original file. */
    public Bytes content() {
        return content;
    }

    /** The width in pixels. */
    public int widthPx() {
        return pixels.getWidth();
    }

    /** The height in pixels. */
    public int heightPx() {
        return pixels.getHeight();
    }

    /**
     * This picture as a catalogue entry of the postal server.
     *
     * @param id    the catalogue id (letters, digits, '.', '_', ':' and '-')
     * @param title the title shown to users
     */
    public BackgroundImage toBackgroundImage(String id, String title) {
        return new BackgroundImage(id, title, mediaType, content, widthPx(), heightPx());
    }

    /** A copy of the decoded pixels, opaque RGB (transparency flattened onto white). */
    public BufferedImage toImage() {
        BufferedImage copy = new BufferedImage(widthPx(), heightPx(), BufferedImage.TYPE_INT_RGB);
        copy.setData(pixels.getData());
        return copy;
    }

    /**
     * The picture scaled and cropped to cover {@code width} &times; {@code height} pixels. The
     * returned image is shared: callers only read it.
     */
    BufferedImage cover(int width, int height) {
        long key = ((long) width << 32) | height;
        BufferedImage cached = covers.get(key);
        if (cached != null) {
            return cached;
        }
        BufferedImage scaled = Pictures.cover(pixels, width, height);
        if (covers.size() >= MAX_CACHED_SIZES) {
            covers.clear();
        }
        covers.put(key, scaled);
        return scaled;
    }

    @Override
    public String toString() {
        return "Background[" + mediaType + ", " + widthPx() + " x " + heightPx() + ", " + content.size() + " bytes]";
    }
}
