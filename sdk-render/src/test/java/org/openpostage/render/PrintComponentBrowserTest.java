package org.openpostage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.PDFStreamEngine;
import org.apache.pdfbox.contentstream.operator.DrawObject;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.contentstream.operator.state.Concatenate;
import org.apache.pdfbox.contentstream.operator.state.Restore;
import org.apache.pdfbox.contentstream.operator.state.Save;
import org.apache.pdfbox.contentstream.operator.state.SetGraphicsStateParameters;
import org.apache.pdfbox.contentstream.operator.state.SetMatrix;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.util.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpostage.api.model.PrintComponent;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The print component in the system's headless Chromium, driven through its chromedriver, with
 * pages served from a loopback HTTP server. Each test page replaces {@code window.print} with a
 * counter, so a test sees exactly when the component asked the browser to print; Chromium's own
 * print-to-PDF then shows what would come out of the printer. Skipped where Chromium is absent.
 */
class PrintComponentBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();
    private static final Map<String, String> POLICIES = new ConcurrentHashMap<>();
    /** A strict policy like a portal's: no inline script or style at all. */
    private static final String STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " object-src 'none'; base-uri 'none'";
    private static HttpServer server;
    private static ChromeDriver driver;
    private static Path profile;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs the system packages chromium and chromium-driver");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = FILES.get(exchange.getRequestURI().getPath());
            String path = exchange.getRequestURI().getPath();
            String type = path.endsWith(".js") ? "text/javascript" : path.endsWith(".png") ? "image/png"
                    : path.endsWith(".css") ? "text/css" : "text/html; charset=utf-8";
            exchange.getResponseHeaders().set("Content-Type", type);
            if (POLICIES.containsKey(path)) {
                exchange.getResponseHeaders().set("Content-Security-Policy", POLICIES.get(path));
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();

        PrintComponent component = PrintComponents.current();
        FILES.put("/openpostage-print.js", component.script().toArray());
        StampRenderer renderer = StampRenderer.defaults();
        FILES.put("/stamp.png", renderer.png(TestIndicia.letter(1)).content().toArray());
        SheetRenderer sheets = SheetRenderer.of(StampRenderer.builder().dpi(203).build(), SheetLayout.A4);
        FILES.put("/sheet.png", sheets.png(List.of(Stamp.of(TestIndicia.letter(2)), Stamp.of(TestIndicia.letter(3))))
                .get(0).content().toArray());
        FILES.put("/sheet-2.png", sheets.png(List.of(Stamp.of(TestIndicia.letter(4)))).get(0).content().toArray());
        Background picture = BackgroundImages.check(TestPictures.png(TestPictures.busyPhoto(320, 200, 7)));
        FILES.put("/picture.png", renderer.png(TestIndicia.letter(5), picture).content().toArray());

        profile = Files.createTempDirectory("openpostage-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.stop(0);
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void autoModePrintsWhenThePageLoadsWithoutAClick() throws IOException {
        SizeMm size = StampRenderer.defaults().size(false);
        open("auto.html", page("/stamp.png", size, "auto", PrintComponents.current().integrity()));

        Map<?, ?> result = awaitResult();

        assertEquals(Boolean.TRUE, result.get("ok"));
        assertEquals(1L, js("return window.printCalls"));
        assertEquals(1L, js("return window.events.length"), "the result is also reported as a DOM event");
        assertEquals(Boolean.TRUE, js("return window.events[0].ok"));
        assertPrinted(List.of(size));
    }

    @Test
    void onRequestModePrintsOnlyAfterTheClick() throws InterruptedException {
        SizeMm size = StampRenderer.defaults().size(false);
        open("on-request.html", page("/stamp.png", size, "on-request", PrintComponents.current().integrity()));
        awaitComponent();
        Thread.sleep(300);
        assertEquals(0L, js("return window.printCalls"), "nothing printed before the click");
        assertEquals(0L, js("return window.results.length"));

        driver.findElement(By.id("print")).click();

        assertEquals(Boolean.TRUE, awaitResult().get("ok"));
        assertEquals(1L, js("return window.printCalls"));
    }

    @Test
    void aSheetPrintsOnOnePageOfItsPaperSize() throws IOException {
        SizeMm a4 = SheetLayout.A4.pageSize();
        open("sheet.html", page("/sheet.png", a4, "auto", PrintComponents.current().integrity()));
        assertEquals(Boolean.TRUE, awaitResult().get("ok"));
        assertPrinted(List.of(a4));
    }

    @Test
    void severalPagesPrintInOneJobEachAtItsOwnSize() throws IOException {
        SizeMm a4 = SheetLayout.A4.pageSize();
        SizeMm plain = StampRenderer.defaults().size(false);
        SizeMm pictured = StampRenderer.defaults().size(true);
        open("pages.html", page(pages(List.of("/sheet.png", "/stamp.png", "/picture.png", "/sheet-2.png"),
                List.of(a4, plain, pictured, a4)), "auto", PrintComponents.current().integrity()));

        Map<?, ?> result = awaitResult();

        assertEquals(Boolean.TRUE, result.get("ok"), result.toString());
        assertEquals(4L, result.get("pages"));
        assertEquals(1L, js("return window.printCalls"), "one print job for all pages");
        assertPrinted(List.of(a4, plain, pictured, a4));
    }

    @Test
    void severalPagesPrintOnRequestOnlyAfterTheClick() throws InterruptedException, IOException {
        SizeMm a4 = SheetLayout.A4.pageSize();
        open("pages-on-request.html", page(pages(List.of("/sheet.png", "/sheet-2.png"), List.of(a4, a4)),
                "on-request", PrintComponents.current().integrity()));
        awaitComponent();
        Thread.sleep(300);
        assertEquals(0L, js("return window.printCalls"), "nothing printed before the click");

        driver.findElement(By.id("print")).click();

        assertEquals(2L, awaitResult().get("pages"));
        assertEquals(1L, js("return window.printCalls"));
        assertPrinted(List.of(a4, a4));
    }

    @Test
    void aStrictContentSecurityPolicyIsNotViolated() throws IOException {
        SizeMm a4 = SheetLayout.A4.pageSize();
        SizeMm plain = StampRenderer.defaults().size(false);
        FILES.put("/harness.js", HARNESS.getBytes(StandardCharsets.UTF_8));
        FILES.put("/start.js", ("OpenPostagePrint.print({ " + pages(List.of("/sheet.png", "/stamp.png"), List.of(a4, plain))
                + ", mode: 'auto', onResult: (r) => window.results.push(r) });\n").getBytes(StandardCharsets.UTF_8));
        FILES.put("/page.css", "body { margin: 2cm; font-family: sans-serif; }\n".getBytes(StandardCharsets.UTF_8));
        POLICIES.put("/strict.html", STRICT_CSP);
        open("strict.html", """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Your stamps</title>
                <link rel="stylesheet" href="/page.css">
                <script src="/harness.js"></script>
                <script type="module" src="/openpostage-print.js" integrity="%s" crossorigin="anonymous"></script>
                <script type="module" src="/start.js"></script>
                </head><body><h1>Your stamps</h1><p>Not printed.</p></body></html>
                """.formatted(PrintComponents.current().integrity()));

        assertEquals(Boolean.TRUE, awaitResult().get("ok"));
        assertEquals(1L, js("return window.printCalls"));
        assertPrinted(List.of(a4, plain));
        assertEquals(List.of(), js("return window.violations"), "no Content-Security-Policy violation");

        // The policy is enforced and its violations are seen: an inline style is refused and reported.
        js("const s = document.createElement('style'); s.textContent = 'p { color: red; }'; document.head.appendChild(s);");
        await(() -> !((List<?>) js("return window.violations")).isEmpty(), "the inline style's violation");
        assertEquals("style-src-elem", ((List<?>) js("return window.violations")).get(0));
    }

    @Test
    void invalidPagesAreReportedAsAFailure() {
        open("invalid-pages.html", page("pages: [{ src: '/sheet.png', widthMm: 210, heightMm: 297 },"
                + " { src: '/stamp.png', widthMm: 63 }]", "auto", PrintComponents.current().integrity()));
        Map<?, ?> result = awaitResult();
        assertEquals(Boolean.FALSE, result.get("ok"));
        assertEquals("pages[1].heightMm must be a number of millimetres between 0 and 2000, was undefined",
                result.get("error"));
        assertEquals(0L, js("return window.printCalls"));
    }

    @Test
    void anImageThatDoesNotLoadIsReportedAsAFailureAndNothingPrints() {
        open("broken.html", page("/missing.png", new SizeMm(63, 27), "auto", PrintComponents.current().integrity()));

        Map<?, ?> result = awaitResult();

        assertEquals(Boolean.FALSE, result.get("ok"));
        assertTrue(result.get("error").toString().contains("could not be loaded"), result.toString());
        assertEquals(0L, js("return window.printCalls"));
        assertEquals(Boolean.FALSE, js("return window.events[0].ok"));
    }

    @Test
    void invalidOptionsAreReportedAsAFailure() {
        open("invalid.html", page("/stamp.png", null, "auto", PrintComponents.current().integrity()));
        Map<?, ?> result = awaitResult();
        assertEquals(Boolean.FALSE, result.get("ok"));
        assertTrue(result.get("error").toString().contains("widthMm"), result.toString());
        assertEquals(0L, js("return window.printCalls"));
    }

    @Test
    void aScriptThatDoesNotMatchItsIntegrityIsNotRun() throws InterruptedException {
        String wrong = "sha256-" + Base64.getEncoder().encodeToString(new byte[32]);
        open("tampered.html", page("/stamp.png", new SizeMm(63, 27), "auto", wrong));
        Thread.sleep(500);
        assertEquals("undefined", js("return typeof window.OpenPostagePrint"));
        assertEquals(0L, js("return window.printCalls"));
    }

    /** Records print calls, results, events and CSP violations (served as a file for the strict CSP page). */
    private static final String HARNESS = """
            window.printCalls = 0;
            window.results = [];
            window.events = [];
            window.violations = [];
            window.print = function () { window.printCalls++; };
            document.addEventListener('openpostage-print', (e) => window.events.push(e.detail));
            document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective));
            """;

    /** A portal page printing one image. */
    private static String page(String src, SizeMm size, String mode, String integrity) {
        String dimensions = size == null ? "widthMm: 'wide', heightMm: 27"
                : "widthMm: " + size.widthMm() + ", heightMm: " + size.heightMm();
        return page("src: '" + src + "', " + dimensions, mode, integrity);
    }

    /** The {@code pages} option for these images and sizes. */
    private static String pages(List<String> sources, List<SizeMm> sizes) {
        StringBuilder b = new StringBuilder("pages: [");
        for (int i = 0; i < sources.size(); i++) {
            b.append(i == 0 ? "" : ", ").append("{ src: '").append(sources.get(i)).append("', widthMm: ")
                    .append(sizes.get(i).widthMm()).append(", heightMm: ").append(sizes.get(i).heightMm()).append(" }");
        }
        return b.append(']').toString();
    }

    /** A portal page: some content, a print button, the component loaded with SRI and started with these options. */
    private static String page(String what, String mode, String integrity) {
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Your stamp</title>
                <style>body { margin: 2cm; font-family: sans-serif; } img { max-width: 50%%; }</style>
                <script>
                  window.printCalls = 0;
                  window.results = [];
                  window.events = [];
                  window.print = function () { window.printCalls++; };
                  document.addEventListener('openpostage-print', (e) => window.events.push(e.detail));
                </script>
                <script type="module" src="/openpostage-print.js" integrity="%s" crossorigin="anonymous"></script>
                <script type="module">
                  OpenPostagePrint.print({ %s, mode: '%s', button: '#print',
                                           onResult: (r) => window.results.push(r) });
                </script>
                </head><body>
                <h1>Thank you for your purchase</h1>
                <p>Your stamp is ready. This paragraph must not be printed.</p>
                <button id="print">Print stamp</button>
                </body></html>
                """.formatted(integrity, what, mode);
    }

    private static void open(String name, String html) {
        FILES.put("/" + name, html.getBytes(StandardCharsets.UTF_8));
        driver.get(base + "/" + name);
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private static void awaitComponent() {
        await(() -> Boolean.TRUE.equals(js("return document.readyState === 'complete' "
                + "&& typeof window.OpenPostagePrint === 'object'")), "the component to load");
    }

    private static Map<?, ?> awaitResult() {
        await(() -> ((Number) js("return window.results.length")).intValue() > 0, "a print result");
        return (Map<?, ?>) js("return window.results[0]");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /**
     * Prints the page to PDF as Chromium would print it: one page per expected size, each exactly
     * that size, with only its image on it, drawn at the page's size (within 0.5 mm).
     */
    private static void assertPrinted(List<SizeMm> expected) throws IOException {
        Map<String, Object> pdf = driver.executeCdpCommand("Page.printToPDF",
                Map.of("preferCSSPageSize", true, "printBackground", true));
        byte[] bytes = Base64.getDecoder().decode((String) pdf.get("data"));
        try (PDDocument document = Loader.loadPDF(bytes)) {
            assertEquals(expected.size(), document.getNumberOfPages(), "pages printed");
            for (int i = 0; i < expected.size(); i++) {
                SizeMm size = expected.get(i);
                String page = "page " + (i + 1) + ": ";
                PDRectangle box = document.getPage(i).getMediaBox();
                assertEquals(size.widthMm(), box.getWidth() / SizeMm.POINTS_PER_MM, 0.5, page + "width in mm");
                assertEquals(size.heightMm(), box.getHeight() / SizeMm.POINTS_PER_MM, 0.5, page + "height in mm");
                List<double[]> images = ImageSizes.of(document, i);
                assertEquals(1, images.size(), page + "only its image is printed");
                assertEquals(size.widthMm(), images.get(0)[0], 0.5, page + "printed image width in mm");
                assertEquals(size.heightMm(), images.get(0)[1], 0.5, page + "printed image height in mm");
            }
        }
    }

    /** The drawn size, in millimetres, of every image on a page. */
    private static final class ImageSizes extends PDFStreamEngine {
        private final List<double[]> sizes = new ArrayList<>();

        private ImageSizes() {
            addOperator(new Concatenate(this));
            addOperator(new DrawObject(this));
            addOperator(new SetGraphicsStateParameters(this));
            addOperator(new Save(this));
            addOperator(new Restore(this));
            addOperator(new SetMatrix(this));
        }

        static List<double[]> of(PDDocument document, int page) throws IOException {
            ImageSizes engine = new ImageSizes();
            engine.processPage(document.getPage(page));
            return engine.sizes;
        }

        @Override
        protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
            if ("Do".equals(operator.getName()) && !operands.isEmpty() && operands.get(0) instanceof COSName name) {
                PDXObject object = getResources().getXObject(name);
                if (object instanceof PDImageXObject) {
                    Matrix ctm = getGraphicsState().getCurrentTransformationMatrix();
                    sizes.add(new double[] {ctm.getScalingFactorX() / SizeMm.POINTS_PER_MM,
                            ctm.getScalingFactorY() / SizeMm.POINTS_PER_MM});
                    return;
                }
                if (object instanceof PDFormXObject form) {
                    showForm(form);
                    return;
                }
            }
            super.processOperator(operator, operands);
        }
    }
}
