package org.openpostage.render;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.render.internal.StampGeometry;
import org.openpostage.render.internal.Zpl;

/**
 * Prints 4 &times; 6 in (101.6 &times; 152.4 mm) shipping labels, the size thermal label printers
 * and carriers use, as PDF (one label a page), PNG (a preview) or ZPL II.
 *
 * <pre>
 *  +--------------------------------+
 *  |            [ stamp           ] |   the stamp, top right
 *  | ###### PRIORITY PARCEL ####### |   the mail class, white on black
 *  | FROM  sender lines             |
 *  |--------------------------------|
 *  | SHIP TO                        |
 *  |   RECIPIENT LINES, LARGE       |
 *  |--------------------------------|
 *  | 10115                          |   the destination postal code, large
 *  +--------------------------------+
 * </pre>
 *
 * <p>In ZPL the printer draws the stamp's Data Matrix itself ({@code ^BX}, as
 * {@link StampRenderer#zpl}); everything else (text in the stamp's typeface, bars) is one
 * compressed {@code ^GFA} bitmap, the same pixels as the PNG at that resolution. Thermal labels
 * have no pictures: a stamp with one is printed plain in ZPL. Immutable and thread-safe.
 */
public final class ShippingLabelRenderer {
    /** The label's size: 4 &times; 6 in, portrait. */
    public static final SizeMm SIZE = new SizeMm(101.6, 152.4);
    /** The most labels one call renders. */
    public static final int MAX_LABELS = 500;
    private static final double MARGIN = 3;

    private final StampRenderer stamps;

    private ShippingLabelRenderer(StampRenderer stamps) {
        this.stamps = stamps;
    }

    /** Labels with stamps drawn by {@code stamps}, whose resolution is the PNG's and ZPL's. */
    public static ShippingLabelRenderer of(StampRenderer stamps) {
        return new ShippingLabelRenderer(Objects.requireNonNull(stamps, "stamps"));
    }

    /** One PDF page per label. */
    public RenderedImage pdf(List<AddressedStamp> labels) {
        check(labels);
        StringBuilder identity = new StringBuilder("label4x6");
        for (AddressedStamp p : labels) {
            identity.append('|').append(stamps.identity(p.stamp().indicium(), p.stamp().background())).append(p);
        }
        return Pages.pdf(SIZE, labels.size(), stamps, identity.toString(), (i, s) -> paint(s, labels.get(i)));
    }

    /** The label as a PNG at the stamp renderer's resolution. */
    public RenderedImage png(AddressedStamp label) {
        check(List.of(label));
        return Pages.png(Pages.bitmap(SIZE, stamps.dpi(), stamps, label.stamp().background() != null, true,
                s -> paint(s, label)), stamps.dpi());
    }

    /** The labels in ZPL II at the stamp renderer's resolution, one {@code ^XA...^XZ} per label. */
    public String zpl(List<AddressedStamp> labels) {
        check(labels);
        StringBuilder z = new StringBuilder(16 * 1024);
        int dpi = stamps.dpi();
        for (AddressedStamp label : labels) {
            AddressedStamp plain = new AddressedStamp(Stamp.of(label.stamp().indicium()), label.sender(), label.recipient());
            BufferedImage bitmap = Pages.bitmap(SIZE, dpi, stamps, false, false, s -> paint(s, plain));
            Zpl.header(z, SIZE.widthMm(), SIZE.heightMm(), dpi);
            Zpl.graphicField(z, 0, 0, bitmap);
            StampGeometry geometry = stamps.geometry(false);
            Zpl.dataMatrix(z, geometry, dpi, Zpl.dots(stampLeft(false), dpi), Zpl.dots(MARGIN, dpi),
                    plain.stamp().indicium().encoded().toArray(), StampRenderer.symbol(plain.stamp().indicium()));
            z.append("^PQ1\n^XZ\n");
        }
        return z.toString();
    }

    private double stampLeft(boolean withPicture) {
        return SIZE.widthMm() - MARGIN - stamps.size(withPicture).widthMm();
    }

    private void paint(Surface s, AddressedStamp label) {
        boolean picture = label.stamp().background() != null;
        SizeMm stamp = stamps.size(picture);
        s.stamp(label.stamp(), stampLeft(picture), MARGIN);
        double width = SIZE.widthMm() - 2 * MARGIN;
        double y = MARGIN + stamp.heightMm() + 2;
        s.fill(MARGIN, y, width, 9, true);
        String service = label.stamp().indicium().data().mailClass().displayName().toUpperCase(Locale.ROOT);
        s.text(service, MARGIN + 2, y + 6.6, 5.5, true, width - 4, true);
        y += 12;
        String from = label.fromCountry();
        if (label.sender() != null) {
            s.text("FROM", MARGIN, y + 2.6, 2.8, true, 12, false);
            s.block(label.sender().printedLines(from), MARGIN + 13, y, width - 13, 24, 3.0, false);
        }
        y += 26;
        s.fill(MARGIN, y, width, 0.6, true);
        y += 3;
        s.text("SHIP TO", MARGIN, y + 3, 3.2, true, 30, false);
        s.block(label.recipient().printedLines(from), MARGIN + 4, y + 6, width - 4, 44, 5.0, true);
        y += 52;
        s.fill(MARGIN, y, width, 0.6, true);
        String code = label.recipient().postalCode();
        if (code != null) {
            s.text(code, MARGIN, y + 11, 9, true, width, false);
        }
    }

    private void check(List<AddressedStamp> labels) {
        Objects.requireNonNull(labels, "labels");
        if (labels.isEmpty() || labels.size() > MAX_LABELS) {
            throw new InvalidRequestException("shipping labels need 1 to " + MAX_LABELS + " pieces, not " + labels.size());
        }
        for (AddressedStamp l : labels) {
            Objects.requireNonNull(l, "label");
            if (stamps.size(l.stamp().background() != null).widthMm() > SIZE.widthMm() - 2 * MARGIN) {
                throw new InvalidRequestException("the stamp is wider than a 4 x 6 in label");
            }
        }
    }
}
