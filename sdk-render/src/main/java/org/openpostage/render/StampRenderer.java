package org.openpostage.render;

import com.google.zxing.common.BitMatrix;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.internal.DataMatrix;
import org.openpostage.render.internal.HumanReadable;
import org.openpostage.render.internal.PdfPainter;
import org.openpostage.render.internal.PlatedPng;
import org.openpostage.render.internal.Png;
import org.openpostage.render.internal.RasterPainter;
import org.openpostage.render.internal.StampGeometry;
import org.openpostage.render.internal.TextLine;
import org.openpostage.render.internal.Zpl;

/**
 * Renders signed indicia as printable stamps: PNG at a chosen resolution, PDF with the barcode as
 * vector graphics, and ZPL for thermal label printers; with or without a {@link Background}.
 *
 * <pre>{@code
 * StampRenderer renderer = StampRenderer.builder().dpi(300).build();
 * RenderedImage png = renderer.png(indicium);                 // 1-bit PNG, 63 x 27 mm
 * RenderedImage pdf = renderer.pdf(indicium, background);     // 94 x 30 mm, vector barcode
 * String zpl = renderer.zpl(indicium);                        // for a 203 dpi label printer
 * }</pre>
 *
 * <p>Every output carries the Data Matrix of the indicium's exact bytes with its quiet zone, and
 * the human-readable block (amount, mail class, date of mailing, origin postal code, meter id and
 * piece serial); test indicia carry a {@code SPECIMEN} bar. Geometry: {@link StampLayout}.
 * Output is deterministic: the same indicium, background and options give the same bytes.
 *
 * <p>Immutable and thread-safe: build one per resolution and share it.
 */
public final class StampRenderer {
    /**
     * Pictures whose composed stamp a renderer keeps (each: the picture's compressed PNG rows and
     * its JPEG for PDF, some hundreds of KB at 300 dpi); past that the caches start again.
     */
    static final int MAX_CACHED_PLATES = 16;
    private final int dpi;
    private final StampLayout layout;
    private final OperatorMarks marks;
    private final StampGeometry plain;
    private final StampGeometry withPicture;
    /** PNG plates by picture identity (file hash and frame): see {@link #plated}. */
    private final Map<String, PlatedPng> plates = new ConcurrentHashMap<>();
    /** The JPEG of each picture as a PDF embeds it, by picture identity. */
    private final Map<String, byte[]> pdfPictures = new ConcurrentHashMap<>();

    private StampRenderer(Builder b) {
        this.dpi = b.dpi;
        this.layout = b.layout;
        this.marks = b.marks;
        this.plain = geometry(layout, false);
        this.withPicture = geometry(layout, true);
    }

    /** A renderer at {@link PrintOptions#DEFAULT_DPI} with the {@link StampLayout#DEFAULT} layout. */
    public static StampRenderer defaults() {
        return builder().build();
    }

    /** A builder: 300 dpi and the default layout unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** The resolution of PNG and ZPL output, in dots per inch. */
    public int dpi() {
        return dpi;
    }

    /** The layout. */
    public StampLayout layout() {
        return layout;
    }

    /** The marks of the human-readable block. */
    public OperatorMarks marks() {
        return marks;
    }

    /** A renderer like this one at another resolution. */
    public StampRenderer withDpi(int dpi) {
        return dpi == this.dpi ? this : builder().layout(layout).marks(marks).dpi(dpi).build();
    }

    /** The physical size of a stamp, with or without background: what the print component needs. */
    public SizeMm size(boolean withBackground) {
        return layout.size(withBackground);
    }

    /** A 1-bit PNG of the stamp, with its resolution in the file. */
    public RenderedImage png(SignedIndicium indicium) {
        return png(indicium, null);
    }

