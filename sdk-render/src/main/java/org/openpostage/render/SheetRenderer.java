package org.openpostage.render;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.OutputFormat;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Bytes;
import org.openpostage.render.internal.Png;

/**
 * Puts several stamps on label sheets, as one PDF (a page per sheet) or one PNG per sheet:
 *
 * <pre>{@code
 * SheetRenderer sheets = SheetRenderer.of(StampRenderer.defaults(), SheetLayout.A4);
 * RenderedImage pdf = sheets.pdf(List.of(Stamp.of(a), Stamp.of(b, background)));
 * }</pre>
 *
 * <p>Stamps fill the labels row by row, each centred on its label at its exact physical size;
 * {@code firstLabel} skips labels already used on a partly used first sheet. Immutable and
 * thread-safe.
 */
public final class SheetRenderer {
    /** The most stamps one call renders. */
    public static final int MAX_STAMPS = 1000;

    private final StampRenderer stamps;
    private final SheetLayout layout;

    private SheetRenderer(StampRenderer stamps, SheetLayout layout) {
        this.stamps = stamps;
        this.layout = layout;
    }

    /**
     * A sheet renderer drawing stamps with {@code stamps} (its resolution is the PNG sheets'
     * resolution) on {@code layout}.
     *
     * @throws InvalidRequestException if a stamp with background does not fit on a label
     */
    public static SheetRenderer of(StampRenderer stamps, SheetLayout layout) {
        Objects.requireNonNull(stamps, "stamps");
        Objects.requireNonNull(layout, "layout");
        SizeMm largest = stamps.size(true);
        if (largest.widthMm() > layout.labelWidthMm() + 0.01 || largest.heightMm() > layout.labelHeightMm() + 0.01) {
            throw new InvalidRequestException("a stamp of " + largest + " does not fit on the sheet's labels of "
                    + layout.labelSize());
        }
        return new SheetRenderer(stamps, layout);
    }

    /** The layout. */
    public SheetLayout layout() {
        return layout;
    }

    /** How many pages {@code count} stamps take, starting at label {@code firstLabel}. */
    public int pageCount(int count, int firstLabel) {
        checkFirstLabel(firstLabel);
        return count == 0 ? 0 : (firstLabel + count + layout.capacity() - 1) / layout.capacity();
    }

    /** All stamps as one PDF, a page per sheet, from the first label. */
    public RenderedImage pdf(List<Stamp> items) {
        return pdf(items, 0);
    }

    /**
     * All stamps as one PDF, a page per sheet, the first at label {@code firstLabel} of the
     * first page (0 for a fresh sheet).
     *
     * @throws InvalidRequestException if there are no stamps, more than {@value #MAX_STAMPS}, or
     *                                 {@code firstLabel} is not a label of the sheet
     */
    public RenderedImage pdf(List<Stamp> items, int firstLabel) {
        check(items, firstLabel);
        PDRectangle pageSize = new PDRectangle((float) (layout.pageWidthMm() * SizeMm.POINTS_PER_MM),
                (float) (layout.pageHeightMm() * SizeMm.POINTS_PER_MM));
        StringBuilder identity = new StringBuilder(layout.toString()).append(firstLabel);
        try (PDDocument document = new PDDocument()) {
            StampRenderer.PdfResources resources = new StampRenderer.PdfResources(document);
            int slot = 0;
            PDPage page = null;
            PDPageContentStream cs = null;
            try {
                for (Stamp stamp : items) {
                    if (page == null || slot == layout.capacity()) {
                        if (cs != null) {
                            cs.close();
                        }
                        slot = page == null ? firstLabel : 0;
                        page = new PDPage(pageSize);
                        document.addPage(page);
                        cs = new PDPageContentStream(document, page);
                    }
                    SizeMm size = stamps.size(stamp.background() != null);
                    double left = layout.labelLeftMm(slot) + (layout.labelWidthMm() - size.widthMm()) / 2;
                    double top = layout.labelTopMm(slot) + (layout.labelHeightMm() - size.heightMm()) / 2;
                    stamps.paintPdf(document, cs, stamp.indicium(), stamp.background(), left * SizeMm.POINTS_PER_MM,
                            pageSize.getHeight() - top * SizeMm.POINTS_PER_MM, resources);
                    identity.append('|').append(stamps.identity(stamp.indicium(), stamp.background()));
                    slot++;
                }
            } finally {
                if (cs != null) {
                    cs.close();
                }
            }
            return new RenderedImage(OutputFormat.PDF,
                    Bytes.of(PdfDocuments.save(document, identity.toString())), PdfDocuments.REPORTED_DPI);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PDF: " + e.getMessage(), e);
        }
    }

    /** All stamps as PNG sheets, one per page, from the first label. */
    public List<RenderedImage> png(List<Stamp> items) {
        return png(items, 0);
    }

    /**
     * All stamps as PNG sheets at the stamp renderer's resolution, one per page: 1-bit when no
     * stamp has a background, RGB otherwise.
     *
     * @throws InvalidRequestException as {@link #pdf(List, int)}
     */
    public List<RenderedImage> png(List<Stamp> items, int firstLabel) {
        check(items, firstLabel);
        int dpi = stamps.dpi();
        List<RenderedImage> pages = new ArrayList<>();
        int slot = firstLabel;
        int start = 0;
        while (start < items.size()) {
            int end = Math.min(items.size(), start + layout.capacity() - slot);
            List<Stamp> onPage = items.subList(start, end);
            boolean colour = onPage.stream().anyMatch(s -> s.background() != null);
            BufferedImage sheet = new BufferedImage(SizeMm.toPx(layout.pageWidthMm(), dpi),
                    SizeMm.toPx(layout.pageHeightMm(), dpi),
                    colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_BINARY);
            Graphics2D g = sheet.createGraphics();
            try {
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
                for (Stamp stamp : onPage) {
                    SizeMm size = stamps.size(stamp.background() != null);
                    double left = layout.labelLeftMm(slot) + (layout.labelWidthMm() - size.widthMm()) / 2;
                    double top = layout.labelTopMm(slot) + (layout.labelHeightMm() - size.heightMm()) / 2;
                    stamps.paintRaster(g, SizeMm.toPx(left, dpi), SizeMm.toPx(top, dpi), stamp.indicium(),
                            stamp.background(), colour);
                    slot++;
                }
            } finally {
                g.dispose();
            }
            pages.add(new RenderedImage(OutputFormat.PNG, Bytes.of(Png.write(sheet, dpi)), dpi));
            start = end;
            slot = 0;
        }
        return List.copyOf(pages);
    }

    private void check(List<Stamp> items, int firstLabel) {
        Objects.requireNonNull(items, "items");
        if (items.isEmpty() || items.size() > MAX_STAMPS) {
            throw new InvalidRequestException("a sheet needs 1 to " + MAX_STAMPS + " stamps, not " + items.size());
        }
        checkFirstLabel(firstLabel);
    }

    private void checkFirstLabel(int firstLabel) {
        if (firstLabel < 0 || firstLabel >= layout.capacity()) {
            throw new InvalidRequestException("firstLabel must be between 0 and " + (layout.capacity() - 1)
                    + " on a sheet of " + layout.capacity() + " labels, was " + firstLabel);
        }
    }
}
