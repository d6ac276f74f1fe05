package org.openpostage.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openpostage.api.CallContext;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.NotFoundException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.spi.Attempt;
import org.openpostage.api.spi.AttemptFailure;
import org.openpostage.api.spi.ClientTransport;
import org.openpostage.api.spi.PipelinedPostalClient;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;

/** Both interceptors in the SDK's call pipeline, with a transport that fails its first attempt. */
class InterceptorsTest {
    private static final QuoteRequest QUOTE = new QuoteRequest(MailPiece.of(MailClass.LETTER, Weight.ofGrams(20),
            PostalCode.of("94107")), LocalDate.of(2026, 7, 1));

    /** Answers a quote; fails the first {@code failures} attempts with SERVICE_UNAVAILABLE. Records the contexts sent. */
    private static final class Flaky implements ClientTransport {
        final List<CallContext> sent = new CopyOnWriteArrayList<>();
        int failures;

        Flaky(int failures) {
            this.failures = failures;
        }

        @Override
        public <Q, R> R send(Attempt<Q, R> attempt) {
            sent.add(attempt.context());
            if (failures-- > 0) {
                throw AttemptFailure.answered(new ServiceUnavailableException("busy"));
            }
            if (attempt.operation() == PostalOperation.QUOTE) {
                return attempt.operation().responseType().cast(new RateQuote(QUOTE.piece(), Money.of(78, "USD"),
                        "2026-07", 0, QUOTE.dateOfMailing()));
            }
            throw AttemptFailure.answered(new NotFoundException("nothing here"));
        }

        @Override
        public void close() {
        }
    }

    private static ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint(URI.create("https://postal.example:8443"))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)));
    }

    @Test
    void eachAttemptIsAClientSpanWhoseContextTheTransportSends() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build()) {
            Flaky transport = new Flaky(1);
            Span portal = otel.getTracer("portal").spanBuilder("GET /cart").startSpan();
            try (Scope ignored = portal.makeCurrent();
                 PipelinedPostalClient client = new PipelinedPostalClient(config()
                         .interceptor(new TracingInterceptor(otel)).build(), transport)) {
                client.quote(QUOTE);
            } finally {
                portal.end();
            }
            List<SpanData> finished = spans.getFinishedSpanItems();
            assertEquals(4, finished.size(), finished.toString()); // two attempts, the call, the portal's span
            SpanData first = finished.get(0);
            SpanData second = finished.get(1);
            SpanData call = finished.get(2);
            assertEquals(SpanKind.CLIENT, first.getKind());
            assertEquals("openpostage.v1.PostalService/quote", first.getName());
            assertEquals(StatusCode.ERROR, first.getStatus().getStatusCode());
            assertEquals("SERVICE_UNAVAILABLE", first.getAttributes().get(TracingInterceptor.ERROR_CODE));
            assertEquals(2L, second.getAttributes().get(TracingInterceptor.ATTEMPT));
            assertEquals(call.getSpanId(), first.getParentSpanId());
            assertEquals(portal.getSpanContext().getSpanId(), call.getParentSpanId(), "the call joins the portal's trace");
            for (int i = 0; i < 2; i++) {
                TraceContext sent = transport.sent.get(i).trace();
                assertNotNull(sent, "attempt " + (i + 1) + " carries a traceparent");
                assertEquals(portal.getSpanContext().getTraceId(), sent.traceId());
                assertEquals(finished.get(i).getSpanId(), sent.traceParent().substring(36, 52),
                        "the server's parent is the attempt's span");
            }
            assertNotEquals(transport.sent.get(0).trace(), transport.sent.get(1).trace());
            assertEquals(transport.sent.get(0).requestId(), transport.sent.get(1).requestId(), "one request id");
        }
    }

    @Test
    void withoutTracingNothingIsSent() {
        Flaky transport = new Flaky(0);
        try (PipelinedPostalClient client = new PipelinedPostalClient(config().build(), transport)) {
            client.quote(QUOTE);
        }
        assertNull(transport.sent.get(0).trace());
    }

    @Test
    void callsAreTimedAndAttemptsCountedByOutcomeAndCode() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Flaky transport = new Flaky(1);
        try (PipelinedPostalClient client = new PipelinedPostalClient(config().interceptor(new MetricsInterceptor(
                registry, Tags.of("transport", MetricsInterceptor.transport(URI.create("https://x:1"))))).build(),
                transport)) {
            client.quote(QUOTE);
            assertThrows(NotFoundException.class, () -> client.lookupPurchase(
                    org.openpostage.api.model.PurchaseLookupRequest.of("pu-1")));
        }
        assertEquals(1, registry.get(MetricsInterceptor.CALLS).tags("operation", "quote", "outcome", "success",
                "transport", "xml").timer().count());
        assertEquals(1, registry.get(MetricsInterceptor.CALLS).tags("operation", "lookupPurchase", "code",
                ErrorCode.NOT_FOUND.name()).timer().count());
        assertEquals(1.0, registry.get(MetricsInterceptor.ATTEMPTS).tags("operation", "quote", "code",
                "SERVICE_UNAVAILABLE").counter().count());
        assertEquals(1.0, registry.get(MetricsInterceptor.ATTEMPTS).tags("operation", "quote", "outcome", "success")
                .counter().count());
        assertEquals("grpc", MetricsInterceptor.transport(URI.create("grpcs://postal:9443")));
    }
}
