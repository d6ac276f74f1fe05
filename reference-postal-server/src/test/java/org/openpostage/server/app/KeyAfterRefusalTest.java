package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.IdempotencyConflictException;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PriceChangedException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.server.SimulatedCardGateway;

/**
 * The documented rule for an idempotency key after a refusal (docs/protocol/xml.md, Idempotency):
 * a request refused before anything was charged (a stale price, an invalid field) leaves the key
 * unused, so the portal corrects the request and sends it again under the same key, its order id;
 * once the call went as far as the payment (a declined card), its outcome belongs to the key, and
 * a different body under it is IDEMPOTENCY_KEY_REUSED. Over both transports.
 */
class KeyAfterRefusalTest {
    @TempDir
    Path dir;

    private static final MailPiece LETTER = MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"))
            .withDestination(PostalCode.of("10001"));

    @Test
    void aStalePriceLeavesTheKeyFreeButADeclinedCardDoesNot() {
        try (PostalServerApp app = TestApps.start(dir.resolve("data"))) {
            String key = TestApps.partner(app.core(), "partner-k", 100_000).testKey();
            for (String endpoint : List.of(app.xmlEndpoint().toString(), app.grpcEndpoint().toString())) {
                try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint).apiKey(key)
                        .tls(TlsSettings.builder().trustCertificates(app.caCertificate()).build()).build())) {
                    LocalDate day = LocalDate.now(ZoneOffset.UTC);
                    RateQuote quote = client.quote(new QuoteRequest(LETTER, day));
                    Money stale = Money.of(quote.price().minorUnits() - 1, "USD");
                    String order = "order-" + endpoint.substring(0, 4);
                    assertThrows(PriceChangedException.class, () -> client.purchase(PurchaseRequest.of(
                            List.of(new PurchaseItem(LETTER, stale, day)), PaymentMethod.account()),
                            CallContext.withKey(order)));
                    PurchaseRequest corrected = PurchaseRequest.of(List.of(PurchaseItem.of(quote)), PaymentMethod.account());
                    Purchase bought = client.purchase(corrected, CallContext.withKey(order));
                    assertEquals(bought, client.purchase(corrected, CallContext.withKey(order)), "then replayed");

                    CardPayment declined = new CardPayment(SimulatedCardGateway.DECLINED,
                            YearMonth.now(ZoneOffset.UTC).plusYears(2), "123", null);
                    String card = "card-" + endpoint.substring(0, 4);
                    assertThrows(PaymentDeclinedException.class, () -> client.purchase(
                            PurchaseRequest.of(List.of(PurchaseItem.of(quote)), declined), CallContext.withKey(card)));
                    assertThrows(IdempotencyConflictException.class, () -> client.purchase(corrected,
                            CallContext.withKey(card)), "the declined payment's outcome belongs to the key");
                }
            }
        }
    }
}
