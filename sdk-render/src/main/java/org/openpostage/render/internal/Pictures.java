package org.openpostage.render.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Scaling and cropping of background pictures. */
public final class Pictures {
    /** The most a focal point or crop box enlarges a picture beyond covering the stamp. */
    private static final double MAX_ZOOM = 4;

    private Pictures() {
    }

    /**
     * {@code source} scaled to cover {@code width} &times; {@code height} pixels and cropped to
     * them around its centre (CSS {@code object-fit: cover}), as an opaque RGB image. Large
     * reductions go in halving steps, which keeps detail without the cost of area averaging.
     */
    public static BufferedImage cover(BufferedImage source, int width, int height) {
        double scale = Math.max((double) width / source.getWidth(), (double) height / source.getHeight());
        // The part of the source that ends up visible, in source pixels.
        double cropW = width / scale;
        double cropH = height / scale;
        return cut(source, width, height, (source.getWidth() - cropW) / 2, (source.getHeight() - cropH) / 2, scale);
    }

    /**
     * {@code source} scaled and cropped to cover {@code width} &times; {@code height} pixels, placed
     * so that a focal point ({@code cropW} = 0) or the centre of a crop box lands as near as the
     * picture's edges allow to the centre of {@code panel}; a crop box is also scaled to cover the
     * panel. All positions are fractions of the source's size.
     */
    public static BufferedImage place(BufferedImage source, int width, int height, java.awt.Rectangle panel,
                                      double x, double y, double cropW, double cropH) {
        double cover = Math.max((double) width / source.getWidth(), (double) height / source.getHeight());
        double scale = cover;
        double focalX = x * source.getWidth();
        double focalY = y * source.getHeight();
        if (cropW > 0) {
            scale = Math.max(scale, Math.max(panel.width / (cropW * source.getWidth()),
                    panel.height / (cropH * source.getHeight())));
            focalX = (x + cropW / 2) * source.getWidth();
            focalY = (y + cropH / 2) * source.getHeight();
        }
        double tx = panel.x + panel.width / 2.0;
        double ty = panel.y + panel.height / 2.0;
        // Zoom in as little as needed for the picture to reach past the stamp's edges on every side
        // once the point sits at the panel's centre (at most four times the covering scale).
        scale = Math.max(scale, Math.min(MAX_ZOOM * cover, Math.max(
                Math.max(needed(tx, focalX), needed(width - tx, source.getWidth() - focalX)),
                Math.max(needed(ty, focalY), needed(height - ty, source.getHeight() - focalY)))));
        double visibleW = width / scale;
        double visibleH = height / scale;
        double sx = focalX - tx / scale;
        double sy = focalY - ty / scale;
        sx = Math.max(0, Math.min(sx, source.getWidth() - visibleW));
        sy = Math.max(0, Math.min(sy, source.getHeight() - visibleH));
        return cut(source, width, height, sx, sy, scale);
    }

    /** The scale at which {@code room} source pixels span {@code span} target pixels (0 when there is no room). */
    private static double needed(double span, double room) {
        return room <= 0 ? 0 : span / room;
    }

    /** The part of {@code source} from ({@code x}, {@code y}) that {@code scale} makes {@code width} x {@code height}. */
    private static BufferedImage cut(BufferedImage source, int width, int height, double x, double y, double scale) {
        double cropW = width / scale;
        double cropH = height / scale;
        int sx = Math.max(0, (int) Math.floor(x));
        int sy = Math.max(0, (int) Math.floor(y));
        BufferedImage current = source.getSubimage(sx, sy,
                Math.max(1, Math.min(source.getWidth() - sx, (int) Math.ceil(cropW))),
                Math.max(1, Math.min(source.getHeight() - sy, (int) Math.ceil(cropH))));
        while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
            current = resize(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return resize(current, width, height);
    }

    /** {@code source} drawn onto white (transparency flattened) as an opaque RGB image. */
    public static BufferedImage opaque(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_INT_RGB) {
            return source;
        }
        BufferedImage rgb = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(source, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private static BufferedImage resize(BufferedImage source, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
