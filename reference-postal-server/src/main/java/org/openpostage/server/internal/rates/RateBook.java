package org.openpostage.server.internal.rates;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.value.Money;

/**
 * All rate tables the server knows, by effective date. The table in force on a day of mailing is
 * the one with the latest effective date on or before it. Immutable and thread-safe.
 */
public final class RateBook {
    /** The classpath resource of the sample tables shipped with the reference server. */
    public static final String SAMPLE_RESOURCE = "/rates/sample-rates.txt";

    private final TreeMap<LocalDate, RateTable> byDate = new TreeMap<>();
    private final String source;

    /** A book of {@code tables}, read from {@code source} (named in messages). */
    public RateBook(List<RateTable> tables, String source) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException(source + ": no rate table");
        }
        for (RateTable t : tables) {
            if (byDate.put(t.effectiveFrom(), t) != null) {
                throw new IllegalArgumentException(source + ": two tables take effect on " + t.effectiveFrom());
            }
        }
        this.source = source;
    }

    /** The sample tables shipped with the reference server. */
    public static RateBook sample() {
        try (InputStream in = RateBook.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the sample rate table " + SAMPLE_RESOURCE + " is missing");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "sample-rates.txt");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the sample rate table: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an operator's rate file.
     *
     * @throws IllegalArgumentException naming the file and line that cannot be used
     */
    public static RateBook load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the rate file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a rate file; see {@link RateFileParser}. */
    public static RateBook parse(String text, String source) {
        return new RateBook(RateFileParser.parse(text, source), source);
    }

    /** Where the tables came from. */
    public String source() {
        return source;
    }

    /** All tables, oldest first. */
    public List<RateTable> tables() {
        return List.copyOf(byDate.values());
    }

    /**
     * The table in force on {@code dateOfMailing}.
     *
     * @throws InvalidRequestException if the date is before the first table
     */
    public RateTable tableFor(LocalDate dateOfMailing) {
        Map.Entry<LocalDate, RateTable> e = byDate.floorEntry(dateOfMailing);
        if (e == null) {
            throw new InvalidRequestException("dateOfMailing " + dateOfMailing + " is before the first rate table ("
                    + byDate.firstKey() + ")");
        }
        return e.getValue();
    }

    /**
     * Prices {@code piece} mailed on {@code dateOfMailing}.
     *
     * @throws InvalidRequestException if the class is not sold, the piece is over the class's weight
     *                                 limit, or a zoned class has no destination
     */
    public Priced price(MailPiece piece, LocalDate dateOfMailing) {
        RateTable table = tableFor(dateOfMailing);
        RateTable.ClassRates rates = table.classes().get(piece.mailClass());
        if (rates == null) {
            throw new InvalidRequestException("piece.mailClass " + piece.mailClass() + " is not sold under rate table "
                    + table.version() + "; it sells " + table.classes().keySet());
        }
        int grams = piece.weight().grams();
        if (grams > rates.maxGrams()) {
            throw new InvalidRequestException("piece.weight " + grams + " g is over the " + rates.maxGrams()
                    + " g limit of " + piece.mailClass() + " (rate table " + table.version() + ")");
        }
        int zone = 0;
        if (rates.zoned()) {
            if (piece.destination() == null) {
                throw new InvalidRequestException("piece.destination is required for " + piece.mailClass()
                        + ": its price depends on the zone between origin and destination");
            }
            zone = Zones.between(piece.origin(), piece.destination());
        }
        long[] prices = rates.steps().ceilingEntry(grams).getValue();
        return new Priced(new Money(prices[zone], table.currency()), table, zone);
    }
}
