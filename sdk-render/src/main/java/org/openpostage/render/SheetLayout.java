package org.openpostage.render;

import org.openpostage.api.error.InvalidRequestException;

/**
 * A page of labels in a grid, in millimetres: where each stamp of a {@link SheetRenderer} goes.
 * Labels are filled row by row from the top left; each stamp is centred on its label.
 *
 * <p>Two presets match common label stock with labels tall enough for the default stamp with a
 * background (94 &times; 30 mm): {@link #A4} (2 &times; 8 labels of 99.1 &times; 33.9 mm) and
 * {@link #US_LETTER} (2 &times; 7 labels of 4 &times; 1⅓ in). Make others with the constructor
 * (label size given) or {@link #grid} (label size computed from margins and gaps).
 *
 * @param pageWidthMm   the page width
 * @param pageHeightMm  the page height
 * @param columns       labels across
 * @param rows          labels down
 * @param marginTopMm   from the page's top edge to the first row
 * @param marginLeftMm  from the page's left edge to the first column
 * @param labelWidthMm  a label's width
 * @param labelHeightMm a label's height
 * @param gapXMm        between two columns
 * @param gapYMm        between two rows
 */
public record SheetLayout(double pageWidthMm, double pageHeightMm, int columns, int rows, double marginTopMm,
                          double marginLeftMm, double labelWidthMm, double labelHeightMm, double gapXMm,
                          double gapYMm) {
    /** A4 (210 &times; 297 mm), 2 &times; 8 labels of 99.1 &times; 33.9 mm, 12.9 mm top margin, 2.5 mm between columns. */
    public static final SheetLayout A4 = new SheetLayout(210, 297, 2, 8, 12.9, 4.65, 99.1, 33.9, 2.5, 0);
    /** US Letter (8.5 &times; 11 in), 2 &times; 7 labels of 4 &times; 1⅓ in, 0.83 in top margin, 3/16 in between columns. */
    public static final SheetLayout US_LETTER = new SheetLayout(215.9, 279.4, 2, 7, 21.167, 3.969, 101.6, 33.867,
            4.763, 0);

    /**
     * US Letter, 3 &times; 10 address labels of 2⅝ &times; 1 in (66.675 &times; 25.4 mm), ½ in top
     * margin, 3/16 in left margin, ⅛ in between columns: the common 30-per-sheet address label
     * stock (such as Avery 5160). Too small for a stamp: for addresses
     * ({@link AddressLabelRenderer}).
     */
    public static final SheetLayout US_LETTER_30 = new SheetLayout(215.9, 279.4, 3, 10, 12.7, 4.7625, 66.675, 25.4,
            3.175, 0);
    /**
     * A4, 3 &times; 7 address labels of 63.5 &times; 38.1 mm, 15.15 mm top margin, 7.25 mm left
     * margin, 2.5 mm between columns: the common 21-per-sheet A4 address label stock (such as
     * Avery L7160). For addresses ({@link AddressLabelRenderer}); a plain stamp (63 &times; 27 mm)
     * fits too, one with a picture does not.
     */
    public static final SheetLayout A4_21 = new SheetLayout(210, 297, 3, 7, 15.15, 7.25, 63.5, 38.1, 2.5, 0);

    private static final double TOLERANCE_MM = 0.05;

    public SheetLayout {
        positive("pageWidthMm", pageWidthMm, 2000);
        positive("pageHeightMm", pageHeightMm, 2000);
        if (columns < 1 || rows < 1 || columns > 100 || rows > 100) {
            throw new InvalidRequestException("sheet.columns and sheet.rows must be between 1 and 100, were "
                    + columns + " and " + rows);
        }
        nonNegative("marginTopMm", marginTopMm);
        nonNegative("marginLeftMm", marginLeftMm);
        positive("labelWidthMm", labelWidthMm, pageWidthMm);
        positive("labelHeightMm", labelHeightMm, pageHeightMm);
        nonNegative("gapXMm", gapXMm);
        nonNegative("gapYMm", gapYMm);
        double right = marginLeftMm + columns * labelWidthMm + (columns - 1) * gapXMm;
        double bottom = marginTopMm + rows * labelHeightMm + (rows - 1) * gapYMm;
        if (right > pageWidthMm + TOLERANCE_MM || bottom > pageHeightMm + TOLERANCE_MM) {
            throw new InvalidRequestException(String.format(java.util.Locale.ROOT,
                    "sheet: %d x %d labels of %.2f x %.2f mm with these margins and gaps need %.2f x %.2f mm, "
                            + "more than the %.2f x %.2f mm page", columns, rows, labelWidthMm, labelHeightMm,
                    right, bottom, pageWidthMm, pageHeightMm));
        }
    }

    /**
     * A grid filling the page inside the margins: the label size is what remains after margins
     * and gaps, divided evenly.
     */
    public static SheetLayout grid(SizeMm page, int columns, int rows, double marginTopMm, double marginRightMm,
                                   double marginBottomMm, double marginLeftMm, double gapXMm, double gapYMm) {
        if (columns < 1 || rows < 1) {
            throw new InvalidRequestException("sheet.columns and sheet.rows must be at least 1");
        }
        double width = (page.widthMm() - marginLeftMm - marginRightMm - (columns - 1) * gapXMm) / columns;
        double height = (page.heightMm() - marginTopMm - marginBottomMm - (rows - 1) * gapYMm) / rows;
        return new SheetLayout(page.widthMm(), page.heightMm(), columns, rows, marginTopMm, marginLeftMm, width,
                height, gapXMm, gapYMm);
    }

    /** How many labels a page holds. */
    public int capacity() {
        return columns * rows;
    }

    /** The page size. */
    public SizeMm pageSize() {
        return new SizeMm(pageWidthMm, pageHeightMm);
    }

    /** A label's size. */
    public SizeMm labelSize() {
        return new SizeMm(labelWidthMm, labelHeightMm);
    }

    /** The left edge of label {@code index} (0 to {@link #capacity()} - 1, row by row). */
    public double labelLeftMm(int index) {
        checkIndex(index);
        return marginLeftMm + (index % columns) * (labelWidthMm + gapXMm);
    }

    /** The top edge of label {@code index}. */
    public double labelTopMm(int index) {
        checkIndex(index);
        int row = index / columns;
        return marginTopMm + row * (labelHeightMm + gapYMm);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= capacity()) {
            throw new InvalidRequestException("label " + index + " is not on a sheet of " + capacity() + " labels");
        }
    }

    private static void positive(String name, double value, double max) {
        if (!(value > 0 && value <= max)) {
            throw new InvalidRequestException("sheet." + name + " must be positive and at most " + max + " mm, was "
                    + value);
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0 && value < 2000)) {
            throw new InvalidRequestException("sheet." + name + " must be 0 or more, was " + value);
        }
    }
}
