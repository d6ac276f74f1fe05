package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.PaymentDeclinedException;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.VerifyRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.openpostage.observability.TracingInterceptor;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;

/**
 * The operator's view of a running server: one trace from the client's attempt through the
 * server's call to the ledger transaction, the signature, the rendering and the card gateway, over
 * XML and gRPC alike (the trace context crosses the wire: client and server have separate
 * OpenTelemetry SDKs, as two processes would); the Prometheus endpoint with the documented metrics;
 * the request and trace ids in the log lines of a call.
 */
class ObservabilityTest {
    @TempDir
    Path dir;

    private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    }

    @Test
    void aCardPurchaseIsOneTraceAcrossTheWireAndEveryMetricIsScraped() throws Exception {
        InMemorySpanExporter serverSpans = InMemorySpanExporter.create();
        InMemorySpanExporter clientSpans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk serverOtel = sdk(serverSpans); OpenTelemetrySdk clientOtel = sdk(clientSpans);
             PostalServerApp app = PostalServerApp.start(AppConfig.builder().xmlPort(0).grpcPort(0).metricsPort(0)
                     .server(ServerConfig.builder().dataDir(dir).backgroundTasks(false)
                             .softwareKeysForLivePostage(true).build()).build(), serverOtel)) {
            TestApps.Partner partner = TestApps.partner(app.core(), "acme", 100_000);
            MailPiece letter = MailPiece.of(MailClass.LETTER, Weight.ofGrams(20), PostalCode.of("94107"));
            for (URI endpoint : List.of(app.xmlEndpoint(), app.grpcEndpoint())) {
                String transport = endpoint.getScheme().equals("https") ? "xml" : "grpc";
                clientSpans.reset();
                serverSpans.reset();
                try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint)
                        .apiKey(partner.testKey()).tls(TlsSettings.builder().trustCertificates(app.caCertificate())
                                .build()).retryPolicy(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(60))
                        .interceptor(new TracingInterceptor(clientOtel)).build())) {
                    PurchaseItem item = PurchaseItem.of(client.quote(QuoteRequest.of(letter)));
                    Purchase p = client.purchase(PurchaseRequest.of(List.of(item), new CardPayment("4242424242424242",
                            YearMonth.now().plusYears(2), "123", "Ada")).withPrint(PrintOptions.png(300)));
                    SpanData attempt = clientSpans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT
                            && s.getName().endsWith("/purchase")).findFirst().orElseThrow();
                    String trace = attempt.getTraceId();
                    List<SpanData> server = serverSpans.getFinishedSpanItems().stream()
                            .filter(s -> s.getTraceId().equals(trace)).toList();
                    SpanData call = server.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst()
                            .orElseThrow(() -> new AssertionError(transport + ": no server span in the client's trace: "
                                    + serverSpans.getFinishedSpanItems()));
                    assertEquals("openpostage.v1.PostalService/purchase", call.getName());
                    assertEquals(attempt.getSpanId(), call.getParentSpanId(), transport + ": the client's attempt is the parent");
                    assertEquals(transport, call.getAttributes().get(io.opentelemetry.api.common.AttributeKey
                            .stringKey("openpostage.transport")));
                    List<String> names = server.stream().map(SpanData::getName).toList();
                    for (String expected : List.of("card gateway authorize", "card gateway capture", "sign indicium",
                            "render stamp PNG")) {
                        assertTrue(names.contains(expected), transport + ": " + expected + " in " + names);
                    }
                    assertTrue(names.stream().anyMatch(n -> n.startsWith("ledger ")), "a ledger transaction: " + names);
                    assertTrue(server.stream().filter(s -> s != call).allMatch(s -> s.getTraceId().equals(trace)));

                    client.verify(new VerifyRequest(p.indicia().get(0).data()));
                    assertThrows(PaymentDeclinedException.class, () -> client.purchase(PurchaseRequest.of(List.of(item),
                            new CardPayment("4000000000000002", YearMonth.now().plusYears(2), "123", "Ada"))));

                    // The call's log lines carry its request id and trace id.
                    List<String> log = Files.readAllLines(Path.of(System.getProperty("openpostage.test.log")),
                            StandardCharsets.UTF_8);
                    String requestId = call.getAttributes().get(io.opentelemetry.api.common.AttributeKey
                            .stringKey("openpostage.request_id"));
                    assertTrue(log.stream().anyMatch(l -> l.contains("request=" + requestId + " trace=" + trace)),
                            transport + ": a log line with request " + requestId + " and trace " + trace);
                }
            }

            app.core().readLedgerGauges();
            URI metrics = app.metricsEndpoint();
            assertNotNull(metrics);
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = scrape.body();
            for (String metric : List.of(
                    "openpostage_server_requests_seconds_count{application=\"openpostage-postal-server\",code=\"none\",operation=\"purchase\",outcome=\"success\",transport=\"xml\"}",
                    "openpostage_server_requests_seconds_bucket{",
                    "openpostage_purchases_total{application=\"openpostage-postal-server\",code=\"none\",mode=\"TEST\",outcome=\"issued\",payment=\"card\",transport=\"grpc\"}",
                    "code=\"PAYMENT_DECLINED\"",
                    "openpostage_indicia_total{",
                    "openpostage_verifications_total{",
                    "openpostage_meter_register_minor_units{",
                    "partner=\"acme\"",
                    "openpostage_reconciler_backlog{",
                    "openpostage_card_refunds_failed ",
                    "openpostage_idempotency_keys{application=\"openpostage-postal-server\",state=\"COMPLETED\"}",
                    "hikaricp_connections_active{",
                    "jvm_memory_used_bytes{",
                    "process_uptime_seconds")) {
                assertTrue(body.contains(metric), metric + " is scraped:\n" + body.lines()
                        .filter(l -> l.startsWith("openpostage")).collect(Collectors.joining("\n")));
            }
            assertFalse(body.contains("4242424242424242"), "no card data in the metrics");
        }
    }
}