    /**
     * A PNG of the stamp composed with {@code background}: RGB, the picture scaled and cropped to
     * the stamp, barcode and text on a white plate. Without background (null) a 1-bit PNG.
     */
    public RenderedImage png(SignedIndicium indicium, Background background) {
        Objects.requireNonNull(indicium, "indicium");
        byte[] file = background == null ? Png.write(image(indicium, null), dpi) : plated(indicium, background);
        return new RenderedImage(OutputFormat.PNG, Bytes.of(file), dpi);
    }

    /**
     * A stamp with a picture as PNG: the picture with a blank plate is composed, filtered and
     * compressed once per picture and frame ({@link #plates}), each stamp draws and compresses
     * only its plate. The same pixels as {@link #image} with that background.
     */
    private byte[] plated(SignedIndicium indicium, Background background) {
        RasterPainter painter = new RasterPainter(withPicture, dpi);
        PlatedPng plate = plates.get(background.identity());
        if (plate == null) {
            BufferedImage base = new BufferedImage(painter.widthPx(), painter.heightPx(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = base.createGraphics();
            try {
                painter.paint(g, 0, 0, null, List.of(), cover(background, withPicture, painter.widthPx(),
                        painter.heightPx()), true);
            } finally {
                g.dispose();
            }
            plate = new PlatedPng(base, painter.plateRect(), dpi);
            if (plates.size() >= MAX_CACHED_PLATES) {
                plates.clear();
            }
            plates.put(background.identity(), plate);
        }
        BitMatrix symbol = symbol(indicium);
        List<TextLine> lines = lines(indicium);
        return plate.write(g -> painter.paintPlate(g, 0, 0, symbol, lines, true));
    }

    /**
     * The stamp as a bitmap at this renderer's resolution: {@link BufferedImage#TYPE_BYTE_BINARY}
     * without background, {@link BufferedImage#TYPE_INT_RGB} with one. For callers that compose
     * further; the image is theirs.
     */
    public BufferedImage image(SignedIndicium indicium, Background background) {
        Objects.requireNonNull(indicium, "indicium");
        StampGeometry geometry = geometry(background != null);
        RasterPainter painter = new RasterPainter(geometry, dpi);
        if (background == null) {
            BufferedImage image = new BufferedImage(painter.widthPx(), painter.heightPx(),
                    BufferedImage.TYPE_BYTE_BINARY);
            painter.paintBits(image, symbol(indicium), lines(indicium));
            return image;
        }
        BufferedImage image = new BufferedImage(painter.widthPx(), painter.heightPx(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            painter.paint(g, 0, 0, symbol(indicium), lines(indicium),
                    cover(background, geometry, painter.widthPx(), painter.heightPx()), true);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * A one-page PDF of the stamp, page size = stamp size. Its {@link RenderedImage#dpi()} is
     * {@link PrintOptions#DEFAULT_DPI}, as sdk-api documents for vector output.
     */
    public RenderedImage pdf(SignedIndicium indicium) {
        return pdf(indicium, null);
    }

    /** A one-page PDF of the stamp composed with {@code background} (or none, if null). */
    public RenderedImage pdf(SignedIndicium indicium, Background background) {
        Objects.requireNonNull(indicium, "indicium");
        SizeMm size = size(background != null);
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(new PDRectangle((float) (size.widthMm() * SizeMm.POINTS_PER_MM),
                    (float) (size.heightMm() * SizeMm.POINTS_PER_MM)));
            document.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(document, page)) {
                paintPdf(document, cs, indicium, background, 0, page.getMediaBox().getHeight(),
                        new PdfResources(document));
            }
            return new RenderedImage(OutputFormat.PDF, Bytes.of(PdfDocuments.save(document, identity(indicium, background))),
                    PdfDocuments.REPORTED_DPI);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PDF: " + e.getMessage(), e);
        }
    }

    /**
     * ZPL II for a thermal label printer at this renderer's resolution; the printer draws the
     * Data Matrix itself with {@code ^BX} from the hex-escaped bytes (see {@code docs/rendering.md}).
     * Backgrounds do not apply to thermal labels.
     */
    public String zpl(SignedIndicium indicium) {
        Objects.requireNonNull(indicium, "indicium");
        return Zpl.nativeStamp(plain, dpi, indicium.encoded().toArray(), symbol(indicium), textBitmap(indicium));
    }

    /**
     * The human-readable block of a plain stamp as a 1-bit image at this resolution, cut from the
     * rendered stamp: ZPL labels send it as a bitmap so the printer shows exactly the glyphs of the
     * PNG and PDF (its own fonts draw a zero like the letter O).
     */
    BufferedImage textBitmap(SignedIndicium indicium) {
        BufferedImage stamp = image(indicium, null);
        int x = SizeMm.toPx(plain.text().x(), dpi);
        int y = SizeMm.toPx(plain.text().y(), dpi);
        int w = SizeMm.toPx(plain.text().x() + plain.text().width(), dpi) - x;
        int h = SizeMm.toPx(plain.text().y() + plain.text().height(), dpi) - y;
        BufferedImage block = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        block.setData(stamp.getData(new java.awt.Rectangle(x, y, w, h)).createTranslatedChild(0, 0));
        return block;
    }

    /**
     * ZPL II with the whole stamp as one {@code ^GFA} bitmap, exactly as the 1-bit PNG: for printers
     * whose built-in Data Matrix is not trusted. Larger than {@link #zpl}.
     */
    public String zplGraphic(SignedIndicium indicium) {
        return Zpl.graphicStamp(plain, dpi, image(indicium, null));
    }

    /**
     * The stamp in {@code format} ({@link OutputFormat#PNG}, {@link OutputFormat#PDF} or
     * {@link OutputFormat#ZPL}, the native label of {@link #zpl}): what a postal server returns for
     * a purchase's {@link PrintOptions}.
     *
     * @throws InvalidRequestException for {@link OutputFormat#INDICIUM_DATA}, which is not an image
     */
    public RenderedImage render(SignedIndicium indicium, OutputFormat format, Background background) {
        return switch (Objects.requireNonNull(format, "format")) {
            case PNG -> png(indicium, background);
            case PDF -> pdf(indicium, background);
            case ZPL -> {
                if (background != null) {
                    throw new InvalidRequestException("thermal labels (ZPL) have no background pictures");
                }
                yield new RenderedImage(OutputFormat.ZPL, Bytes.of(zpl(indicium).getBytes(StandardCharsets.US_ASCII)), dpi);
            }
            case INDICIUM_DATA, UNKNOWN -> throw new InvalidRequestException(format + " is not an image format");
        };
    }

    /**
     * Paints a stamp into a PDF page at ({@code leftPt}, {@code topPt}), with the fonts and
     * pictures of {@code resources}: one per document, so that each is embedded once.
     */
    void paintPdf(PDDocument document, PDPageContentStream cs, SignedIndicium indicium, Background background,
                  double leftPt, double topPt, PdfResources resources) throws IOException {
        StampGeometry geometry = geometry(background != null);
        PDImageXObject picture = null;
        if (background != null) {
            picture = resources.pictures.get(background);
            if (picture == null) {
                byte[] jpeg = pdfPictures.get(background.identity());
                if (jpeg == null) {
                    jpeg = PdfDocuments.pictureJpeg(background, geometry);
                    if (pdfPictures.size() >= MAX_CACHED_PLATES) {
                        pdfPictures.clear();
                    }
                    pdfPictures.put(background.identity(), jpeg);
                }
                picture = org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory.createFromByteArray(document, jpeg);
                resources.pictures.put(background, picture);
            }
        }
        new PdfPainter(geometry, resources.fonts).paint(cs, leftPt, topPt, symbol(indicium), lines(indicium), picture);
    }

    /** What one PDF document's stamps share: its fonts and its embedded pictures. Not thread-safe. */
    static final class PdfResources {
        private final PdfPainter.Fonts fonts;
        private final Map<Background, PDImageXObject> pictures = new HashMap<>();

        PdfResources(PDDocument document) throws IOException {
            this.fonts = PdfPainter.Fonts.embedded(document);
        }

        PdfPainter.Fonts fonts() {
            return fonts;
        }
    }

    /** What a document shows, for its deterministic identifier. */
    String identity(SignedIndicium indicium, Background background) {
        return indicium.encoded().toHex() + '/' + (background == null ? "-" : background.identity()) + '/' + layout
                + '/' + marks;
    }

    void paintRaster(Graphics2D g, int x, int y, SignedIndicium indicium, Background background, boolean smooth) {
        paintRaster(g, x, y, indicium, background, smooth, true);
    }

    /** As above; without the Data Matrix when {@code symbol} is false (a ZPL label's printer draws it). */
    void paintRaster(Graphics2D g, int x, int y, SignedIndicium indicium, Background background, boolean smooth,
                     boolean withSymbol) {
        StampGeometry geometry = geometry(background != null);
        RasterPainter painter = new RasterPainter(geometry, dpi);
        painter.paint(g, x, y, withSymbol ? symbol(indicium) : null, lines(indicium), background == null ? null
                : cover(background, geometry, painter.widthPx(), painter.heightPx()), smooth);
    }

    /**
     * {@code background} covering a stamp of {@code geometry} drawn {@code width} x {@code height}
     * pixels, placed by its frame on the picture panel: left of the plate, inside the frame band.
     */
    static BufferedImage cover(Background background, StampGeometry geometry, int width, int height) {
        double px = width / geometry.widthMm();
        double band = geometry.plate().y();
        int left = (int) Math.round(band * px);
        int panelWidth = (int) Math.round((geometry.plate().x() - band) * px);
        int panelHeight = (int) Math.round((geometry.heightMm() - 2 * band) * px);
        return background.cover(width, height, left, left, Math.max(1, panelWidth), Math.max(1, panelHeight));
    }

    /** How many pictures' plates this renderer keeps (for tests of the bound). */
    int cachedPictures() {
        return plates.size();
    }

    StampGeometry geometry(boolean withBackground) {
        return withBackground ? withPicture : plain;
    }

    static BitMatrix symbol(SignedIndicium indicium) {
        return DataMatrix.encode(indicium.encoded().toArray());
    }

    private List<TextLine> lines(SignedIndicium indicium) {
        IndiciumData data = indicium.data();
        return HumanReadable.layout(data, plain.text().height(), new HumanReadable.Marks(marks.operatorMark(),
                marks.amount(data.postage()), marks.mailClassLine(data.mailClass())));
    }

    private static StampGeometry geometry(StampLayout l, boolean withBackground) {
        return StampGeometry.compute(l.moduleMm(), l.quietZoneModules(), StampLayout.SYMBOL_MODULES, l.paddingMm(),
                l.gapMm(), l.textWidthMm(), l.pictureWidthMm(), l.frameMm(), withBackground);
    }

    /** Builds a {@link StampRenderer}. Not thread-safe. */
    public static final class Builder {
        private int dpi = PrintOptions.DEFAULT_DPI;
        private StampLayout layout = StampLayout.DEFAULT;
        private OperatorMarks marks = OperatorMarks.DEFAULT;

        private Builder() {
        }

        /** The marks of the human-readable block; {@link OperatorMarks#DEFAULT} unless set. */
        public Builder marks(OperatorMarks marks) {
            this.marks = Objects.requireNonNull(marks, "marks");
            return this;
        }

        /**
         * The resolution of PNG and ZPL output: 203 (thermal printers), 300 or 600 are usual; any
         * value from 150 to 1200 is accepted.
         */
        public Builder dpi(int dpi) {
            if (dpi < 150 || dpi > 1200) {
                throw new InvalidRequestException("dpi must be between 150 and 1200, was " + dpi);
            }
            this.dpi = dpi;
            return this;
        }

        /** The layout; {@link StampLayout#DEFAULT} unless set. */
        public Builder layout(StampLayout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        /** The renderer. */
        public StampRenderer build() {
            return new StampRenderer(this);
        }
    }
}
