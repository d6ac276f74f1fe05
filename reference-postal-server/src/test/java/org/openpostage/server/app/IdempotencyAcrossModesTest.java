package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalClient;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.VerificationKey;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/**
 * A partner's test and live API keys never share an idempotency outcome, over both transports:
 * the same idempotency key and request sent with the live key after the test key buys live
 * postage (not the test purchase, a SPECIMEN), and the other way round. Found by testing from
 * outside (issue 11): before keys were scoped by mode, each second call replayed the first.
 */
class IdempotencyAcrossModesTest {
    private static final QuoteRequest QUOTE = QuoteRequest.of(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
            PostalCode.of("94107")));

    @TempDir
    Path dir;

    @Test
    void testAndLiveKeysOfOnePartnerNeverShareAnOutcome() {
        try (PostalServerApp app = TestApps.start(dir)) {
            TestApps.Partner p = TestApps.partner(app.core(), "modes", 100_000);
            for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                try (PostalClient test = TestApps.client(app, endpoint, p.testKey());
                     PostalClient live = TestApps.client(app, endpoint, p.liveKey())) {
                    PurchaseRequest request = PurchaseRequest.of(List.of(PurchaseItem.of(test.quote(QUOTE))),
                            PaymentMethod.account());
                    String testFirst = "order-test-first-" + endpoint.getScheme();
                    Purchase t1 = test.purchase(request, CallContext.withKey(testFirst));
                    Purchase l1 = live.purchase(request, CallContext.withKey(testFirst));
                    assertNotEquals(t1.purchaseId(), l1.purchaseId(), endpoint + ": the live key's own purchase");
                    assertLive(l1, endpoint);
                    assertTest(t1, endpoint);

                    String liveFirst = "order-live-first-" + endpoint.getScheme();
                    Purchase l2 = live.purchase(request, CallContext.withKey(liveFirst));
                    Purchase t2 = test.purchase(request, CallContext.withKey(liveFirst));
                    assertNotEquals(l2.purchaseId(), t2.purchaseId(), endpoint.toString());
                    assertTest(t2, endpoint);
                    assertLive(l2, endpoint);

                    // Within one mode the key still replays.
                    assertEquals(l2, live.purchase(request, CallContext.withKey(liveFirst)), endpoint.toString());
                    assertEquals(t2, test.purchase(request, CallContext.withKey(liveFirst)), endpoint.toString());
                }
            }
        }
    }

    private static void assertLive(Purchase p, URI endpoint) {
        IndiciumData d = p.indicia().get(0).decode().data();
        assertFalse(d.testMode(), endpoint + ": a live key gets live postage");
        assertTrue(d.keyId() < VerificationKey.FIRST_TEST_KEY_ID, endpoint + ": signed with a live key");
    }

    private static void assertTest(Purchase p, URI endpoint) {
        IndiciumData d = p.indicia().get(0).decode().data();
        assertTrue(d.testMode(), endpoint + ": a test key gets test postage");
        assertTrue(d.keyId() >= VerificationKey.FIRST_TEST_KEY_ID, endpoint + ": signed with a test key");
    }
}
