package org.openpostage.render.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.openpostage.api.error.InvalidRequestException;

/**
 * Reads PNG and JPEG files defensively: the format is recognised from the file's first bytes
 * (never from a name or a declared media type), the dimensions are read from the header and
 * checked against the limits <em>before</em> any pixel is decoded, so a small file that declares
 * an enormous image (a decompression bomb) is refused without allocating its raster. Damaged
 * files are refused too, with a message naming the problem.
 */
public final class ImageFiles {
    /**
     * A decoded image and what it was.
     *
     * @param mediaType {@code image/png} or {@code image/jpeg}, as found in the file
     * @param image     the pixels, turned upright as a JPEG's EXIF orientation says
     * @param width     the width the file's header declares (before any turn or subsampling)
     * @param height    the height the file's header declares
     */
    public record Decoded(String mediaType, BufferedImage image, int width, int height) {
    }

    /** The quality a re-encoded JPEG is written at: visually lossless for photos. */
    private static final float JPEG_QUALITY = 0.92f;

    /** How much larger than its file a refused image's raster may be before it is called a bomb. */
    private static final long BOMB_RATIO = 1000;

    private ImageFiles() {
    }

    /**
     * Decodes {@code bytes}, a PNG or JPEG file, within {@code limits}.
     *
     * @param what how to name the file in messages, for example {@code "the upload"}
     * @throws InvalidRequestException naming the problem: empty, too large, not an image, not PNG
     *                                 or JPEG, too many pixels, a decompression bomb, or damaged
     */
    public static Decoded decode(byte[] bytes, ImageLimits limits, String what) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRequestException(what + " is empty");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new InvalidRequestException(what + " is too large: " + size(bytes.length) + ", at most "
                    + size(limits.maxBytes()) + " is accepted");
        }
        String format = sniff(bytes, what);
        ImageReader reader = ImageIO.getImageReadersByFormatName(format).next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw damaged(what, format, e);
            }
            checkDimensions(width, height, bytes.length, limits, what, format);
            ImageReadParam param = reader.getDefaultReadParam();
            long pixels = (long) width * height;
            if (pixels > limits.decodePixels()) {
                int step = (int) Math.ceil(Math.sqrt((double) pixels / limits.decodePixels()));
                param.setSourceSubsampling(step, step, 0, 0);
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image;
            try {
                image = reader.read(0, param);
            } catch (IOException | RuntimeException e) {
                throw damaged(what, format, e);
            }
            if (!warnings.isEmpty()) {
                throw new InvalidRequestException(what + " is a damaged " + label(format) + " file: "
                        + warnings.get(0));
            }
            if (format.equals("jpeg")) {
                image = Orientation.apply(image, orientation(reader));
            }
            return new Decoded(format.equals("png") ? "image/png" : "image/jpeg", image, width, height);
        } catch (IOException e) {
            throw damaged(what, format, e);
        } finally {
            reader.dispose();
        }
    }

    private static int orientation(ImageReader reader) {
        try {
            return Orientation.of(reader.getImageMetadata(0));
        } catch (IOException | RuntimeException e) {
            return Orientation.NORMAL; // unreadable metadata: show the picture as stored
        }
    }

    /**
     * {@code decoded} written afresh from its pixels, in its own format: a file with no metadata at
     * all (no EXIF with its GPS position, camera serial number and thumbnail, no XMP, IPTC,
     * comments or PNG text chunks), turned upright. A PNG keeps its pixels exactly; a JPEG is
     * compressed again at quality 0.92.
     */
    public static byte[] reencode(Decoded decoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (decoded.mediaType().equals("image/png")) {
                if (!ImageIO.write(decoded.image(), "png", out)) {
                    throw new IllegalStateException("no PNG writer for a " + decoded.image().getType() + " image");
                }
                return out.toByteArray();
            }
            BufferedImage rgb = decoded.image();
            if (rgb.getColorModel().hasAlpha() || rgb.getType() == BufferedImage.TYPE_CUSTOM) {
                rgb = Pictures.opaque(rgb);
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
    }

    private static void checkDimensions(int width, int height, int fileBytes, ImageLimits limits, String what,
                                        String format) {
        if (width <= 0 || height <= 0) {
            throw new InvalidRequestException(what + " is a damaged " + label(format) + " file: it declares "
                    + width + " x " + height + " pixels");
        }
        long pixels = (long) width * height;
        if (width <= limits.maxWidth() && height <= limits.maxHeight() && pixels <= limits.maxPixels()) {
            return;
        }
        long raster = pixels * 4;
        if (raster / fileBytes >= BOMB_RATIO) {
            throw new InvalidRequestException(what + " is refused as a decompression bomb: its " + size(fileBytes)
                    + " declare " + width + " x " + height + " pixels (" + size(raster) + " once decoded); at most "
                    + limits.maxWidth() + " x " + limits.maxHeight() + " and " + limits.maxPixels()
                    + " pixels are accepted");
        }
        throw new InvalidRequestException(what + " has too many pixels: " + width + " x " + height + "; at most "
                + limits.maxWidth() + " x " + limits.maxHeight() + " and " + limits.maxPixels()
                + " pixels are accepted");
    }

    /**
     * The ImageIO format name, {@code png} or {@code jpeg}, recognised from the magic bytes.
     *
     * @throws InvalidRequestException naming what the file looks like otherwise
     */
    static String sniff(byte[] b, String what) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "png";
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "jpeg";
        }
        String other = otherImageFormat(b);
        if (other != null) {
            throw new InvalidRequestException(what + " is a " + other + " image; only PNG and JPEG are accepted");
        }
        throw new InvalidRequestException(what + " is not an image: PNG or JPEG expected, but it starts with "
                + preview(b));
    }

    private static String otherImageFormat(byte[] b) {
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return "GIF";
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return "BMP";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return "WebP";
        }
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) {
            return "TIFF";
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return "HEIF/AVIF";
        }
        String head = new String(b, 0, Math.min(b.length, 256), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.contains("<svg")) {
            return "SVG";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int offset, int... magic) {
        if (b.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String preview(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            sb.append(String.format("%02x ", b[i] & 0xFF));
        }
        String text = new String(b, 0, Math.min(b.length, 16), StandardCharsets.ISO_8859_1);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c < 0x7F || c == '\n' || c == '\r' || c == '\t');
        return sb.toString().strip() + (printable ? " (\"" + text.strip() + "\")" : "");
    }

    private static InvalidRequestException damaged(String what, String format, Exception e) {
        String reason = e.getMessage();
        if (e instanceof IIOException && e.getCause() != null && e.getCause().getMessage() != null) {
            reason = reason + ": " + e.getCause().getMessage();
        }
        if (reason != null && reason.contains("Unsupported Image Type")) {
            reason = "its colour model (probably CMYK) is not supported; save it as RGB";
        }
        return new InvalidRequestException(what + " is a damaged " + label(format) + " file"
                + (reason == null ? "" : ": " + reason));
    }

    private static String label(String format) {
        return format.equals("png") ? "PNG" : "JPEG";
    }

    /** For example {@code "2.4 MB"} or {@code "812 bytes"}. */
    static String size(long bytes) {
        if (bytes < 10_000) {
            return bytes + " bytes";
        }
        if (bytes < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1000.0);
        }
        if (bytes < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
