package org.openpostage.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.portal.config.PortalConfig;
import org.openpostage.server.app.PostalServerApp;
import org.openpostage.server.config.AppConfig;

/**
 * A page of the portal as one trace: the portal's page request, the SDK's call and attempt spans,
 * and the postal server's span for the call, joined by the W3C trace context the SDK sends over
 * XML and over gRPC (portal and server have separate OpenTelemetry SDKs, as two processes would);
 * and the portal's Prometheus endpoint with its pages' and the SDK's metrics.
 */
class PortalObservabilityTest {
    @TempDir
    Path dir;

    private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    }

    @Test
    void aPageAndThePostalCallsItMakesAreOneTraceOverBothTransports() throws Exception {
        InMemorySpanExporter serverSpans = InMemorySpanExporter.create();
        InMemorySpanExporter portalSpans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk serverOtel = sdk(serverSpans); OpenTelemetrySdk portalOtel = sdk(portalSpans);
             PostalServerApp server = PostalServerApp.start(AppConfig.fromProperties(Map.of("data.dir",
                     dir.resolve("postal").toString(), "xml.port", "0", "grpc.port", "0", "demo", "true",
                     "background-tasks", "false")), serverOtel)) {
            Properties keys = new Properties();
            try (Reader r = Files.newBufferedReader(dir.resolve("postal").resolve("demo-api-keys.properties"))) {
                keys.load(r);
            }
            for (URI endpoint : List.of(server.xmlEndpoint(), server.grpcEndpoint())) {
                String transport = endpoint.getScheme().equals("https") ? "xml" : "grpc";
                try (PortalApp portal = PortalApp.start(PortalConfig.fromProperties(Map.of("postal.endpoint",
                        endpoint.toString(), "postal.api-key", keys.getProperty("paper-shop.live"),
                        "postal.trust-certificates", server.caCertificate().toString(), "portal.port", "0",
                        "portal.data-dir", dir.resolve("portal-" + transport).toString(), "portal.resolve-interval", "0",
                        "portal.metrics-port", "0")), portalOtel)) {
                    serverSpans.reset();
                    portalSpans.reset();
                    Web web = Web.signedIn(portal, "alice");
                    HttpResponse<String> page = web.get("/?weight=20&from=94107&to=10001");
                    assertEquals(200, page.statusCode());
                    assertTrue(page.headers().firstValue("X-Request-Id").isPresent(), "the page's request id");

                    SpanData pageSpan = portalSpans.getFinishedSpanItems().stream()
                            .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /")).findFirst()
                            .orElseThrow(() -> new AssertionError(portalSpans.getFinishedSpanItems().toString()));
                    List<SpanData> attempts = portalSpans.getFinishedSpanItems().stream()
                            .filter(s -> s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(pageSpan.getTraceId()))
                            .toList();
                    assertTrue(attempts.stream().anyMatch(s -> s.getName().endsWith("/quote")),
                            transport + ": the page's quotes are its children: " + portalSpans.getFinishedSpanItems());
                    List<SpanData> calls = serverSpans.getFinishedSpanItems().stream()
                            .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(pageSpan.getTraceId()))
                            .toList();
                    assertTrue(calls.stream().anyMatch(s -> s.getName().endsWith("/quote")),
                            transport + ": the postal server's calls join the page's trace: " + serverSpans.getFinishedSpanItems());
                    for (SpanData call : calls) {
                        assertTrue(attempts.stream().anyMatch(a -> a.getSpanId().equals(call.getParentSpanId())),
                                "each server call's parent is one of the portal's attempts");
                    }

                    URI metrics = portal.metricsEndpoint();
                    assertNotNull(metrics);
                    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    for (String metric : List.of("openpostage_client_calls_seconds_count{application=\"openpostage-portal\","
                                    + "code=\"none\",operation=\"quote\",outcome=\"success\",transport=\"" + transport + "\"}",
                            "openpostage_client_attempts_total{", "http_server_requests_seconds_count{",
                            "route=\"/\"", "jvm_memory_used_bytes{")) {
                        assertTrue(body.contains(metric), metric + " is scraped:\n" + body.lines()
                                .filter(l -> l.startsWith("openpostage") || l.startsWith("http"))
                                .collect(Collectors.joining("\n")));
                    }
                }
            }
        }
    }
}
