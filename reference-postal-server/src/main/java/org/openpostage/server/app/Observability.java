package org.openpostage.server.app;

import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import org.openpostage.server.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's metrics and traces as the configuration asks: a Prometheus registry (with the JVM's
 * and the process's meters) served as {@code GET /metrics} over plain HTTP on {@code metrics.port},
 * and an OpenTelemetry SDK exporting spans to the log or over OTLP/HTTP ({@code tracing.*}), with
 * W3C trace context propagation. Either may be off.
 */
final class Observability implements AutoCloseable {
    /** The service name spans carry. */
    static final String SERVICE_NAME = "openpostage-postal-server";

    private static final Logger log = LoggerFactory.getLogger(Observability.class);

    private final PrometheusMeterRegistry registry;
    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk ownSdk;
    private final JvmGcMetrics gc;
    private Javalin http;

    private Observability(PrometheusMeterRegistry registry, OpenTelemetry openTelemetry, OpenTelemetrySdk ownSdk,
                          JvmGcMetrics gc) {
        this.registry = registry;
        this.openTelemetry = openTelemetry;
        this.ownSdk = ownSdk;
        this.gc = gc;
    }

    /**
     * Builds what {@code config} asks for; starts nothing that listens yet. Spans go to
     * {@code given} when it is not {@code null} (the caller's SDK, which the caller closes).
     */
    static Observability of(AppConfig config, OpenTelemetry given) {
        PrometheusMeterRegistry registry = null;
        JvmGcMetrics gc = null;
        if (config.metricsPort() != null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.config().commonTags("application", SERVICE_NAME);
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
        }
        OpenTelemetrySdk own = given != null ? null : tracing(config.tracingExporter(), config.otlpEndpoint(),
                config.tracingSampleRatio());
        return new Observability(registry, given != null ? given : own, own, gc);
    }

    /** The OpenTelemetry SDK for {@code exporter}, or {@code null} for none. */
    static OpenTelemetrySdk tracing(AppConfig.TracingExporter exporter, URI otlpEndpoint, double sampleRatio) {
        SpanProcessor processor = switch (exporter) {
            case NONE -> null;
            case LOGGING -> SimpleSpanProcessor.create(LoggingSpanExporter.create());
            case OTLP -> BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(otlpEndpoint.toString())
                    .build()).build();
        };
        if (processor == null) {
            return null;
        }
        SdkTracerProvider tracers = SdkTracerProvider.builder().addSpanProcessor(processor)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), SERVICE_NAME)))).build();
        log.info("tracing: spans go to {}{}", exporter == AppConfig.TracingExporter.OTLP ? otlpEndpoint : "the log",
                sampleRatio < 1 ? " (" + sampleRatio + " of new traces)" : "");
        return OpenTelemetrySdk.builder().setTracerProvider(tracers)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    }

    /** The metrics registry, or {@code null} when metrics are off. */
    MeterRegistry registry() {
        return registry;
    }

    /** The OpenTelemetry, or {@code null} when tracing is off. */
    OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Serves {@code GET /metrics} on {@code bind:port} when metrics are on. */
    void serve(String bind, Integer port) {
        if (registry == null || port == null) {
            return;
        }
        http = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .header("Cache-Control", "no-store").result(registry.scrape()));
        });
        http.start(bind, port);
        log.info("metrics in Prometheus' format at http://{}:{}/metrics", bind, http.port());
    }

    /** The metrics port, or -1 when metrics are not served. */
    int port() {
        return http == null ? -1 : http.port();
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop();
        }
        if (ownSdk != null) {
            ownSdk.close(); // flushes spans still batched
        }
        if (gc != null) {
            gc.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
