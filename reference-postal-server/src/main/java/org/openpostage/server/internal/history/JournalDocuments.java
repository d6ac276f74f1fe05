package org.openpostage.server.internal.history;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.openpostage.api.model.ExportFormat;
import org.openpostage.api.value.Mode;

/**
 * Writes a journal export: CSV (RFC 4180, by Jackson's CSV writer) with a header line, or an
 * {@code <accountJournal>} document of the protocol's schema (by the JDK's StAX writer, which
 * escapes every value). Thread-safe.
 *
 * <p>CSV columns, in order: {@code entry_id, meter_id, seq, kind, amount, currency, ascending_after,
 * descending_after, purchase_id, indicium_id, refund_id, reference, created_at}; amounts and
 * registers in minor units, times ISO-8601 UTC. A reference that starts with {@code = + - @} (or a
 * tab or carriage return) is written with a leading apostrophe, so that a spreadsheet opening the
 * file never runs it as a formula (OWASP's advice on CSV injection); the XML carries it unchanged.
 */
public final class JournalDocuments {
    /** The protocol's namespace. */
    public static final String NS = "https://openpostage.org/postage/v1";

    private static final CsvMapper CSV = new CsvMapper();
    private static final CsvSchema CSV_SCHEMA = CSV.schemaFor(CsvRow.class).withHeader().withLineSeparator("\r\n");
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

    private JournalDocuments() {
    }

    /** The document of {@code lines} in {@code format}. */
    public static String write(ExportFormat format, String partnerId, Mode mode, Instant from, Instant to,
                               List<JournalLine> lines) {
        return switch (format) {
            case CSV -> csv(lines);
            case XML -> xml(partnerId, mode, from, to, lines);
            case UNKNOWN -> throw new IllegalArgumentException("no export format UNKNOWN");
        };
    }

    /** One CSV line; the property order is the column order. */
    @JsonPropertyOrder({"entry_id", "meter_id", "seq", "kind", "amount", "currency", "ascending_after",
            "descending_after", "purchase_id", "indicium_id", "refund_id", "reference", "created_at"})
    record CsvRow(@com.fasterxml.jackson.annotation.JsonProperty("entry_id") long entryId,
                  @com.fasterxml.jackson.annotation.JsonProperty("meter_id") long meterId,
                  @com.fasterxml.jackson.annotation.JsonProperty("seq") Long seq,
                  @com.fasterxml.jackson.annotation.JsonProperty("kind") String kind,
                  @com.fasterxml.jackson.annotation.JsonProperty("amount") long amount,
                  @com.fasterxml.jackson.annotation.JsonProperty("currency") String currency,
                  @com.fasterxml.jackson.annotation.JsonProperty("ascending_after") long ascendingAfter,
                  @com.fasterxml.jackson.annotation.JsonProperty("descending_after") long descendingAfter,
                  @com.fasterxml.jackson.annotation.JsonProperty("purchase_id") String purchaseId,
                  @com.fasterxml.jackson.annotation.JsonProperty("indicium_id") String indiciumId,
                  @com.fasterxml.jackson.annotation.JsonProperty("refund_id") String refundId,
                  @com.fasterxml.jackson.annotation.JsonProperty("reference") String reference,
                  @com.fasterxml.jackson.annotation.JsonProperty("created_at") String createdAt) {
    }

    private static String csv(List<JournalLine> lines) {
        List<CsvRow> rows = lines.stream().map(l -> new CsvRow(l.entryId(), l.meterId(), l.seq(), l.kind(), l.amount(),
                l.currency(), l.ascendingAfter(), l.descendingAfter(), l.purchaseId(), l.indiciumId(), l.refundId(),
                spreadsheetSafe(l.reference()), l.createdAt().toString())).toList();
        try {
            return CSV.writer(CSV_SCHEMA).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the CSV export: " + e.getMessage(), e);
        }
    }

    /** A reference a spreadsheet would take for a formula, defused with a leading apostrophe. */
    static String spreadsheetSafe(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        char c = text.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + text : text;
    }

    private static String xml(String partnerId, Mode mode, Instant from, Instant to, List<JournalLine> lines) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.setDefaultNamespace(NS);
            w.writeStartElement(NS, "accountJournal");
            w.writeDefaultNamespace(NS);
            text(w, "partnerId", partnerId);
            text(w, "mode", mode.name());
            text(w, "from", from.toString());
            text(w, "to", to.toString());
            w.writeStartElement(NS, "entries");
            for (JournalLine l : lines) {
                w.writeStartElement(NS, "entry");
                text(w, "entryId", Long.toString(l.entryId()));
                text(w, "meterId", Long.toString(l.meterId()));
                if (l.seq() != null) {
                    text(w, "seq", Long.toString(l.seq()));
                }
                text(w, "kind", l.kind());
                money(w, "amount", l.amount(), l.currency());
                money(w, "ascendingAfter", l.ascendingAfter(), l.currency());
                money(w, "descendingAfter", l.descendingAfter(), l.currency());
                optional(w, "purchaseId", l.purchaseId());
                optional(w, "indiciumId", l.indiciumId());
                optional(w, "refundId", l.refundId());
                optional(w, "reference", schemaText(l.reference()));
                text(w, "createdAt", l.createdAt().toString());
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the XML export: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static void text(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(NS, name);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    private static void optional(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        if (value != null) {
            text(w, name, value);
        }
    }

    private static void money(XMLStreamWriter w, String name, long minorUnits, String currency)
            throws XMLStreamException {
        w.writeStartElement(NS, name);
        w.writeAttribute("currency", currency);
        w.writeCharacters(Long.toString(minorUnits));
        w.writeEndElement();
    }

    /**
     * {@code text} as the schema's Text200 takes it: control characters (which XML 1.0 cannot carry)
     * replaced by U+FFFD, at most 200 characters, absent when blank.
     */
    static String schemaText(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> sb.appendCodePoint(Character.getType(cp) == Character.CONTROL
                || Character.getType(cp) == Character.SURROGATE ? 0xFFFD : cp));
        String s = sb.toString();
        return s.length() <= 200 ? s : s.substring(0, 200);
    }
}
