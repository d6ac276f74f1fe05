package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.openpostage.render.StampReader;

/**
 * A stamp bought with its addresses (issue 15), at the HTTP level: the addresses are checked by
 * their country's rules with the message next to the field, carried to the postal server, and
 * printed on envelopes, 4 x 6 labels (PDF and ZPL) and address label sheets from a chosen label.
 */
class AddressedOrderTest {
    private final World world = World.get();

    @Test
    void anAddressedStampPrintsOnEnvelopesLabelsAndAddressSheets() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        PortalSecurityTest.emptyCart(web);
        Map<String, String> form = new HashMap<>(PortalSecurityTest.addForm(web, "LETTER"));
        form.putAll(Map.of("senderName", "Ada Lovelace", "senderLine1", "1 Market St", "senderCity", "San Francisco",
                "senderRegion", "CA", "recipientName", "Grace Hopper", "recipientLine1", "350 Fifth Avenue",
                "recipientCity", "New York", "recipientRegion", "ZZ"));
        HttpResponse<String> wrong = web.post("/cart", form);
        assertEquals(400, wrong.statusCode(), wrong.body());
        assertTrue(wrong.body().contains("id=\"recipient-region-error\""), wrong.body());
        assertTrue(wrong.body().contains("Please choose the recipient's state."), wrong.body());
        assertTrue(wrong.body().contains("value=\"Grace Hopper\""), "the form keeps what was typed");

        form.put("recipientRegion", "NY");
        form.put("quantity", "2");
        assertEquals(303, web.post("/cart", form).statusCode());
        String cart = web.get("/cart").body();
        assertTrue(cart.contains("To GRACE HOPPER, 350 FIFTH AVENUE, NEW YORK NY 10001"), cart);
        String order = web.post("/checkout", PortalSecurityTest.checkoutForm(web)).headers().firstValue("Location")
                .orElseThrow().split("/")[2];
        String page = web.get("/orders/" + order + "?paper=letter&first=4&envelope=DL").body();
        assertTrue(page.contains("id=\"print-options\""), page);
        Matcher item = Pattern.compile("/orders/" + order + "/items/([0-9]+)/envelope.pdf").matcher(page);
        assertTrue(item.find(), page);
        String base = "/orders/" + order + "/items/" + item.group(1);

        try (PDDocument envelope = Loader.loadPDF(web.bytes(base + "/envelope.pdf?envelope=DL").body())) {
            String text = new PDFTextStripper().getText(envelope);
            assertTrue(text.contains("GRACE HOPPER") && text.contains("NEW YORK NY 10001"), text);
            assertTrue(text.contains("ADA LOVELACE"), text);
            assertEquals(220, envelope.getPage(0).getMediaBox().getWidth() / (72 / 25.4), 0.1);
        }
        byte[] preview = web.bytes(base + "/envelope.png?envelope=10").body();
        assertTrue(StampReader.create().verify(preview, world.keys()).valid(), "the envelope's stamp is valid postage");
        String zpl = new String(web.bytes(base + "/label.zpl").body(), StandardCharsets.US_ASCII);
        assertTrue(zpl.startsWith("^XA") && zpl.contains("^BXN,4,200") && zpl.contains("^GFA,"), zpl.substring(0, 60));
        HttpResponse<byte[]> stampZpl = web.bytes(base + "/stamp.zpl");
        assertEquals("application/zpl; charset=us-ascii", stampZpl.headers().firstValue("Content-Type").orElseThrow());
        String all = new String(web.bytes("/orders/" + order + "/labels.zpl").body(), StandardCharsets.US_ASCII);
        assertEquals(2, all.split("\\^XZ", -1).length - 1, "a label per addressed stamp");
        try (PDDocument label = Loader.loadPDF(web.bytes(base + "/label.pdf").body())) {
            assertEquals(152.4, label.getPage(0).getMediaBox().getHeight() / (72 / 25.4), 0.1);
        }
        try (PDDocument sheet = Loader.loadPDF(web.bytes("/orders/" + order + "/addresses.pdf?paper=letter&first=29").body())) {
            assertEquals(1, sheet.getNumberOfPages(), "two addresses from label 29 of 30 fill labels 29 and 30");
        }
        try (PDDocument sheet = Loader.loadPDF(web.bytes("/orders/" + order + "/addresses.pdf?paper=letter&first=30").body())) {
            assertEquals(2, sheet.getNumberOfPages(), "from the last label, the second address goes on a new sheet");
            assertTrue(new PDFTextStripper().getText(sheet).contains("GRACE HOPPER"));
        }
        HttpResponse<String> badFirst = web.get("/orders/" + order + "/addresses.pdf?paper=a4&first=22");
        assertEquals(400, badFirst.statusCode());
        assertTrue(badFirst.body().contains("The first label must be a number from 1 to 21"), badFirst.body());
        String print = web.get("/orders/" + order + "/print?paper=letter&first=5").body();
        assertTrue(print.contains("on a US Letter label sheet, from label 5"), print);
    }
}
