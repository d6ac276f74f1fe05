package org.openpostage.api.value;

import org.openpostage.api.internal.Checks;

/**
 * The weight of a mail piece in whole grams, from 1 g to 70 kg.
 *
 * @param grams the weight in grams
 */
public record Weight(int grams) implements Comparable<Weight> {
    /** The heaviest weight accepted, in grams. */
    public static final int MAX_GRAMS = 70_000;

    public Weight {
        Checks.range("weight.grams", grams, 1, MAX_GRAMS);
    }

    /** A weight of {@code grams} grams. */
    public static Weight ofGrams(int grams) {
        return new Weight(grams);
    }

    @Override
    public int compareTo(Weight other) {
        return Integer.compare(grams, other.grams);
    }

    @Override
    public String toString() {
        return grams + " g";
    }
}
