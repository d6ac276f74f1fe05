package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.render.StampReader;
import org.openpostage.render.StampVerification;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in headless Chromium, as a person uses it: describe a piece, pick a picture, fill a
 * cart, pay by card or store credit, print (window.print is recorded, not run), download and
 * verify the stamp, refund. Runs against both portals, so both transports. Skipped without
 * /usr/bin/chromium and /usr/bin/chromedriver. With {@code -Dopenpostage.screenshots=true}, or
 * when they are missing, it writes docs/images/portal-*.png.
 */
class PortalBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** How long a page may take to load, or a page's script to show its outcome, on a busy machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static ChromeDriver driver;
    private static Path profile;
    private final World world = World.get();

    @BeforeAll
    static void browser() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Chromium and chromedriver are not installed");
        profile = Files.createTempDirectory("portal-chrome");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,1400",
                "--user-data-dir=" + profile);
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
        // Record window.print calls instead of opening a dialog, before any page script runs: for
        // each print job, the images the print component put up (which pages went to the printer,
        // in order). Record every Content-Security-Policy violation too.
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__prints = 0; window.__printed = []; window.__violations = [];"
                        + " window.print = () => { window.__prints++; window.__printed.push([...document"
                        + ".querySelectorAll('#openpostage-print-root img')].map((img) => img.getAttribute('src'))); };"
                        + " document.addEventListener('securitypolicyviolation',"
                        + " (e) => window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));"));
    }

    @AfterAll
    static void quit() throws java.io.IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void signedOut() {
        driver.manage().deleteAllCookies();
    }

    /** Both payment modes on both transports, each printed in one of the two modes. */
    static Stream<Arguments> journeys() {
        return Stream.of(Arguments.of("XML", "card", "on-request"), Arguments.of("XML", "store credit", "auto"),
                Arguments.of("gRPC", "card", "auto"), Arguments.of("gRPC", "store credit", "on-request"));
    }

    @ParameterizedTest(name = "over {0}, paid by {1}, printed {2}")
    @MethodSource("journeys")
    void aStampIsBoughtPrintedAndDownloadedAsVerifiedPostage(String transport, String payment, String printMode)
            throws Exception {
        PortalApp portal = transport.equals("XML") ? world.paperShop : world.market;
        boolean card = payment.equals("card");
        boolean shots = transport.equals("XML") && card; // the documentation's screenshots come from one journey
        String user = card ? "alice" : "bob";
        signIn(portal, user);
        long before = PortalSecurityTest.balance(Web.signedIn(portal, user));
        rates("20", "94107", "10001");
        if (shots) {
            screenshot("home");
        }
        driver.findElement(By.id("class-LETTER")).click();
        String price = driver.findElement(By.id("price-LETTER")).getText();
        driver.findElement(By.id("bg-hills")).click();
        clickAndWait(By.id("add-to-cart"));
        assertTrue(text().contains("Added a standard letter stamp at " + price), text());
        assertImagesLoaded();
        if (shots) {
            screenshot("cart");
        }
        if (card) {
            payByCard("4242 4242 4242 4242", printMode);
        } else {
            payByCredit(printMode);
        }
        assertTrue(text().contains("Thank you! Your stamp is ready."), text());
        String order = orderId();
        if (printMode.equals("on-request")) {
            assertTrue(text().contains("Ready to print."), text());
            assertEquals(0L, prints(), "on-request mode must not print before the click");
            driver.findElement(By.id("print-button")).click();
        }
        waitFor(() -> prints() == 1L);
        waitFor(() -> text().contains("Sent to your printer."));
        assertEquals(List.of(List.of("/orders/" + order + "/print-1.png")), printed());
        assertEquals(List.of(), cspViolations());
        if (shots) {
            screenshot("print");
        }
        driver.get(portal.url() + "/orders/" + order);
        assertTrue(text().contains("Status: Complete."), text());
        assertTrue(text().contains(card ? "paid by card (VISA ending 4242)" : "paid by store credit"), text());
        if (shots) {
            screenshot("order");
        }
        long after = PortalSecurityTest.balance(Web.signedIn(portal, user));
        assertEquals(card ? "USD 0.00" : price, PortalSecurityTest.usd(before - after), "store credit charged");
        if (!card && transport.equals("gRPC")) {
            driver.get(portal.url() + "/account");
            screenshot("credit");
        }
        byte[] png = download(portal, "/orders/" + order + "/items/" + firstItemOf(portal, order) + "/stamp.png");
        StampVerification v = StampReader.create().verify(png, world.keys());
        assertEquals(SignatureCheck.VALID, v.signature());
        assertTrue(v.valid(), "live postage with a good signature");
    }

    @Test
    void aLargeOrderPrintsEveryLabelSheetInOnePrintJob() throws Exception {
        PortalApp portal = world.market;
        signIn(portal, "alice");
        rates("20", "94107", "10001");
        addToCart(17);
        payByCard("4242424242424242", "on-request");
        assertTrue(text().contains("Your 17 stamps are ready."), text());
        assertTrue(text().contains("17 stamps on 2 US Letter label sheets"), text()); // a shop in the US

        assertImagesLoaded();
        String order = orderId();
        assertEquals(0L, prints(), "on-request mode must not print before the click");
        driver.findElement(By.id("print-button")).click();
        waitFor(() -> text().contains("Sent all 2 sheets to your printer."));
        assertEquals(1L, prints(), "one print job");
        assertEquals(List.of(List.of("/orders/" + order + "/print-1.png", "/orders/" + order + "/print-2.png")),
                printed(), "both sheets went to the printer in one job, in order");
        assertPrintedPages(2, 215.9, 279.4);
        assertEquals(List.of(), cspViolations());
        // The page's policy is strict and its violations are seen: an inline style is refused.
        ((JavascriptExecutor) driver).executeScript("const s = document.createElement('style');"
                + " s.textContent = 'p { color: red; }'; document.head.appendChild(s);");
        waitFor(() -> !cspViolations().isEmpty());
        assertTrue(cspViolations().get(0).startsWith("style-src-elem inline"), cspViolations().toString());
        byte[] second = download(portal, "/orders/" + order + "/print-2.png");
        assertEquals("PNG", new String(second, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aDeclinedCardShowsWhyAndKeepsTheCart() {
        signIn(world.paperShop, "alice");
        rates("20", "94107", "");
        clickAndWait(By.id("add-to-cart"));
        payByCard("4000000000000002", "auto");
        assertTrue(text().contains("Your card was declined"), text());
        assertTrue(text().contains("Nothing was charged"), text());
        assertTrue(driver.findElement(By.id("pay")).isDisplayed(), "the cart is still there to pay again");
        screenshot("declined");
        driver.get(world.paperShop.url() + "/cart");
        for (WebElement remove : driver.findElements(By.xpath("//button[text()='Remove']"))) {
            clickAndWait(By.xpath("//button[text()='Remove']"));
        }
    }

    @Test
    void anUploadedPictureIsPreviewedAndPrintedOnTheStamp() throws Exception {
        PortalApp portal = world.market;
        signIn(portal, "alice");
        rates("20", "94107", "10001");
        Path picture = Files.createTempFile("my-photo", ".png");
        try (InputStream in = org.openpostage.server.PostalCore.class.getResourceAsStream("/backgrounds/waves.png")) {
            Files.write(picture, in.readAllBytes());
        }
        try {
            driver.findElement(By.id("picture")).sendKeys(picture.toString());
            clickAndWait(By.id("upload"));
            assertTrue(text().contains("is now in the gallery"), text());
        } finally {
            // Only once the answer is shown: the browser reads the file while it submits the form.
            Files.delete(picture);
        }
        WebElement mine = driver.findElement(By.cssSelector("input[value^='upload:']"));
        mine.click();
        clickAndWait(By.id("add-to-cart"));
        assertImagesLoaded();
        payByCredit("on-request");
        String order = orderId();
        byte[] png = download(portal, "/orders/" + order + "/items/" + firstItemOf(portal, order) + "/stamp.png");
        StampVerification v = StampReader.create().verify(png, world.keys());
        assertTrue(v.valid(), "the composed stamp verifies");
        byte[] pdf = download(portal, "/orders/" + order + "/items/" + firstItemOf(portal, order) + "/stamp.pdf");
        assertEquals("%PDF", new String(pdf, 0, 4));
    }

    @Test
    void aBatchOfThreeIsOneCheckoutWithThreeStampsOnALabelSheet() throws Exception {
        PortalApp portal = world.paperShop;
        signIn(portal, "bob");
        rates("20", "94107", "10001");
        addToCart(2);
        rates("20", "94107", "10001");
        driver.findElement(By.id("class-PRIORITY_LETTER")).click();
        clickAndWait(By.id("add-to-cart"));
        assertTrue(text().contains("for 3 stamps"), text());
        payByCard("5555555555554444", "on-request");
        assertTrue(text().contains("Your 3 stamps are ready."), text());
        assertTrue(text().contains("3 stamps on an A4 label sheet"), text());
        String order = orderId();
        driver.get(portal.url() + "/orders/" + order);
        assertEquals(3, driver.findElements(By.xpath("//span[@class='status' and text()='Issued']")).size(), text());
        byte[] sheet = download(portal, "/orders/" + order + "/sheet.pdf");
        assertEquals("%PDF", new String(sheet, 0, 4));
        screenshot("orders-batch");
    }

    @Test
    void anUnusedStampIsRefundedToStoreCredit() throws Exception {
        PortalApp portal = world.paperShop;
        signIn(portal, "alice");
        rates("20", "94107", "10001");
        clickAndWait(By.id("add-to-cart"));
        payByCredit("on-request");
        String order = orderId();
        Web web = Web.signedIn(portal, "alice");
        long before = PortalSecurityTest.balance(web);
        driver.get(portal.url() + "/orders/" + order);
        clickAndWait(By.cssSelector("button.refund"));
        assertTrue(text().contains("Refund this stamp?"), text());
        assertEquals(before, PortalSecurityTest.balance(web), "asking refunds nothing");
        screenshot("refund-confirm");
        clickAndWait(By.id("confirm-refund"));
        assertTrue(text().matches("(?s).*Refunded USD [0-9.]+ to your store credit\\. The stamp is no longer valid postage\\..*"),
                text());
        assertEquals(1, driver.findElements(By.xpath("//span[@class='status' and text()='Refunded']")).size());
        long after = PortalSecurityTest.balance(web);
        assertTrue(after > before, "the credit came back");
        driver.get(portal.url() + "/orders");
        screenshot("orders");
    }

    @Test
    void anAddressedStampShowsItsEnvelopeLabelAndAddressSheet() throws Exception {
        PortalApp portal = world.paperShop;
        signIn(portal, "bob");
        rates("20", "94107", "10001");
        for (String[] f : List.of(new String[] {"sender-name", "Bob Example"}, new String[] {"sender-line1", "1 Market St"},
                new String[] {"sender-city", "San Francisco"}, new String[] {"recipient-name", "Grace Hopper"},
                new String[] {"recipient-line1", "350 Fifth Avenue"}, new String[] {"recipient-city", "New York"})) {
            driver.findElement(By.id(f[0])).sendKeys(f[1]);
        }
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("sender-region"))).selectByValue("CA");
        clickAndWait(By.id("add-to-cart"));
        // The recipient's state was left out: the message stands next to it, and nothing typed is lost.
        assertTrue(driver.findElement(By.id("recipient-region-error")).getText().contains("Please choose the recipient's state."));
        assertEquals("Grace Hopper", driver.findElement(By.id("recipient-name")).getAttribute("value"));
        screenshot("address-error");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("recipient-region"))).selectByValue("NY");
        clickAndWait(By.id("add-to-cart"));
        assertTrue(text().contains("To GRACE HOPPER, 350 FIFTH AVENUE, NEW YORK NY 10001"), text());
        payByCredit("on-request");
        String order = orderId();
        driver.get(portal.url() + "/orders/" + order);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("paper"))).selectByValue("a4");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("envelope"))).selectByValue("DL");
        WebElement first = driver.findElement(By.id("first"));
        first.clear();
        first.sendKeys("4");
        clickAndWait(By.id("apply-paper"));
        waitFor(() -> driver.findElements(By.cssSelector(".envelope-preview")).size() == 1);
        assertImagesLoaded();
        assertTrue(driver.findElement(By.id("addresses-link")).getAttribute("href").endsWith("paper=a4&first=4"));
        assertTrue(text().contains("Envelope DL (PDF)"), text());
        assertEquals(List.of(), cspViolations());
        ((JavascriptExecutor) driver).executeScript("document.getElementById('print-options').scrollIntoView();");
        screenshot("order-print");
        byte[] envelope = download(portal, driver.findElement(By.cssSelector(".envelope-preview")).getAttribute("src")
                .replaceFirst("^https?://[^/]+", ""));
        assertTrue(org.openpostage.render.StampReader.create().verify(envelope, world.keys()).valid(),
                "the envelope's stamp is valid postage");
    }

    @Test
    void aPicturesSubjectIsPlacedWithAPreviewOfThePrintedStamp() {
        PortalApp portal = world.market;
        signIn(portal, "alice");
        rates("20", "94107", "10001");
        driver.findElement(By.id("bg-hills")).click();
        waitFor(() -> driver.findElement(By.id("stamp-preview")).isDisplayed());
        String centred = driver.findElement(By.id("stamp-preview")).getAttribute("src");
        driver.findElement(By.id("focus-x")).sendKeys("80");
        driver.findElement(By.id("focus-y")).sendKeys("30");
        waitFor(() -> driver.findElement(By.id("stamp-preview")).getAttribute("src").contains("focusX=80&focusY=30"));
        waitFor(() -> Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "const i = document.getElementById('stamp-preview'); return i.complete && i.naturalWidth > 0;")));
        assertTrue(!centred.equals(driver.findElement(By.id("stamp-preview")).getAttribute("src")));
        ((JavascriptExecutor) driver).executeScript("document.getElementById('frame').scrollIntoView();");
        screenshot("picture-placement");
        clickAndWait(By.id("add-to-cart"));
        assertImagesLoaded();
        assertTrue(text().contains("Added a standard letter stamp"), text());
        PortalSecurityTest.class.getName(); // the cart keeps the placement: its preview is the same rendering
        driver.findElements(By.cssSelector("form[action='/cart/remove'] button")).get(0).click();
    }

    @Test
    void storeCreditIsToppedUpByCardAndACheckoutErrorKeepsTheForm() throws Exception {
        PortalApp portal = world.market;
        signIn(portal, "bob");
        driver.get(portal.url() + "/account");
        driver.findElement(By.id("amount")).sendKeys("25.00");
        driver.findElement(By.id("card-number")).sendKeys("4242 4242 4242 4242");
        driver.findElement(By.id("card-expiry")).sendKeys("12/30");
        driver.findElement(By.id("card-cvv")).sendKeys("123");
        clickAndWait(By.id("top-up"));
        assertTrue(text().contains("Added USD 25.00 to your store credit"), text());
        assertTrue(text().contains("Top-up by VISA ending 4242"), text());
        screenshot("top-up");

        rates("20", "94107", "10001");
        clickAndWait(By.id("add-to-cart"));
        driver.findElement(By.id("card-number")).sendKeys("4242 4242 4242 4242");
        driver.findElement(By.id("card-expiry")).sendKeys("13/30");
        driver.findElement(By.id("card-cvv")).sendKeys("123");
        clickAndWait(By.id("pay"));
        assertTrue(driver.findElement(By.id("card-expiry-error")).getText().contains("The expiry date must look like 12/30."));
        assertEquals("4242 4242 4242 4242", driver.findElement(By.id("card-number")).getAttribute("value"));
        screenshot("checkout-error");
        WebElement expiry = driver.findElement(By.id("card-expiry"));
        expiry.clear();
        expiry.sendKeys("12/30");
        clickAndWait(By.id("pay"));
        assertTrue(text().contains("Thank you! Your stamp is ready."), text());
    }

    @Test
    void everyPageFitsAPhoneWithoutScrollingSideways() throws Exception {
        PortalApp portal = world.paperShop;
        signIn(portal, "alice");
        rates("20", "94107", "10001");
        clickAndWait(By.id("add-to-cart"));
        payByCredit("on-request");
        String order = orderId();
        org.openqa.selenium.Dimension desktop = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            for (String path : List.of("/", "/?weight=20&from=94107&to=10001", "/cart", "/orders", "/orders/" + order,
                    "/orders/" + order + "/print?mode=on-request", "/account")) {
                driver.get(portal.url() + path);
                waitFor(() -> "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState;")));
                Object overflow = ((JavascriptExecutor) driver).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertTrue(((Number) overflow).longValue() <= 0, path + " scrolls sideways by " + overflow + " px");
                if (path.equals("/orders")) {
                    screenshot("phone-orders");
                }
            }
        } finally {
            driver.manage().window().setSize(desktop);
        }
    }

    // ---- helpers ----

    private void signIn(PortalApp portal, String user) {
        driver.get(portal.url() + "/login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user + "-postage");
        if (user.equals("alice")) {
            screenshot("sign-in");
        }
        clickAndWait(By.id("sign-in"));
        assertTrue(text().contains("Welcome, "), text());
    }

    private void rates(String grams, String from, String to) {
        java.net.URI here = java.net.URI.create(driver.getCurrentUrl());
        driver.get(here.getScheme() + "://" + here.getAuthority() + "/");
        for (String[] f : List.of(new String[] {"weight", grams}, new String[] {"from", from}, new String[] {"to", to})) {
            WebElement e = driver.findElement(By.id(f[0]));
            e.clear();
            e.sendKeys(f[1]);
        }
        clickAndWait(By.id("show-rates"));
        assertTrue(text().contains("Prices for " + grams + " g from " + from), text());
    }

    private static void addToCart(int quantity) {
        driver.findElement(By.id("quantity")).clear();
        driver.findElement(By.id("quantity")).sendKeys(String.valueOf(quantity));
        clickAndWait(By.id("add-to-cart"));
    }

    private void payByCard(String number, String printMode) {
        driver.findElement(By.id("card-number")).sendKeys(number);
        driver.findElement(By.id("card-expiry")).sendKeys("12/30");
        driver.findElement(By.id("card-cvv")).sendKeys("123");
        driver.findElement(By.id("print-" + printMode)).click();
        clickAndWait(By.id("pay"));
    }

    private void payByCredit(String printMode) {
        driver.findElement(By.id("pay-credit")).click();
        driver.findElement(By.id("print-" + printMode)).click();
        clickAndWait(By.id("pay"));
    }

    /** The page's text; retries briefly while the page is being replaced (after a click, use {@link #clickAndWait}). */
    private static String text() {
        for (int attempt = 0; ; attempt++) {
            try {
                return driver.findElement(By.tagName("body")).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                if (attempt == 40) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Long prints() {
        Object n = ((JavascriptExecutor) driver).executeScript("return window.__prints;");
        return n == null ? null : ((Number) n).longValue();
    }

    /** For each print job, the images that went to the printer. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> printed() {
        return (List<List<String>>) ((JavascriptExecutor) driver).executeScript("return window.__printed;");
    }

    @SuppressWarnings("unchecked")
    private static List<String> cspViolations() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("return window.__violations;");
    }

    /** Prints the page to PDF as Chromium would print it: so many pages of this size in millimetres. */
    private static void assertPrintedPages(int pages, double widthMm, double heightMm) throws IOException {
        Map<String, Object> pdf = driver.executeCdpCommand("Page.printToPDF",
                Map.of("preferCSSPageSize", true, "printBackground", true));
        byte[] bytes = Base64.getDecoder().decode((String) pdf.get("data"));
        try (PDDocument document = Loader.loadPDF(bytes)) {
            assertEquals(pages, document.getNumberOfPages(), "pages printed");
            for (PDPage page : document.getPages()) {
                assertEquals(widthMm, page.getMediaBox().getWidth() * 25.4 / 72, 0.5, "page width in mm");
                assertEquals(heightMm, page.getMediaBox().getHeight() * 25.4 / 72, 0.5, "page height in mm");
            }
        }
    }

    private static void assertImagesLoaded() {
        Object broken = ((JavascriptExecutor) driver).executeScript(
                "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src).join(' ');");
        assertEquals("", broken, "images that did not load");
    }

    /** Waits for what a page's script (or a page still loading) is to show; a timeout names the page shown. */
    private static void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, PATIENCE).withMessage(() -> "the browser shows " + shown())
                .until(d -> condition.getAsBoolean());
    }

    /**
     * Clicks what submits a form or follows a link, and returns once the answer has replaced the
     * page: the page clicked on is gone (its root element is stale) and the new document has
     * loaded, images included. Chromedriver may return from a click before the browser has even
     * sent the request, so reading the page right after a plain click can read the old page.
     * Clicks that only run the page's script (choices, the print button) are plain clicks
     * followed by {@link #waitFor}.
     */
    private static void clickAndWait(By target) {
        WebElement page = driver.findElement(By.tagName("html"));
        String from = driver.getCurrentUrl();
        driver.findElement(target).click();
        // While the old document is being torn down, Chromium can answer a question about its
        // elements with an "unknown error" (a node that no longer belongs to the document): ask again.
        new WebDriverWait(driver, PATIENCE).pollingEvery(Duration.ofMillis(50)).ignoring(WebDriverException.class)
                .withMessage(() -> "clicking " + target + " on " + from + " did not load a new page; the browser shows "
                        + shown())
                .until(d -> gone(page)
                        && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState;")));
    }

    /** Whether an element's document is no longer the one the browser shows. */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException | NoSuchElementException e) {
            return true;
        }
    }

    /** The page the browser shows, address and text, for failure messages. */
    private static String shown() {
        try {
            String url = driver.getCurrentUrl();
            return url + ":\n" + text();
        } catch (RuntimeException e) {
            return "a page that could not be read (" + e.getMessage() + ")";
        }
    }

    /** The order the browser shows; after a checkout click, waits until the order page has replaced the cart. */
    private static String orderId() {
        waitFor(() -> driver.getCurrentUrl().matches(".*/orders/[0-9]+.*"));
        String url = driver.getCurrentUrl();
        return url.replaceAll(".*/orders/([0-9]+).*", "$1");
    }

    private static String firstItem() {
        waitFor(() -> !driver.findElements(By.cssSelector("a[href$='/stamp.png']")).isEmpty());
        String href = driver.findElement(By.cssSelector("a[href$='/stamp.png']")).getAttribute("href");
        return href.replaceAll(".*/items/([0-9]+)/.*", "$1");
    }

    private String firstItemOf(PortalApp portal, String order) {
        driver.get(portal.url() + "/orders/" + order);
        return firstItem();
    }

    /** Downloads with the browser's session cookie. */
    private static byte[] download(PortalApp portal, String path) throws Exception {
        String cookies = driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .reduce((a, b) -> a + "; " + b).orElse("");
        HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(portal.url().resolve(path)).header("Cookie", cookies).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    private static void screenshot(String name) {
        Path dir = Path.of(System.getProperty("openpostage.docs.images", "../docs/images"));
        Path file = dir.resolve("portal-" + name + ".png");
        if (!Boolean.getBoolean("openpostage.screenshots") && Files.exists(file)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
