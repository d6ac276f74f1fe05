package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.PostalService;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PostageException;
import org.openpostage.transport.xml.testing.FailingService;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;
import org.openpostage.transport.xml.testing.Xsd;

/** The binding without a network: routing, headers, status codes and error bodies. */
class XmlServerBindingTest {
    private static final Instant NOW = Instant.parse("2026-07-01T10:00:00Z");
    private final InMemoryPostalService service = new InMemoryPostalService(Clock.fixed(NOW, ZoneOffset.UTC));
    private final XmlServerBinding binding = XmlServerBinding.builder(service, new TestAuthenticator())
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    private static XmlRequest.Builder post(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return XmlRequest.builder("POST", path).header("X-Api-Key", TestAuthenticator.LIVE_KEY)
                .header("Content-Type", "application/xml").body(new ByteArrayInputStream(bytes), bytes.length);
    }

    private static XmlRequest.Builder get(String path) {
        return XmlRequest.builder("GET", path).header("X-Api-Key", TestAuthenticator.LIVE_KEY);
    }

    private static String text(XmlResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Asserts an error response: status, code in the body, a valid document, the request id echoed. */
    private static String assertError(XmlResponse r, int status, ErrorCode code) {
        String body = text(r);
        assertEquals(status, r.status(), body);
        assertTrue(body.contains("<code>" + code.name() + "</code>"), body);
        assertTrue(body.contains("<retryable>" + code.retryable() + "</retryable>"), body);
        assertTrue(body.contains("<requestId>" + r.header("X-Request-Id") + "</requestId>"), body);
        assertEquals("application/xml; charset=UTF-8", r.header("Content-Type"));
        Xsd.assertValid(r.body(), "error " + status);
        return body;
    }

    @Test
    void routesEveryOperation() {
        assertEquals(List.of(
                        new XmlServerBinding.Route("POST", "/v1/quote"),
                        new XmlServerBinding.Route("POST", "/v1/purchases"),
                        new XmlServerBinding.Route("POST", "/v1/purchase-batches"),
                        new XmlServerBinding.Route("POST", "/v1/refunds"),
                        new XmlServerBinding.Route("GET", "/v1/account"),
                        new XmlServerBinding.Route("GET", "/v1/backgrounds"),
                        new XmlServerBinding.Route("GET", "/v1/verification-keys"),
                        new XmlServerBinding.Route("GET", "/v1/print-component"),
                        new XmlServerBinding.Route("POST", "/v1/verify"),
                        new XmlServerBinding.Route("POST", "/v1/purchase-lookup"),
                        new XmlServerBinding.Route("POST", "/v1/purchase-list"),
                        new XmlServerBinding.Route("POST", "/v1/journal-export")),
                binding.routes());
    }

    @Test
    void answersAQuoteWithHeaders() {
        XmlResponse r = binding.handle(post("/v1/quote", Samples.quoteXml()).header("X-Request-Id", "portal-req-1").build());
        assertEquals(200, r.status(), text(r));
        assertEquals("portal-req-1", r.header("X-Request-Id"));
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertTrue(text(r).contains("<price currency=\"USD\">73</price>"), text(r));
        Xsd.assertValid(r.body(), "rateQuote");
        assertEquals("portal-req-1", service.lastContext().requestId());
        assertEquals(NOW.plus(XmlServerBinding.DEFAULT_TIMEOUT), service.lastContext().deadline(),
                "a call without a timeout header gets the default deadline");
    }

    @Test
    void generatesARequestIdWhenNoneOrAnInvalidOneIsSent() {
        XmlResponse r = binding.handle(get("/v1/account").build());
        assertEquals(200, r.status());
        assertNotNull(r.header("X-Request-Id"));
        assertEquals(r.header("X-Request-Id"), service.lastContext().requestId());
        // as docs/protocol/xml.md says: an invalid id is replaced, and the call proceeds
        XmlResponse bad = binding.handle(get("/v1/account").header("X-Request-Id", "has space").build());
        assertEquals(200, bad.status());
        assertNotEquals("has space", bad.header("X-Request-Id"));
        assertEquals(bad.header("X-Request-Id"), service.lastContext().requestId());
    }

    @Test
    void defaultDeadlineCanBeSwitchedOff() {
        XmlServerBinding none = XmlServerBinding.builder(service, new TestAuthenticator()).defaultTimeout(null).build();
        none.handle(get("/v1/account").build());
        assertNull(service.lastContext().deadline());
    }

    @Test
    void turnsTheTimeoutHeaderIntoTheDeadline() {
        binding.handle(get("/v1/account").header("X-Request-Timeout-Ms", "2500").build());
        assertEquals(NOW.plus(Duration.ofMillis(2500)), service.lastContext().deadline());
        for (String bad : List.of("0", "-5", "soon", "86400001")) {
            String body = assertError(binding.handle(get("/v1/account").header("X-Request-Timeout-Ms", bad).build()),
                    400, ErrorCode.INVALID_REQUEST);
            assertTrue(body.contains("X-Request-Timeout-Ms"), body);
        }
    }

    @Test
    void passesTheIdempotencyKeyAndRequiresItForPurchases() {
        XmlResponse ok = binding.handle(post("/v1/purchases", Samples.purchaseXml("73"))
                .header("Idempotency-Key", "order-1").build());
        assertEquals(200, ok.status(), text(ok));
        assertEquals("order-1", service.lastContext().idempotencyKey());
        String body = assertError(binding.handle(post("/v1/purchases", Samples.purchaseXml("73")).build()),
                400, ErrorCode.INVALID_REQUEST);
        assertTrue(body.contains("Idempotency-Key header is required"), body);
        assertEquals(1, service.debits());
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        String body = assertError(binding.handle(get("/v1/stamps").build()), 404, ErrorCode.NOT_FOUND);
        assertTrue(body.contains("POST /v1/quote"), "lists the operations: " + body);
        XmlResponse r = binding.handle(get("/v1/quote").build());
        assertError(r, 405, ErrorCode.INVALID_REQUEST);
        assertEquals("POST", r.header("Allow"));
        assertEquals("GET", binding.handle(XmlRequest.builder("DELETE", "/v1/account").build()).header("Allow"));
        assertEquals(0, service.calls());
    }

    @Test
    void checksContentTypeAndAccept() {
        XmlRequest json = XmlRequest.builder("POST", "/v1/quote").header("X-Api-Key", TestAuthenticator.LIVE_KEY)
                .header("Content-Type", "application/json").body(new ByteArrayInputStream("{}".getBytes()), 2).build();
        assertError(binding.handle(json), 415, ErrorCode.INVALID_REQUEST);
        XmlRequest none = XmlRequest.builder("POST", "/v1/quote").header("X-Api-Key", TestAuthenticator.LIVE_KEY)
                .body(new ByteArrayInputStream(Samples.quoteXml().getBytes()), -1).build();
        assertError(binding.handle(none), 415, ErrorCode.INVALID_REQUEST);
        assertError(binding.handle(withContentType("x")), 415, ErrorCode.INVALID_REQUEST);
        assertError(binding.handle(withContentType("application/xml; charset=iso-8859-1")), 415,
                ErrorCode.INVALID_REQUEST);
        assertEquals(200, binding.handle(post("/v1/quote", Samples.quoteXml()).build()).status());
        assertEquals(200, binding.handle(XmlRequest.builder("POST", "/v1/quote")
                .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Content-Type", "text/xml; charset=\"UTF-8\"")
                .body(new ByteArrayInputStream(Samples.quoteXml().getBytes()), -1).build()).status());
        assertError(binding.handle(get("/v1/account").header("Accept", "application/json").build()), 406,
                ErrorCode.INVALID_REQUEST);
        assertError(binding.handle(get("/v1/account").header("Accept", "application/xml;q=0, application/json").build()),
                406, ErrorCode.INVALID_REQUEST);
        assertEquals(200, binding.handle(get("/v1/account").header("Accept", "text/html, */*;q=0.1").build()).status());
    }

