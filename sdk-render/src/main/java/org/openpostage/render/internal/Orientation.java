package org.openpostage.render.internal;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * The EXIF orientation of a JPEG photo, and the turn that shows it upright. Phones store a photo as
 * the sensor saw it and record in EXIF how to turn it; ImageIO ignores that record, so without it
 * a portrait photo would lie on its side on a stamp (and, once the metadata is stripped, in the
 * browser too).
 *
 * <p>Only the orientation tag of the first image directory is read, from the APP1 segment ImageIO
 * has already isolated; every offset is checked against the segment, and anything unexpected means
 * "as stored" ({@link #NORMAL}): a damaged or hostile EXIF block never refuses or breaks a picture.
 */
public final class Orientation {
    /** As stored: no turn. */
    public static final int NORMAL = 1;

    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";
    private static final int APP1 = 0xE1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private Orientation() {
    }

    /** The orientation (1 to 8) recorded in a JPEG's metadata, else {@link #NORMAL}. */
    public static int of(IIOMetadata jpegMetadata) {
        if (jpegMetadata == null) {
            return NORMAL;
        }
        Node root;
        try {
            root = jpegMetadata.getAsTree(JPEG_METADATA);
        } catch (IllegalArgumentException e) {
            return NORMAL;
        }
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!n.getNodeName().equals("markerSequence")) {
                continue;
            }
            for (Node m = n.getFirstChild(); m != null; m = m.getNextSibling()) {
                if (m.getNodeName().equals("unknown") && m instanceof IIOMetadataNode node
                        && String.valueOf(APP1).equals(node.getAttribute("MarkerTag"))
                        && node.getUserObject() instanceof byte[] segment) {
                    int found = ofExif(segment);
                    if (found != 0) {
                        return found;
                    }
                }
            }
        }
        return NORMAL;
    }

    /**
     * The orientation in an APP1 segment's payload ({@code Exif\0\0} and a TIFF structure), or 0
     * when the segment is not EXIF or holds no valid orientation.
     */
    static int ofExif(byte[] s) {
        int tiff = 6;
        if (s.length < tiff + 8 || s[0] != 'E' || s[1] != 'x' || s[2] != 'i' || s[3] != 'f' || s[4] != 0 || s[5] != 0) {
            return 0;
        }
        boolean little;
        if (s[tiff] == 'I' && s[tiff + 1] == 'I') {
            little = true;
        } else if (s[tiff] == 'M' && s[tiff + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        if (u16(s, tiff + 2, little) != 42) {
            return 0;
        }
        long ifd = tiff + u32(s, tiff + 4, little);
        if (ifd + 2 > s.length) {
            return 0;
        }
        int entries = u16(s, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > s.length) {
                return 0;
            }
            int e = (int) entry;
            if (u16(s, e, little) == TAG_ORIENTATION) {
                if (u16(s, e + 2, little) != TYPE_SHORT || u32(s, e + 4, little) != 1) {
                    return 0;
                }
                int value = u16(s, e + 8, little);
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /**
     * {@code image} turned upright as {@code orientation} says (1 to 8, the EXIF values); the same
     * image for {@link #NORMAL} or an unknown value.
     */
    public static BufferedImage apply(BufferedImage image, int orientation) {
        int w = image.getWidth();
        int h = image.getHeight();
        AffineTransform turn = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);   // mirrored
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);  // upside down
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);   // mirrored upside down
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);    // mirrored, on its side
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);   // turned a quarter clockwise to show
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);  // mirrored, on its other side
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);   // turned a quarter anticlockwise to show
            default -> null;
        };
        if (turn == null) {
            return image;
        }
        boolean sideways = orientation >= 5;
        int type = image.getType() == BufferedImage.TYPE_CUSTOM || image.getType() == BufferedImage.TYPE_BYTE_INDEXED
                || image.getType() == BufferedImage.TYPE_BYTE_BINARY
                ? (image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB)
                : image.getType();
        BufferedImage upright = new BufferedImage(sideways ? h : w, sideways ? w : h, type);
        Graphics2D g = upright.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, turn, null);
        } finally {
            g.dispose();
        }
        return upright;
    }

    private static int u16(byte[] s, int at, boolean little) {
        int a = s[at] & 0xFF;
        int b = s[at + 1] & 0xFF;
        return little ? a | b << 8 : a << 8 | b;
    }

    private static long u32(byte[] s, int at, boolean little) {
        long a = u16(s, at, little);
        long b = u16(s, at + 2, little);
        return little ? a | b << 16 : a << 16 | b;
    }
}
