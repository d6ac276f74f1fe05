package org.openpostage.transport.xml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.transport.xml.testing.Samples;

/** The reader itself: DTDs, entities and limits, for the strict (server) and lenient (client) codecs alike. */
class HardenedParsingTest {
    private static final String NS = Wire.NS;
    private static final HardenedXml.Limits TIGHT = new HardenedXml.Limits(1 << 20, 8, 50, 100, 2);
    private final XmlCodec strict = XmlCodec.strict(TIGHT);
    private final XmlCodec lenient = XmlCodec.lenient(TIGHT);

    private static String reject(XmlCodec codec, String xml) {
        return assertThrows(InvalidRequestException.class,
                () -> codec.read(xml.getBytes(StandardCharsets.UTF_8), Wire.QuoteRequest.class, "quoteRequest"))
                .getMessage();
    }

    private void rejectBoth(String xml, String expected) {
        for (XmlCodec codec : new XmlCodec[] {strict, lenient}) {
            String message = reject(codec, xml);
            assertTrue(message.contains(expected), expected + " in: " + message);
        }
    }

    @Test
    void readsAValidDocument() {
        Wire.QuoteRequest q = strict.read(Samples.quoteXml().getBytes(StandardCharsets.UTF_8), Wire.QuoteRequest.class,
                "quoteRequest");
        assertEquals("94107", q.piece.origin);
    }

    @Test
    void rejectsEveryDoctype() {
        String body = Samples.quoteXml().substring(39);
        rejectBoth("<!DOCTYPE quoteRequest>" + body, "DOCTYPE");
        rejectBoth("<!DOCTYPE quoteRequest [<!ENTITY a 'b'>]>" + body, "DOCTYPE");
        rejectBoth("<!DOCTYPE quoteRequest PUBLIC '-//X//Y' 'http://127.0.0.1:9/x.dtd'>" + body, "DOCTYPE");
    }

    @Test
    void neverReadsAnExternalEntity(@TempDir Path dir) throws IOException {
        String marker = "MARKER-" + UUID.randomUUID();
        Path secret = Files.writeString(dir.resolve("secret"), marker);
        String xml = "<!DOCTYPE quoteRequest [<!ENTITY x SYSTEM '" + secret.toUri() + "'>]><quoteRequest xmlns='" + NS
                + "'><piece><mailClass>&x;</mailClass></piece></quoteRequest>";
        for (XmlCodec codec : new XmlCodec[] {strict, lenient}) {
            assertFalse(reject(codec, xml).contains(marker));
        }
    }

    @Test
    void rejectsEntityReferences() {
        rejectBoth("<quoteRequest xmlns='" + NS + "'><piece><mailClass>&lol9;</mailClass></piece></quoteRequest>",
                "Undeclared general entity");
    }

    @Test
    void enforcesTheParserLimits() {
        // The lenient codec has no schema in front of the parser: its limits are the only guard.
        String open = "<quoteRequest xmlns='" + NS + "'>";
        assertTrue(reject(lenient, open + "<piece>".repeat(20) + "</piece>".repeat(20) + "</quoteRequest>")
                .contains("Maximum Element Depth limit (8)"));
        assertTrue(reject(lenient, open + "<x/>".repeat(60) + "</quoteRequest>").contains("Element Count"));
        assertTrue(reject(lenient, open + "<piece><mailClass>" + "L".repeat(500) + "</mailClass></piece></quoteRequest>")
                .contains("Text size limit"));
        assertTrue(reject(lenient, open.replace(">", " a='1' b='2' c='3'>") + "</quoteRequest>").contains("Attribute"));
    }

    @Test
    void requiresTheNamespaceEverywhere() {
        rejectBoth("<quoteRequest><piece/></quoteRequest>", "in no namespace");
        rejectBoth("<quoteRequest xmlns='" + NS + "'><piece xmlns='urn:evil'/></quoteRequest>",
                "quoteRequest: element <piece> is in namespace urn:evil");
        rejectBoth("<quoteRequest xmlns='" + NS + "' xmlns:x='urn:x' x:a='1'/>", "attribute x:a is not allowed");
        rejectBoth("<rateQuote xmlns='" + NS + "'/>", "must be a <quoteRequest>");
    }

    @Test
    void acceptsOnlyUtf8() {
        byte[] utf16 = Samples.quoteXml().replace("UTF-8", "UTF-16").getBytes(StandardCharsets.UTF_16);
        assertTrue(assertThrows(InvalidRequestException.class, () -> strict.read(utf16, Wire.QuoteRequest.class,
                "quoteRequest")).getMessage().contains("only UTF-8"));
    }

    @Test
    void schemaMessagesNameTheElementAndHideCardValues() {
        assertEquals("quoteRequest/piece: found <origin> where <weightGrams> is expected",
                reject(strict, Samples.quoteXml().replace("<weightGrams>20</weightGrams>", "")));
        assertEquals("quoteRequest/piece/weightGrams: '2.5' is not a valid whole number",
                reject(strict, Samples.quoteXml().replace(">20<", ">2.5<")));
        String card = assertThrows(InvalidRequestException.class, () -> strict.read(Samples.purchaseXml("73")
                        .replace("<account/>", "<card><number>4111111111111111</number><expiry>2030-13</expiry>"
                                + "<cvv>12345</cvv></card>").getBytes(StandardCharsets.UTF_8),
                Wire.PurchaseRequest.class, "purchaseRequest")).getMessage();
        assertEquals("purchaseRequest/payment/card/expiry: must be a year and month such as 2028-12", card);
        assertTrue(SchemaMessages.describe("a/card/cvv", "a/card",
                "cvc-pattern-valid: Value '12345' is not facet-valid with respect to pattern '[0-9]{3,4}' for type 'Cvv'.")
                .equals("a/card/cvv: must be 3 or 4 digits"));
    }
}
