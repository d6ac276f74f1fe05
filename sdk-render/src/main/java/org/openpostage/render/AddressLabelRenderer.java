package org.openpostage.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.Address;
import org.openpostage.api.model.RenderedImage;

/**
 * Prints delivery addresses on sheets of address labels, one address a label, row by row:
 * {@link SheetLayout#US_LETTER_30} (30 labels of 2⅝ &times; 1 in) or {@link SheetLayout#A4_21}
 * (21 labels of 63.5 &times; 38.1 mm), or any other {@link SheetLayout}. A partly used sheet
 * starts at {@code firstLabel}.
 *
 * <pre>{@code
 * AddressLabelRenderer labels = AddressLabelRenderer.of(SheetLayout.US_LETTER_30);
 * RenderedImage pdf = labels.pdf(addresses, "US", 4);     // from the fifth label of the first sheet
 * }</pre>
 *
 * <p>Each address is printed as its country's format says for mail from {@code fromCountry},
 * in the stamp's typeface, as large as the label allows (at most 3.6 mm, about 10 pt), inside a
 * 2.5 mm margin. Immutable and thread-safe.
 */
public final class AddressLabelRenderer {
    /** The most addresses one call prints. */
    public static final int MAX_ADDRESSES = 1000;
    private static final double PADDING = 2.5;
    private static final double SIZE = 3.6;

    private final SheetLayout layout;
    private final StampRenderer text = StampRenderer.defaults();

    private AddressLabelRenderer(SheetLayout layout) {
        this.layout = layout;
    }

    /** Address labels on {@code layout}. */
    public static AddressLabelRenderer of(SheetLayout layout) {
        return new AddressLabelRenderer(Objects.requireNonNull(layout, "layout"));
    }

    /** The layout. */
    public SheetLayout layout() {
        return layout;
    }

    /** How many sheets {@code count} addresses fill from label {@code firstLabel}. */
    public int pageCount(int count, int firstLabel) {
        checkFirst(firstLabel);
        return count == 0 ? 0 : (firstLabel + count + layout.capacity() - 1) / layout.capacity();
    }

    /** The addresses as one PDF, a page per sheet, the first at label {@code firstLabel} (0 for a fresh sheet). */
    public RenderedImage pdf(List<Address> addresses, String fromCountry, int firstLabel) {
        check(addresses, firstLabel);
        List<List<Integer>> pages = pages(addresses.size(), firstLabel);
        return Pages.pdf(layout.pageSize(), pages.size(), text, "addresses/" + layout + firstLabel + addresses + fromCountry,
                (page, s) -> paint(s, addresses, fromCountry, pages.get(page), page == 0 ? firstLabel : 0));
    }

    /** The addresses as 1-bit PNG sheets at {@code dpi} (150 to 600), one per page. */
    public List<RenderedImage> png(List<Address> addresses, String fromCountry, int firstLabel, int dpi) {
        check(addresses, firstLabel);
        if (dpi < 150 || dpi > 600) {
            throw new InvalidRequestException("dpi must be between 150 and 600, was " + dpi);
        }
        List<RenderedImage> out = new ArrayList<>();
        List<List<Integer>> pages = pages(addresses.size(), firstLabel);
        for (int page = 0; page < pages.size(); page++) {
            List<Integer> indices = pages.get(page);
            int first = page == 0 ? firstLabel : 0;
            out.add(Pages.png(Pages.bitmap(layout.pageSize(), dpi, text, false, true,
                    s -> paint(s, addresses, fromCountry, indices, first)), dpi));
        }
        return List.copyOf(out);
    }

    private List<List<Integer>> pages(int count, int firstLabel) {
        List<List<Integer>> pages = new ArrayList<>();
        int slot = firstLabel;
        List<Integer> page = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (slot == layout.capacity()) {
                pages.add(page);
                page = new ArrayList<>();
                slot = 0;
            }
            page.add(i);
            slot++;
        }
        pages.add(page);
        return pages;
    }

    private void paint(Surface s, List<Address> addresses, String fromCountry, List<Integer> indices, int firstSlot) {
        int slot = firstSlot;
        for (int i : indices) {
            Address a = addresses.get(i);
            s.block(a.printedLines(fromCountry), layout.labelLeftMm(slot) + PADDING, layout.labelTopMm(slot) + PADDING,
                    layout.labelWidthMm() - 2 * PADDING, layout.labelHeightMm() - 2 * PADDING, SIZE, false);
            slot++;
        }
    }

    private void check(List<Address> addresses, int firstLabel) {
        Objects.requireNonNull(addresses, "addresses");
        if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
            throw new InvalidRequestException("address labels need 1 to " + MAX_ADDRESSES + " addresses, not "
                    + addresses.size());
        }
        addresses.forEach(a -> Objects.requireNonNull(a, "address"));
        checkFirst(firstLabel);
    }

    private void checkFirst(int firstLabel) {
        if (firstLabel < 0 || firstLabel >= layout.capacity()) {
            throw new InvalidRequestException("firstLabel must be between 0 and " + (layout.capacity() - 1)
                    + " on a sheet of " + layout.capacity() + " labels, was " + firstLabel);
        }
    }
}
