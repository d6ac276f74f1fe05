package org.openpostage.render;

import java.util.List;
import java.util.Objects;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.RenderedImage;

/**
 * Prints stamps with their addresses on envelopes, one envelope a page, where the
 * {@link EnvelopeLayout} puts them: the stamp in the postage zone (top right), the return address
 * top left, the delivery address in the address zone, nothing in the clear zone.
 *
 * <pre>{@code
 * EnvelopeRenderer envelopes = EnvelopeRenderer.of(StampRenderer.defaults(), EnvelopeLayout.DL);
 * RenderedImage pdf = envelopes.pdf(List.of(new AddressedStamp(Stamp.of(indicium), from, to)));
 * RenderedImage preview = envelopes.png(piece, 150);           // the same page as a picture
 * }</pre>
 *
 * <p>Addresses are printed as their country's format says ({@code Address.printedLines}), the
 * delivery address {@value #ADDRESS_MM} mm high (about 11 pt) and the return address
 * {@value #SENDER_MM} mm, both in the stamp's typeface; a line too long for its zone is drawn
 * narrower, never cut. Immutable and thread-safe.
 */
public final class EnvelopeRenderer {
    /** The most envelopes one PDF holds. */
    public static final int MAX_PIECES = 500;
    static final double ADDRESS_MM = 4.0;
    static final double SENDER_MM = 3.0;

    private final StampRenderer stamps;
    private final EnvelopeLayout layout;

    private EnvelopeRenderer(StampRenderer stamps, EnvelopeLayout layout) {
        this.stamps = stamps;
        this.layout = layout;
    }

    /** Envelopes of {@code layout} with stamps drawn by {@code stamps}. */
    public static EnvelopeRenderer of(StampRenderer stamps, EnvelopeLayout layout) {
        return new EnvelopeRenderer(Objects.requireNonNull(stamps, "stamps"), Objects.requireNonNull(layout, "layout"));
    }

    /** The layout. */
    public EnvelopeLayout layout() {
        return layout;
    }

    /**
     * One PDF page per piece, each the envelope's size.
     *
     * @throws InvalidRequestException if there are no pieces or more than {@value #MAX_PIECES}, or a
     *                                 stamp does not fit the postage zone
     */
    public RenderedImage pdf(List<AddressedStamp> pieces) {
        check(pieces);
        StringBuilder identity = new StringBuilder("envelope/").append(layout);
        for (AddressedStamp p : pieces) {
            identity.append('|').append(stamps.identity(p.stamp().indicium(), p.stamp().background())).append(p);
        }
        return Pages.pdf(layout.size(), pieces.size(), stamps, identity.toString(), (i, s) -> paint(s, pieces.get(i)));
    }

    /** The envelope of {@code piece} as a PNG at {@code dpi} (150 to 600): a preview of the printed page. */
    public RenderedImage png(AddressedStamp piece, int dpi) {
        check(List.of(piece));
        if (dpi < 150 || dpi > 600) {
            throw new InvalidRequestException("dpi must be between 150 and 600, was " + dpi);
        }
        return Pages.png(Pages.bitmap(layout.size(), dpi, stamps, true, true, s -> paint(s, piece)), dpi);
    }

    private void paint(Surface s, AddressedStamp piece) {
        SizeMm stamp = stamps.size(piece.stamp().background() != null);
        s.stamp(piece.stamp(), layout.widthMm() - layout.stampMarginMm() - stamp.widthMm(), layout.stampMarginMm());
        String from = piece.fromCountry();
        if (piece.sender() != null) {
            s.block(piece.sender().printedLines(from), layout.senderLeftMm(), layout.senderTopMm(),
                    Math.min(layout.senderWidthMm(), layout.widthMm() - layout.postageWidthMm() - layout.senderLeftMm()),
                    layout.senderHeightMm(), SENDER_MM, false);
        }
        s.block(piece.recipient().printedLines(from), layout.addressLeftMm(), layout.addressTopMm(),
                layout.addressWidthMm(), layout.addressHeightMm(), ADDRESS_MM, false);
    }

    private void check(List<AddressedStamp> pieces) {
        Objects.requireNonNull(pieces, "pieces");
        if (pieces.isEmpty() || pieces.size() > MAX_PIECES) {
            throw new InvalidRequestException("envelopes need 1 to " + MAX_PIECES + " pieces, not " + pieces.size());
        }
        for (AddressedStamp p : pieces) {
            SizeMm size = stamps.size(Objects.requireNonNull(p, "piece").stamp().background() != null);
            if (size.widthMm() + layout.stampMarginMm() > layout.postageWidthMm() + 0.01
                    || size.heightMm() + layout.stampMarginMm() > layout.postageHeightMm() + 0.01) {
                throw new InvalidRequestException("a stamp of " + size + " does not fit the postage zone of a "
                        + layout.name() + " envelope (" + new SizeMm(layout.postageWidthMm(), layout.postageHeightMm())
                        + (p.stamp().background() != null ? "); print it without a picture" : ")"));
            }
        }
    }
}
