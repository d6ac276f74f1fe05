package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What shoppers send the shop, at the HTTP level: the rates query the cart links back to and an
 * upload returns to is rebuilt from the checked fields (nothing else of the request's query reaches
 * a link or a redirect), parallel adds cannot overfill the cart, an upload over the limit says by
 * how much, yesterday is a date of mailing (a shopper west of the server may still be on that day),
 * and the store credit page says its times are UTC.
 */
class ShopInputTest {
    private static final String RATES = "/?weight=20&from=94107&to=10001";

    private final World world = World.get();

    @Test
    void theCartLinksBackToTheRatesQueryRebuiltFromItsCheckedFields() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        // Encoded, as browsers send it (Jetty refuses a raw quote in the query itself with 400).
        assertEquals(200, web.get(RATES + "&x=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E").statusCode());
        String cart = web.get("/cart").body();
        assertTrue(cart.contains("<a href=\"/?weight=20&amp;from=94107&amp;to=10001\">Buy postage</a>"), cart);
    }

    @Test
    void anUploadReturnsToTheRebuiltRatesQueryAndATooLargeOneSaysByHowMuch() throws Exception {
        Web web = Web.signedIn(world.paperShop, "bob");
        String page = web.get(RATES + "&date=&extra=%0D%0ALocation:%20https://elsewhere.example").body();
        String csrf = web.hidden(page, "_csrf");
        byte[] picture;
        try (InputStream in = org.openpostage.server.PostalCore.class.getResourceAsStream("/backgrounds/waves.png")) {
            picture = in.readAllBytes();
        }
        HttpResponse<String> uploaded = web.multipart("/uploads", Map.of("_csrf", csrf), "picture", "waves.png", picture);
        assertEquals(303, uploaded.statusCode(), uploaded.body());
        assertEquals("/?weight=20&from=94107&to=10001", uploaded.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> large = web.multipart("/uploads", Map.of("_csrf", csrf), "picture", "large.png",
                new byte[10_000_001]);
        assertEquals(400, large.statusCode(), large.body());
        assertTrue(large.body().contains("The picture is 10.1 MB; at most 10 MB can be uploaded."), large.body());
    }

    @Test
    void anUploadedPhotoIsServedBackWithoutItsGpsPosition() throws Exception {
        Web web = Web.signedIn(world.paperShop, "bob");
        String csrf = web.hidden(web.get(RATES).body(), "_csrf");
        String gps = "GPS-48.8584N-2.2945E-" + System.nanoTime();
        byte[] photo = jpegWithExif(gps);
        HttpResponse<String> uploaded = web.multipart("/uploads", Map.of("_csrf", csrf), "picture", "holiday.jpg", photo);
        assertEquals(303, uploaded.statusCode(), uploaded.body());

        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/backgrounds/upload/(\\d+)").matcher(web.get(RATES).body());
        assertTrue(m.find(), "the gallery shows the upload");
        HttpResponse<byte[]> served = web.bytes(m.group()); // newest first
        assertEquals(200, served.statusCode());
        assertEquals("image/jpeg", served.headers().firstValue("Content-Type").orElseThrow());
        String file = new String(served.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(!file.contains(gps) && !file.contains("Exif"), "the EXIF block was stripped");
        assertEquals(64, javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(served.body())).getWidth());
    }

    /** A 64 x 48 JPEG whose first segment is an EXIF block holding {@code text}, as a phone writes its GPS data. */
    private static byte[] jpegWithExif(String text) throws Exception {
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "jpeg", plain);
        byte[] jpeg = plain.toByteArray();
        int app0 = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        byte[] exif = ("Exif\0\0MM\0*\0\0\0\u0008\0\0\0\0\0\0" + text).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) ((exif.length + 2) >> 8), (byte) (exif.length + 2)});
        out.write(exif);
        out.write(jpeg, app0, jpeg.length - app0);
        return out.toByteArray();
    }

    @Test
    void parallelAddsCannotOverfillTheCart() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        Map<String, String> form = new HashMap<>(PortalSecurityTest.addForm(web, "LETTER"));
        form.put("quantity", "20");
        int posts = 6;
        ExecutorService pool = Executors.newFixedThreadPool(posts);
        List<Integer> statuses = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                sent.add(pool.submit(() -> {
                    go.await();
                    return web.post("/cart", form);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                statuses.add(r.statusCode());
                if (r.statusCode() == 400) {
                    assertTrue(r.body().contains("A cart holds at most 50 stamps"), r.body());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Map.of(303, 2L, 400, 4L), statuses.stream().collect(Collectors.groupingBy(s -> s, TreeMap::new,
                Collectors.counting())), "two posts of 20 fit into a cart of 50, the others were refused");
        assertTrue(web.get("/cart").body().contains(" for 40 stamps"), "40 stamps in the cart");
    }

    @Test
    void yesterdayIsADateOfMailingButTheDayBeforeIsNot() throws Exception {
        Web web = Web.signedIn(world.paperShop, "alice");
        String yesterday = web.get(RATES + "&date=" + LocalDate.now().minusDays(1)).body();
        assertFalse(yesterday.contains("id=\"rates-error\""), yesterday);
        assertTrue(yesterday.contains("id=\"add-form\""), yesterday);
        LocalDate before = LocalDate.now().minusDays(2);
        String past = web.get(RATES + "&date=" + before).body();
        assertTrue(past.contains("The date of mailing " + before + " is in the past."), past);
    }

    @Test
    void theStoreCreditPageSaysItsTimesAreUtc() throws Exception {
        String page = Web.signedIn(world.paperShop, "alice").get("/account").body();
        assertTrue(page.matches("(?s).*<tr><td>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC</td><td>Welcome credit</td>.*"),
                page);
    }
}
