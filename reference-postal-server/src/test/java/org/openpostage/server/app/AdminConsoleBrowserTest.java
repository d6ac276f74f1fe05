package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.Caller;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.spi.Credentials;
import org.openpostage.server.model.OperatorAction;
import org.openpostage.server.model.OperatorJournalEntry;
import org.openpostage.server.model.SigningKeyInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in headless Chromium, as an operator uses it: sign in, register a partner,
 * issue and revoke an API key, fund a meter, rotate a signing key, upload a rate table, retire a
 * background, audit, add an operator; each change journaled with the operator's name. Beside the
 * browser, plain HTTP requests check what a browser does not show: CSRF and origin checks, the
 * session cookie's flags and a new session id at sign-in. Skipped without Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String PASSWORD = "engines of analysis";

    @TempDir
    static Path dir;

    private PostalServerApp app;
    private ChromeDriver driver;
    private Path profile;

    @BeforeAll
    void start() throws Exception {
        app = TestApps.start(dir.resolve("server"), b -> b.adminPort(0));
        app.admin().as("setup").createOperator("ada", "Ada Lovelace", PASSWORD.toCharArray());
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Chromium and chromedriver are not installed");
        profile = Files.createTempDirectory("console-chrome");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1300,1400",
                "--user-data-dir=" + profile);
        options.setAcceptInsecureCerts(true); // the development CA of the test server
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(),
                options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__violations = []; window.__alerts = 0; window.alert = () => { window.__alerts++; };"
                        + " document.addEventListener('securitypolicyviolation',"
                        + " (e) => window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));"));
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        TestApps.deleteTree(profile);
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anOperatorRunsThePostalServerFromTheConsole() {
        URI console = app.adminConsole();
        driver.get(console.toString());
        assertTrue(driver.getCurrentUrl().endsWith("/login"), "signed out, the console asks to sign in");
        signIn("ada", "wrong password, surely");
        assertTrue(text().contains("The name or the password is not right."), text());
        signIn("ada", PASSWORD);
        assertTrue(text().contains("Welcome, Ada Lovelace."), text());
        assertEquals("Ada Lovelace", driver.findElement(By.id("operator")).getText());

        // A partner whose name is markup: shown as text, never run.
        go("/partners");
        type("partner-id", "globex");
        type("partner-name", "Globex <script>alert(1)</script>");
        click("create-partner-button");
        assertTrue(text().contains("Partner globex registered."), text());
        assertTrue(text().contains("Globex <script>alert(1)</script>"), "the name shows as typed");
        driver.findElement(By.linkText("globex")).click();

        // An API key: its secret shown once, then it authenticates; revoked, it does not.
        click("issue-key-button");
        String secret = driver.findElement(By.id("issued-secret")).getText();
        Caller caller = app.core().authenticator().authenticate(Credentials.apiKey(secret));
        assertEquals("globex", caller.partnerId());
        click("back-to-partner");
        go("/partners/globex/issued");
        assertTrue(driver.getCurrentUrl().endsWith("/partners/globex"), driver.getCurrentUrl());
        assertFalse(text().contains(secret), "the secret is not shown again");
        go("/partners/globex");
        String keyId = caller.credentialId();
        driver.findElement(By.id("revoke-" + keyId)).click();
        assertTrue(driver.findElements(By.id("flash-ok")).isEmpty(), "the confirmation box must be ticked first");
        driver.findElement(By.cssSelector("#key-" + keyId + " input[name=confirm]")).click();
        click("revoke-" + keyId);
        assertTrue(text().contains("API key " + keyId + " revoked"), text());
        assertThrows(AuthenticationException.class,
                () -> app.core().authenticator().authenticate(Credentials.apiKey(secret)));

        // A meter, funded.
        click("create-meter-button");
        assertTrue(text().contains("created"), text());
        driver.findElement(By.cssSelector("#partner-meters a")).click();
        type("amount", "250.00");
        type("reference", "wire 2026-12-07");
        click("fund-button");
        assertTrue(text().contains("funded with USD 250.00"), text());
        assertEquals("USD 250.00", driver.findElement(By.id("descending")).getText());
        assertTrue(driver.findElement(By.id("journal")).getText().contains("wire 2026-12-07"));
        type("amount", "12.345");
        click("fund-button");
        assertTrue(driver.findElement(By.id("flash-error")).getText().contains("is not an amount of USD"), text());

        // The test signing key rotated.
        go("/signing-keys");
        long before = activeTestKey();
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("rotate-mode"))).selectByValue("TEST");
        click("rotate-button");
        assertTrue(text().contains("is now the active TEST key"), text());
        long after = activeTestKey();
        assertNotEquals(before, after);
        assertTrue(driver.findElement(By.id("signing-key-" + before)).getText().contains("RETIRED"));

        // A rate table for tomorrow: a wrong one refused with its line, a right one stored.
        go("/rates");
        LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        String table = "table version=console-1 currency=USD effective-from=" + tomorrow + "\nLETTER 20 0 81\n";
        type("rates-text", table.replace("81", "eighty-one"));
        ((JavascriptExecutor) driver).executeScript("document.getElementById('effective-from').value = arguments[0]",
                tomorrow.toString());
        click("upload-rates-button");
        assertTrue(driver.findElement(By.id("flash-error")).getText().contains("line 2"), text());
        type("rates-text", table);
        ((JavascriptExecutor) driver).executeScript("document.getElementById('effective-from').value = arguments[0]",
                tomorrow.toString());
        click("upload-rates-button");
        assertTrue(text().contains("Rate table console-1 uploaded"), text());
        assertTrue(driver.findElement(By.id("rate-console-1")).getText().contains("takes effect later"));

        // A background retired.
        go("/backgrounds");
        click("retire-waves");
        assertTrue(text().contains("Background waves retired"), text());
        assertTrue(driver.findElement(By.id("background-waves")).getAttribute("class").contains("retired"));

        // Another operator, then disabled.
        go("/operators");
        type("operator-name", "grace");
        type("operator-display-name", "Grace Hopper");
        type("operator-password", "compilers all the way");
        click("create-operator-button");
        assertTrue(text().contains("Operator grace added."), text());
        click("disable-grace");
        assertTrue(driver.findElement(By.id("operator-grace")).getText().contains("disabled"));

        // Nothing refused, the audit intact, every change journaled with Ada's name.
        go("/refunds");
        assertNotNull(driver.findElement(By.id("no-failed-refunds")));
        go("/audit");
        assertTrue(driver.findElement(By.id("registers-verdict")).getText().startsWith("Every meter balances"));
        assertTrue(driver.findElement(By.id("chains-verdict")).getText().startsWith("Intact"));
        List<OperatorJournalEntry> byAda = app.admin().operatorJournal(0, 1000).stream()
                .filter(e -> e.actor().equals("ada")).toList();
        List<OperatorAction> actions = byAda.stream().map(OperatorJournalEntry::action).distinct().toList();
        for (OperatorAction a : List.of(OperatorAction.OPERATOR_SIGNED_IN, OperatorAction.PARTNER_CREATED,
                OperatorAction.API_KEY_ISSUED, OperatorAction.API_KEY_REVOKED, OperatorAction.METER_CREATED,
                OperatorAction.METER_FUNDED, OperatorAction.KEY_CREATED, OperatorAction.KEY_ACTIVATED,
                OperatorAction.KEY_RETIRED, OperatorAction.RATE_TABLE_UPLOADED, OperatorAction.BACKGROUND_RETIRED,
                OperatorAction.OPERATOR_CREATED, OperatorAction.OPERATOR_DISABLED)) {
            assertTrue(actions.contains(a), a + " journaled by ada: " + actions);
        }
        assertTrue(driver.findElement(By.id("operator-journal")).getText().contains("BACKGROUND_RETIRED"));

        assertEquals(0L, ((Number) ((JavascriptExecutor) driver).executeScript("return window.__alerts")).longValue(),
                "no script ran");
        assertEquals(List.of(), ((JavascriptExecutor) driver).executeScript("return window.__violations"));
        click("sign-out");
        assertTrue(text().contains("You are signed out."), text());
        go("/partners");
        assertTrue(driver.getCurrentUrl().endsWith("/login"));
    }

    @Test
    void formsNeedTheSessionsTokenAndTheConsolesOriginAndSignInRenewsTheSession() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TestApps.clientTrusting(app.caCertificate()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI base = app.adminConsole();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("Secure")
                && setCookie.toLowerCase(java.util.Locale.ROOT).contains("samesite=strict"), setCookie);
        assertTrue(login.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = hidden(login.body());

        HttpResponse<String> noToken = post(http, base, "/login", cookie, null, Map.of("name", "ada", "password",
                PASSWORD));
        assertEquals(403, noToken.statusCode(), "a sign-in without the form's token is refused");
        HttpResponse<String> otherOrigin = post(http, base, "/login", cookie, "https://evil.example", Map.of("_csrf",
                csrf, "name", "ada", "password", PASSWORD));
        assertEquals(403, otherOrigin.statusCode(), "a post from another site is refused");
        HttpResponse<String> signedIn = post(http, base, "/login", cookie, null, Map.of("_csrf", csrf, "name", "ada",
                "password", PASSWORD));
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        String renewed = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        String session = renewed.substring(0, renewed.indexOf(';'));
        assertNotEquals(cookie, session, "signing in gives a new session id");

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/partners")).header("Cookie", session)
                .build(), HttpResponse.BodyHandlers.ofString());
        String token = hidden(page.body());
        assertEquals(403, post(http, base, "/partners", session, null, Map.of("_csrf", "forged", "partnerId", "initech",
                "displayName", "Initech")).statusCode());
        assertEquals(401, post(http, base, "/partners", cookie, null, Map.of("_csrf", csrf, "partnerId", "initech",
                "displayName", "Initech")).statusCode(), "the session from before the sign-in is gone");
        assertFalse(app.admin().partnerExists("initech"), "nothing was changed");
        assertEquals(303, post(http, base, "/partners", session, null, Map.of("_csrf", token, "partnerId", "initech",
                "displayName", "Initech")).statusCode());
        assertTrue(app.admin().partnerExists("initech"));
    }

    private static HttpResponse<String> post(HttpClient http, URI base, String path, String cookie, String origin,
                                             Map<String, String> form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hidden(String page) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    private long activeTestKey() {
        return app.admin().signingKeys().stream().filter(k -> k.state() == SigningKeyInfo.State.ACTIVE
                && k.mode() == org.openpostage.api.value.Mode.TEST).findFirst().orElseThrow().keyId();
    }

    private void signIn(String name, String password) {
        type("name", name);
        type("password", password);
        click("sign-in");
    }

    private void go(String path) {
        driver.get(app.adminConsole().resolve(path).toString());
    }

    private void type(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    private void click(String id) {
        WebElement e = driver.findElement(By.id(id));
        WebElement page = driver.findElement(By.tagName("html"));
        e.click();
        // The buttons post a form: wait until the old page is gone (its readyState was "complete"
        // too), then for the new one. A click that stays on the page only costs the short wait.
        try {
            new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> gone(page));
        } catch (org.openqa.selenium.TimeoutException stayed) {
            // no navigation
        }
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> ((JavascriptExecutor) d)
                .executeScript("return document.readyState").equals("complete"));
    }

    /**
     * Whether {@code element}'s page has been replaced. ChromeDriver reports an element of a page
     * being torn down sometimes as stale and sometimes as "unknown error: ... Node with given id
     * does not belong to the document" (seen in a CI run): both mean the old page is gone.
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    private String text() {
        for (int attempt = 0; ; attempt++) {
            try {
                return driver.findElement(By.tagName("body")).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
