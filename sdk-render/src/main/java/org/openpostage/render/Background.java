package org.openpostage.render;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.value.Bytes;
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
    private final Map<String, BufferedImage> covers = new ConcurrentHashMap<>();
    private final PictureFrame frame;

    Background(String mediaType, Bytes content, BufferedImage pixels) {
        this(mediaType, content, Pictures.opaque(pixels), content.sha256Hex(), PictureFrame.CENTRE);
    }

    private Background(String mediaType, Bytes content, BufferedImage opaque, String sha256, PictureFrame frame) {
        this.mediaType = mediaType;
        this.content = content;
        this.pixels = opaque;
        this.sha256 = sha256;
        this.frame = frame;
    }

    /**
     * This picture shown through {@code frame}: a focal point or crop box that keeps its subject
     * in the picture panel, clear of the plate. Shares the decoded pixels; cheap.
     */
    public Background framed(PictureFrame frame) {
        java.util.Objects.requireNonNull(frame, "frame");
        return frame.equals(this.frame) ? this : new Background(mediaType, content, pixels, sha256, frame);
    }

    /** How the picture is placed on a stamp; {@link PictureFrame#CENTRE} unless {@link #framed} said otherwise. */
    public PictureFrame frame() {
        return frame;
    }

    /** What a stamp composed with this background shows: the file's SHA-256 and the frame. */
    String identity() {
        return sha256 + (frame.equals(PictureFrame.CENTRE) ? "" : "@" + frame);
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
     * The picture scaled and cropped to cover {@code width} &times; {@code height} pixels, placed
     * by the frame, whose picture panel is the left {@code panelWidth} pixels inset by
     * {@code frameBorder}. The returned image is shared: callers only read it.
     */
    BufferedImage cover(int width, int height, int panelLeft, int panelTop, int panelWidth, int panelHeight) {
        String key = width + "x" + height + "/" + panelLeft + "," + panelTop + "," + panelWidth + "," + panelHeight;
        BufferedImage cached = covers.get(key);
        if (cached != null) {
            return cached;
        }
        BufferedImage scaled = frame.equals(PictureFrame.CENTRE) ? Pictures.cover(pixels, width, height)
                : Pictures.place(pixels, width, height, new java.awt.Rectangle(panelLeft, panelTop, panelWidth, panelHeight),
                frame.x(), frame.y(), frame.width(), frame.height());
        if (covers.size() >= MAX_CACHED_SIZES) {
            covers.clear();
        }
        covers.put(key, scaled);
        return scaled;
    }

    @Override
    public String toString() {
        return "Background[" + mediaType + ", " + widthPx() + " x " + heightPx() + ", " + content.size() + " bytes"
                + (frame.equals(PictureFrame.CENTRE) ? "" : ", " + frame) + "]";
    }
}
