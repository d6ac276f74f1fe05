package org.openpostage.transport.grpc.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.spi.Attempt;
import org.openpostage.api.spi.AttemptFailure;

/** How the gRPC client reads a failed attempt whose status carries no answer of the server. */
class AttemptFailureTest {
    private final Attempt<PurchaseRequest, Purchase> purchase = new Attempt<>(PostalOperation.PURCHASE, null,
            CallContext.withKey("order-1").withTimeout(Duration.ofSeconds(30)).withRequestId("req-1"), 1);

    /**
     * gRPC reports a connection that closed under a call as UNKNOWN "channel closed" (Netty's
     * ClosedChannelException without a cause), not UNAVAILABLE. Seen once in ClusterFailoverTest
     * when a node was killed behind HAProxy: the client gave up with INTERNAL, which is final, on
     * a purchase that its idempotency key lets it retry.
     */
    @Test
    void aConnectionClosedUnderTheCallIsAnUnknownOutcomeThatMayBeRetried() {
        Status closed = Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException());
        AttemptFailure failure = GrpcTransport.failure(closed, new Metadata(), purchase);
        assertEquals(AttemptFailure.Delivery.UNKNOWN, failure.delivery());
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, failure.error().code());
        assertTrue(failure.retryable(PostalOperation.PURCHASE.kind()), "a purchase under its key may be retried");
        assertTrue(failure.error().getMessage().contains("channel closed"), failure.error().getMessage());
    }

    @Test
    void anUnknownStatusWithoutABrokenConnectionStaysInternal() {
        AttemptFailure failure = GrpcTransport.failure(Status.UNKNOWN.withDescription("from a proxy"), new Metadata(),
                purchase);
        assertEquals(AttemptFailure.Delivery.ANSWERED, failure.delivery());
        assertEquals(ErrorCode.INTERNAL, failure.error().code());
    }
}
