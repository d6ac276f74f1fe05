package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.error.PaymentPendingException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;

/** The client retries only retryable errors, always with the same idempotency key, and never charges twice. */
class GrpcRetryTest {
    private GrpcTestServer server;

    @BeforeEach
    void start() {
        server = GrpcTestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRetryableFailureIsRetriedWithTheSameKeyAndDebitsOnce() {
        server.service.failNext("purchase", 2, () -> new ServiceUnavailableException("database failover"));
        try (PostalClient client = server.client()) {
            Purchase purchase = client.purchase(Fixtures.oneLetter());

            assertEquals(1, purchase.indicia().size());
        }
        assertEquals(3, server.service.calls("purchase"));
        assertEquals(1, keysSeen().size(), "every attempt carries one key: " + keysSeen());
        assertEquals(1, server.service.ledger().debits());
    }

    @Test
    void aPendingPaymentIsRetriedUntilItsOutcomeIsKnown() {
        server.service.failNext("purchase", 1, () -> new PaymentPendingException("gateway timed out"));
        try (PostalClient client = server.client()) {
            client.purchase(Fixtures.purchase(1, Fixtures.card(), PrintOptions.dataOnly()));
        }
        assertEquals(2, server.service.calls("purchase"));
        assertEquals(1, keysSeen().size());
        assertEquals(1, server.service.ledger().debits());
    }

    @Test
    void aCallThatOutlivesItsTimeoutIsReplayedNotRepeatedWhenRetriedWithItsKey() {
        // requestTimeout bounds the whole call: the first attempt takes 800 ms of a 400 ms budget and
        // the call ends DEADLINE_EXCEEDED (retryable). The caller retries with the same key and gets
        // the first attempt's outcome, once it is known: REQUEST_IN_PROGRESS until then, then the replay.
        server.service.delayNext("purchase", Duration.ofMillis(800));
        try (PostalClient client = PostalClients.connect(server.config().requestTimeout(Duration.ofMillis(400))
                .retryPolicy(new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(400))).build())) {
            ServiceUnavailableException late = assertThrows(ServiceUnavailableException.class,
                    () -> client.purchase(Fixtures.oneLetter(), CallContext.withKey("order-slow-1")));
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, late.code());
            assertTrue(late.retryable());
        }
        try (PostalClient client = PostalClients.connect(server.config().requestTimeout(Duration.ofSeconds(5))
                .retryPolicy(new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(400))).build())) {
            Purchase purchase = client.purchase(Fixtures.oneLetter(), CallContext.withKey("order-slow-1"));
            assertEquals(server.service.lastResult(), purchase);
        }
        assertTrue(server.service.calls("purchase") >= 2, "retried");
        assertEquals(Set.of("order-slow-1"), keysSeen());
        assertEquals(1, server.service.ledger().debits(), "one debit however many attempts");
    }

    @Test
    void aFailureThatIsNotRetryableIsThrownAtOnce() {
        try (PostalClient client = server.client()) {
            PaymentDeclinedException e = assertThrows(PaymentDeclinedException.class, () -> client.purchase(
                    Fixtures.purchase(1, Fixtures.declinedCard(), PrintOptions.dataOnly())));
            assertEquals(ErrorCode.PAYMENT_DECLINED, e.code());
        }
        assertEquals(1, server.service.calls("purchase"));
        assertEquals(0, server.service.ledger().debits());
    }

    @Test
    void retriesStopAtMaxAttempts() {
        server.service.failNext("purchase", 10, () -> new ServiceUnavailableException("down"));
        try (PostalClient client = PostalClients.connect(server.config()
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20))).build())) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> client.purchase(Fixtures.oneLetter()));
            assertEquals("down", e.getMessage());
        }
        assertEquals(3, server.service.calls("purchase"));
        assertEquals(0, server.service.ledger().debits());
    }

    @Test
    void retriesStopAtTheContextsDeadline() {
        server.service.failNext("quote", 1000, () -> new ServiceUnavailableException("down"));
        try (PostalClient client = PostalClients.connect(server.config()
                .retryPolicy(new RetryPolicy(10, Duration.ofMillis(400), Duration.ofMillis(400))).build())) {
            // Ten attempts with pauses of up to 400 ms need far more than 500 ms, so the deadline,
            // not the policy, ends them; the margin allows for a loaded machine, not more retries.
            Instant deadline = Instant.now().plusMillis(500);
            assertThrows(ServiceUnavailableException.class,
                    () -> client.quote(Fixtures.quote(Fixtures.letter()), CallContext.empty().withDeadline(deadline)));
            assertTrue(Instant.now().isBefore(deadline.plusMillis(1500)), "gave up by the deadline");
        }
        assertTrue(server.service.calls("quote") < 10, "fewer attempts than the policy allows");
    }

    @Test
    void readOnlyCallsAreRetriedWithoutAKey() {
        server.service.failNext("quote", 1, () -> new ServiceUnavailableException("restarting"));
        try (PostalClient client = server.client()) {
            client.quote(Fixtures.quote(Fixtures.letter()));
        }
        assertEquals(2, server.service.calls("quote"));
        assertNull(server.service.lastContext().idempotencyKey());
    }

    @Test
    void aClosedClientFailsWithoutCalling() {
        PostalClient client = server.client();
        client.close();
        assertThrows(ConfigurationException.class, () -> client.quote(Fixtures.quote(Fixtures.letter())));
        assertEquals(0, server.service.calls("quote"));
    }

    private Set<String> keysSeen() {
        List<CallContext> contexts = server.service.contexts();
        return contexts.stream().map(CallContext::idempotencyKey).collect(Collectors.toSet());
    }
}