    private static XmlRequest withContentType(String type) {
        byte[] bytes = Samples.quoteXml().getBytes(StandardCharsets.UTF_8);
        return XmlRequest.builder("POST", "/v1/quote").header("X-Api-Key", TestAuthenticator.LIVE_KEY)
                .headers(Map.of("Content-Type", type)).body(new ByteArrayInputStream(bytes), bytes.length).build();
    }

    @Test
    void refusesRepeatedSingleValuedHeaders() {
        String body = assertError(binding.handle(get("/v1/account").header("X-Api-Key", TestAuthenticator.TEST_KEY)
                .build()), 400, ErrorCode.INVALID_REQUEST);
        assertTrue(body.contains("X-Api-Key appears 2 times"), body);
        assertError(binding.handle(post("/v1/purchases", Samples.purchaseXml("73")).header("Idempotency-Key", "a")
                .header("Idempotency-Key", "b").build()), 400, ErrorCode.INVALID_REQUEST);
        assertError(binding.handle(post("/v1/quote", Samples.quoteXml()).header("Content-Type", "text/xml").build()),
                400, ErrorCode.INVALID_REQUEST);
        assertEquals(0, service.calls());
    }

    @Test
    void oversizeBodyIs413ByDeclaredLengthWithoutReadingIt() {
        XmlServerBinding small = XmlServerBinding.builder(service, new TestAuthenticator())
                .limits(XmlLimits.REQUESTS.withMaxBodyBytes(1000)).build();
        AtomicInteger read = new AtomicInteger();
        InputStream counting = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }
        };
        XmlResponse r = small.handle(XmlRequest.builder("POST", "/v1/quote").header("X-Api-Key", TestAuthenticator.LIVE_KEY)
                .header("Content-Type", "application/xml").body(counting, 5000).build());
        assertError(r, 413, ErrorCode.INVALID_REQUEST);
        assertEquals("close", r.header("Connection"));
        assertEquals(0, read.get(), "not a byte was read");
        // Without Content-Length (chunked) the bytes are counted and reading stops right after the limit.
        XmlResponse chunked = small.handle(XmlRequest.builder("POST", "/v1/quote")
                .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Content-Type", "application/xml")
                .body(new InputStream() {
                    @Override
                    public int read() {
                        return read.incrementAndGet() < 1_000_000 ? 'x' : -1;
                    }
                }, -1).build());
        assertError(chunked, 413, ErrorCode.INVALID_REQUEST);
        assertTrue(read.get() < 1000 + 8192 * 2, "stopped reading after the limit: " + read.get());
        assertEquals(0, service.calls());
    }

    @Test
    void authenticatesBeforeReadingTheBody() {
        XmlRequest noKey = XmlRequest.builder("POST", "/v1/quote").header("Content-Type", "application/xml")
                .body(new ByteArrayInputStream("<!DOCTYPE x>".getBytes()), 12).build();
        XmlResponse r = binding.handle(noKey);
        assertError(r, 401, ErrorCode.UNAUTHENTICATED);
        assertTrue(r.header("WWW-Authenticate").contains("X-Api-Key"));
        assertError(binding.handle(XmlRequest.builder("GET", "/v1/account").header("X-Api-Key", "wrong").build()), 401,
                ErrorCode.UNAUTHENTICATED);
        assertEquals(0, service.calls());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void mapsEveryErrorCodeToItsStatus(ErrorCode code) {
        XmlServerBinding failing = XmlServerBinding.builder(FailingService.always(code.toException("it failed: " + code, null)),
                new TestAuthenticator()).build();
        XmlResponse r = failing.handle(get("/v1/account").build());
        int expected = switch (code) {
            case INVALID_REQUEST, MALFORMED_INDICIUM -> 400;
            case UNAUTHENTICATED -> 401;
            case PAYMENT_DECLINED, INSUFFICIENT_FUNDS -> 402;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case PRICE_CHANGED, REFUND_NOT_ALLOWED, REQUEST_IN_PROGRESS, PAYMENT_PENDING -> 409;
            case IDEMPOTENCY_KEY_REUSED -> 422;
            case RATE_LIMITED -> 429;
            case SERVICE_UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case INVALID_CONFIGURATION, INTERNAL -> 500;
        };
        boolean hidden = code == ErrorCode.INTERNAL || code == ErrorCode.INVALID_CONFIGURATION;
        String body = assertError(r, expected, hidden ? ErrorCode.INTERNAL : code);
        assertEquals(!hidden, body.contains("it failed: " + code), "server-side failures are not described: " + body);
    }

    @Test
    void unexpectedExceptionsBecome500WithoutDetails() {
        PostalService broken = FailingService.always(new IllegalStateException("connection pool exhausted at db-7:5432"));
        XmlResponse r = XmlServerBinding.builder(broken, new TestAuthenticator()).build()
                .handle(get("/v1/account").header("X-Request-Id", "req-500").build());
        String body = assertError(r, 500, ErrorCode.INTERNAL);
        assertFalse(body.contains("db-7") || body.contains("IllegalState") || body.contains("at org."), body);
        assertTrue(body.contains("req-500") && body.contains("log"), body);
        XmlResponse authBroken = XmlServerBinding.builder(service, c -> {
            throw new NullPointerException("secret");
        }).build().handle(get("/v1/account").build());
        assertFalse(text(authBroken).contains("secret"));
        assertEquals(500, authBroken.status());
    }

    @Test
    void expiredDeadlineIs504BeforeTheServiceRuns() {
        XmlServerBinding late = XmlServerBinding.builder(service, new TestAuthenticator())
                .clock(new Clock() {
                    private Instant now = NOW;

                    @Override
                    public ZoneOffset getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        Instant t = now;
                        now = now.plusSeconds(1); // every look at the clock is a second later
                        return t;
                    }
                }).build();
        assertError(late.handle(get("/v1/account").header("X-Request-Timeout-Ms", "10").build()), 504,
                ErrorCode.DEADLINE_EXCEEDED);
        assertEquals(0, service.calls());
    }

    @Test
    void servesBelowABasePath() {
        XmlServerBinding prefixed = XmlServerBinding.builder(service, new TestAuthenticator()).basePath("/postage/").build();
        assertEquals("/postage/v1/quote", prefixed.routes().get(0).path());
        assertEquals(200, prefixed.handle(get("/postage/v1/account").build()).status());
        assertEquals(404, prefixed.handle(get("/v1/account").build()).status());
    }

    @Test
    void errorMessagesNeverCarryTheCardNumber() {
        String card = "4111 1111 1111 111x";
        String xml = Samples.purchaseXml("73").replace("<account/>", "<card><number>" + card
                + "</number><expiry>2030-01</expiry><cvv>123</cvv></card>");
        String body = assertError(binding.handle(post("/v1/purchases", xml).header("Idempotency-Key", "k").build()), 400,
                ErrorCode.INVALID_REQUEST);
        assertFalse(withoutRequestId(body).contains("1111"), body);
        assertTrue(body.contains("purchaseRequest/payment/card/number"), body);
        String luhn = Samples.purchaseXml("73").replace("<account/>",
                "<card><number>4111111111111112</number><expiry>2030-01</expiry><cvv>987</cvv></card>");
        body = assertError(binding.handle(post("/v1/purchases", luhn).header("Idempotency-Key", "k2").build()), 400,
                ErrorCode.INVALID_REQUEST);
        assertTrue(body.contains("Luhn") && !body.contains("4111111111111112")
                && !withoutRequestId(body).contains("987"), body);
        assertEquals(0, service.debits());
    }

    /** The answer without its random request id, which may hold any run of hex digits (a CVV's "987", say). */
    private static String withoutRequestId(String body) {
        return body.replaceAll("<requestId>[^<]*</requestId>", "");
    }

    @Test
    void postageExceptionsFromTheAuthenticatorKeepTheirStatus() {
        XmlServerBinding limited = XmlServerBinding.builder(service, c -> {
            throw new org.openpostage.api.error.RateLimitedException("slow down");
        }).build();
        assertError(limited.handle(get("/v1/account").build()), 429, ErrorCode.RATE_LIMITED);
        assertTrue(PostageException.class.isAssignableFrom(org.openpostage.api.error.RateLimitedException.class));
    }
    @Test
    void aServicesFieldPositionIsAnsweredAsA1BasedDocumentPosition() {
        XmlServerBinding failing = XmlServerBinding.builder(FailingService.always(new org.openpostage.api.error
                .InvalidRequestException("items[0].dateOfMailing 2020-01-01 is in the past (today is 2026-07-01)")),
                new TestAuthenticator()).build();
        String body = assertError(failing.handle(post("/v1/purchases", Samples.purchaseXml("73"))
                .header("Idempotency-Key", "order-1").build()), 400, ErrorCode.INVALID_REQUEST);
        assertTrue(body.contains("<message>purchaseRequest/items/item[1]/dateOfMailing 2020-01-01 is in the past"),
                body);
        XmlServerBinding priced = XmlServerBinding.builder(FailingService.always(new org.openpostage.api.error
                .PriceChangedException("items[1].price USD 0.73 is no longer current", null)),
                new TestAuthenticator()).build();
        body = assertError(priced.handle(post("/v1/purchases", Samples.purchaseXml("73"))
                .header("Idempotency-Key", "order-2").build()), 409, ErrorCode.PRICE_CHANGED);
        assertTrue(body.contains("<message>purchaseRequest/items/item[2]/price USD 0.73"), body);
        assertEquals("purchaseRequest/items/item[3]: rate table 2026-07 prices in EUR",
                XmlServerBinding.documentPath(org.openpostage.transport.xml.internal.Operation.PURCHASE,
                        "items[2]: rate table 2026-07 prices in EUR"));
        assertEquals("batchPurchaseRequest/entries/entry[1]/request/items/item[2]/price is required",
                XmlServerBinding.documentPath(org.openpostage.transport.xml.internal.Operation.PURCHASE_BATCH,
                        "entries[0].request.items[1].price is required"));
        assertEquals("the card was declined", XmlServerBinding.documentPath(
                org.openpostage.transport.xml.internal.Operation.PURCHASE, "the card was declined"));
    }

    @Test
    void aStalledBodyIsAnsweredWithoutTheServersExceptionNames() {
        java.io.InputStream stalled = new java.io.InputStream() {
            private int sent;

            @Override
            public int read() throws java.io.IOException {
                if (sent++ < 10) {
                    return '<';
                }
                throw new java.io.IOException(new java.util.concurrent.TimeoutException(
                        "Idle timeout expired: 30000/30000 ms"));
            }
        };
        XmlResponse r = binding.handle(XmlRequest.builder("POST", "/v1/quote")
                .header("X-Api-Key", TestAuthenticator.LIVE_KEY).header("Content-Type", "application/xml")
                .body(stalled, 400).build());
        String body = assertError(r, 408, ErrorCode.INVALID_REQUEST);
        assertTrue(body.contains("stopped arriving after 10 bytes of 400"), body);
        assertFalse(body.contains("Exception") || body.contains("java."), body);
    }
}
