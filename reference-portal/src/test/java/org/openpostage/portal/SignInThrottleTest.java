package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Failed sign-ins at the HTTP level, on a portal with a database of its own (so the shared
 * portals' users stay unlocked): five for one name lock it, the right password included, with a
 * 429 that reads the same whether or not the user exists; a success forgets a name's failures;
 * twenty from one address lock the address; the locks outlive a restart; and guesses sent at once
 * are counted one after the other, so only as many as the limit have their password checked.
 */
class SignInThrottleTest {
    private static final Pattern FLASH = Pattern.compile("<p class=\"flash error\" role=\"alert\">([^<]*)</p>");
    private static final String WRONG = "The user name or password is not right. Please try again.";

    private final World world = World.get();

    @Test
    void repeatedFailuresLockANameAndThenTheAddressAcrossARestart() throws Exception {
        Path data = Files.createTempDirectory(world.dir, "throttle");
        String locked;
        try (PortalApp portal = start(data)) {
            Web web = new Web(portal.url());
            for (int round = 0; round < 2; round++) { // a success in between forgets the failures: no lock after 8
                for (int i = 0; i < 4; i++) {
                    assertRefused(401, WRONG, signIn(web, "bob", "guess-" + i));
                }
                assertEquals(303, signIn(web, "bob", "bob-postage").statusCode(), "bob is not locked");
                web = new Web(portal.url());
            }

            for (int i = 0; i < 5; i++) {
                assertRefused(401, WRONG, signIn(web, "alice", "guess-" + i));
            }
            HttpResponse<String> right = signIn(web, "alice", "alice-postage");
            locked = message(right);
            assertRefused(429, locked, right);
            assertTrue(locked.startsWith("Too many failed sign-ins."), locked);
            assertTrue(locked.contains("paused for 15 more minutes"), locked);
            long retryAfter = Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 800 && retryAfter <= 900, "Retry-After " + retryAfter);

            for (int i = 0; i < 5; i++) { // the same for a name no one has: the lock tells nothing
                assertRefused(401, WRONG, signIn(web, "nobody-here", "guess-" + i));
            }
            assertRefused(429, locked, signIn(web, "nobody-here", "guess-5"));

            // 8 + 5 + 5 failures from this address so far; two more lock the address for everyone
            assertRefused(401, WRONG, signIn(web, "carol", "guess-0"));
            assertEquals(303, signIn(new Web(portal.url()), "bob", "bob-postage").statusCode(), "19 failures: still open");
            assertRefused(401, WRONG, signIn(web, "carol", "guess-1"));
            assertRefused(429, locked, signIn(web, "bob", "bob-postage"));
        }
        try (PortalApp restarted = start(data)) {
            Web web = new Web(restarted.url());
            HttpResponse<String> alice = signIn(web, "alice", "alice-postage");
            assertEquals(429, alice.statusCode(), "the lock is in the database, not in memory");
            assertTrue(message(alice).startsWith("Too many failed sign-ins."), alice.body());
        }
    }

    @Test
    void failuresCountPerNameWhenAddressesAreNotCounted() throws Exception {
        try (PortalApp portal = world.extraPortal("paper-shop", "No Address Limit", world.server.xmlEndpoint(),
                Files.createTempDirectory(world.dir, "throttle"), Map.of("portal.sign-in-address-limit", "0",
                        "portal.sign-in-limit", "2", "portal.sign-in-lock", "PT1M"))) {
            Web web = new Web(portal.url());
            for (int i = 0; i < 10; i++) { // ten names, one failure each: no lock
                assertRefused(401, WRONG, signIn(web, "someone-" + i, "guess"));
            }
            assertRefused(401, WRONG, signIn(web, "alice", "guess-0"));
            assertRefused(401, WRONG, signIn(web, "alice", "guess-1"));
            HttpResponse<String> locked = signIn(web, "alice", "alice-postage");
            assertRefused(429, message(locked), locked);
            assertTrue(message(locked).contains("paused for 1 more minute;"), locked.body());
            assertEquals(303, signIn(web, "bob", "bob-postage").statusCode());
        }
    }

    @Test
    void parallelGuessesAreCountedBeforeTheirPasswordsSoOnlyTheLimitIsChecked() throws Exception {
        try (PortalApp portal = start(Files.createTempDirectory(world.dir, "throttle"))) {
            int guesses = 20;
            List<Web> clients = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < guesses; i++) { // each its own session, as a guesser's parallel connections
                Web web = new Web(portal.url());
                tokens.add(web.hidden(web.get("/login").body(), "_csrf"));
                clients.add(web);
            }
            ExecutorService pool = Executors.newFixedThreadPool(guesses);
            List<HttpResponse<String>> answers = new ArrayList<>();
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < guesses; i++) {
                    Web web = clients.get(i);
                    String csrf = tokens.get(i);
                    String guess = "guess-" + i;
                    sent.add(pool.submit(() -> {
                        go.await();
                        return web.post("/login", Map.of("_csrf", csrf, "username", "alice", "password", guess));
                    }));
                }
                go.countDown();
                for (Future<HttpResponse<String>> f : sent) {
                    answers.add(f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            Map<Integer, Long> statuses = answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode,
                    TreeMap::new, Collectors.counting()));
            assertEquals(Map.of(401, 5L, 429, 15L), statuses, "five guesses checked, fifteen refused, none failed");
            answers.stream().filter(r -> r.statusCode() == 429).forEach(r -> assertTrue(
                    message(r).startsWith("Too many failed sign-ins."), r.body()));
            assertEquals(429, signIn(new Web(portal.url()), "alice", "alice-postage").statusCode(), "alice is locked");
            assertEquals(303, signIn(new Web(portal.url()), "bob", "bob-postage").statusCode(),
                    "the address counted the five checked guesses only");
        }
    }

    private PortalApp start(Path data) {
        return world.extraPortal("paper-shop", "Throttle Shop", world.server.xmlEndpoint(), data, Map.of());
    }

    /** Posts the sign-in form with a fresh CSRF token. */
    private static HttpResponse<String> signIn(Web web, String user, String password) throws Exception {
        String csrf = web.hidden(web.get("/login").body(), "_csrf");
        return web.post("/login", Map.of("_csrf", csrf, "username", user, "password", password));
    }

    private static void assertRefused(int status, String message, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(message, message(r));
    }

    private static String message(HttpResponse<String> r) {
        Matcher m = FLASH.matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }
}
