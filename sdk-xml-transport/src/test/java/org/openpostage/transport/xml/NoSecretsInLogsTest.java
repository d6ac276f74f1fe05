package org.openpostage.transport.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openpostage.transport.xml.testing.FailingService;
import org.openpostage.transport.xml.testing.InMemoryPostalService;
import org.openpostage.transport.xml.testing.Samples;
import org.openpostage.transport.xml.testing.TestAuthenticator;

/**
 * With OpenPostage logging at DEBUG (see simplelogger.properties), card purchases, refused cards and
 * failures leave no card number, CVV or API key in the log.
 */
class NoSecretsInLogsTest {
    private static final String PAN = "5555555555554444";
    private static final String CVV = "8642";

    private static XmlRequest purchase(String requestId, String card) {
        byte[] body = Samples.purchaseXml("73").replace("<account/>", "<card><number>" + card + "</number>"
                + "<expiry>2031-12</expiry><cvv>" + CVV + "</cvv><holderName>Grace Hopper</holderName></card>")
                .getBytes(StandardCharsets.UTF_8);
        return XmlRequest.builder("POST", "/v1/purchases").header("X-Api-Key", TestAuthenticator.LIVE_KEY)
                .header("Idempotency-Key", UUID.randomUUID().toString()).header("X-Request-Id", requestId)
                .header("Content-Type", "application/xml").body(new ByteArrayInputStream(body), body.length).build();
    }

    @Test
    void cardDataAndKeysNeverReachTheLog() throws IOException {
        String run = "secrets-" + UUID.randomUUID();
        XmlServerBinding binding = XmlServerBinding.builder(new InMemoryPostalService(), new TestAuthenticator()).build();
        assertEquals(200, binding.handle(purchase(run + "-ok", PAN)).status());
        assertEquals(400, binding.handle(purchase(run + "-luhn", "5555555555554445")).status());
        assertEquals(400, binding.handle(purchase(run + "-pattern", "5555-5555-5555-444x")).status());
        assertEquals(402, binding.handle(purchase(run + "-declined", InMemoryPostalService.DECLINED_CARD)).status());
        XmlServerBinding failing = XmlServerBinding.builder(new FailingService(r -> new IllegalStateException(
                "database unavailable for " + ((org.openpostage.api.model.PurchaseRequest) r).payment())),
                new TestAuthenticator()).build();
        assertEquals(500, failing.handle(purchase(run + "-boom", PAN)).status());

        String log = Files.readString(Path.of("target", "openpostage-test.log"));
        assertTrue(log.contains(run + "-ok") && log.contains(run + "-boom"), "logging was on for this test");
        assertTrue(log.contains("database unavailable"), "the failure was logged with its cause");
        assertFalse(log.contains(PAN) || log.contains("5555555555554445") || log.contains("444x"), "no card number");
        // As a value of its own: request ids are random hex and may hold the same four digits.
        assertFalse(java.util.regex.Pattern.compile("(?<![0-9A-Za-z_-])" + CVV + "(?![0-9A-Za-z_-])").matcher(log).find(),
                "no CVV");
        assertFalse(log.contains(TestAuthenticator.LIVE_KEY), "no API key");
        assertTrue(log.contains("ending 4444"), "the card appears as brand and last four only");
    }
}
