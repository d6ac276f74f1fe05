package org.openpostage.portal.internal.telemetry;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.openpostage.api.ClientConfig;
import org.openpostage.observability.MetricsInterceptor;
import org.openpostage.observability.TracingInterceptor;
import org.openpostage.portal.config.PortalConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The portal's metrics and traces: a Prometheus registry served at {@code /metrics} on
 * {@code portal.metrics-port} (the JVM's meters, {@code http.server.requests} of the shop's pages and
 * the SDK's {@code openpostage.client.*}), and OpenTelemetry spans of every page request, with the
 * SDK's spans under them and the W3C trace context sent on to the postal server. Every log line of a
 * request carries its request id and trace id (MDC {@code request_id}, {@code trace_id}).
 */
public final class PortalTelemetry implements AutoCloseable {
    /** The service name of the portal's spans. */
    public static final String SERVICE_NAME = "openpostage-portal";

    private static final Logger log = LoggerFactory.getLogger(PortalTelemetry.class);
    private static final String SPAN = "telemetry.span";
    private static final String SCOPE = "telemetry.scope";
    private static final String SAMPLE = "telemetry.sample";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final OpenTelemetrySdk sdk;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final OpenTelemetry given;
    private Javalin http;

    private PortalTelemetry(PrometheusMeterRegistry registry, JvmGcMetrics gc, OpenTelemetrySdk sdk,
                            OpenTelemetry given) {
        this.registry = registry;
        this.gc = gc;
        this.sdk = sdk;
        this.given = given;
        this.openTelemetry = given != null ? given : sdk != null ? sdk : OpenTelemetry.noop();
        this.tracer = openTelemetry.getTracer("org.openpostage.portal");
    }

    /**
     * What {@code config} asks for; listens on nothing until {@link #serve}. Spans go to {@code given}
     * when it is not {@code null} (the caller's, which the caller closes).
     */
    public static PortalTelemetry of(PortalConfig config, OpenTelemetry given) {
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
        }
        SpanProcessor processor = switch (config.tracingExporter()) {
            case "logging" -> SimpleSpanProcessor.create(LoggingSpanExporter.create());
            case "otlp" -> BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                    .setEndpoint(config.otlpEndpoint().toString()).build()).build();
            default -> null;
        };
        OpenTelemetrySdk sdk = processor == null || given != null ? null : OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(processor)
                        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.tracingSampleRatio())))
                        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                                AttributeKey.stringKey("service.name"), SERVICE_NAME)))).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        return new PortalTelemetry(registry, gc, sdk, given);
    }

    /** {@code client} with the SDK's interceptors for what is on: spans and metrics of every call to the postal server. */
    public ClientConfig instrument(ClientConfig client) {
        List<Object> added = new ArrayList<>();
        ClientConfig.Builder b = client.toBuilder();
        if (given != null || sdk != null) {
            b.interceptor(new TracingInterceptor(openTelemetry));
            added.add("tracing");
        }
        if (registry != null) {
            b.interceptor(new MetricsInterceptor(registry, Tags.of("transport",
                    MetricsInterceptor.transport(client.endpoint()))));
            added.add("metrics");
        }
        return added.isEmpty() ? client : b.build();
    }

    /** Registers the filters that make a span, a timer sample and the log's ids of every request. */
    public void register(RoutesConfig routes) {
        routes.before(this::begin);
        routes.after(this::end);
    }

    private void begin(Context ctx) {
        String requestId = UUID.randomUUID().toString();
        MDC.put("request_id", requestId);
        ctx.header("X-Request-Id", requestId);
        Span span = tracer.spanBuilder(ctx.method().name() + " " + ctx.path()).setSpanKind(SpanKind.SERVER)
                .setParent(io.opentelemetry.context.Context.root())
                .setAttribute("http.request.method", ctx.method().name()).setAttribute("url.path", ctx.path())
                .setAttribute("openpostage.request_id", requestId).startSpan();
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) {
            MDC.put("trace_id", sc.getTraceId());
            MDC.put("span_id", sc.getSpanId());
        }
        ctx.attribute(SPAN, span);
        ctx.attribute(SCOPE, span.makeCurrent());
        if (registry != null) {
            ctx.attribute(SAMPLE, Timer.start(registry));
        }
    }

    private void end(Context ctx) {
        Span span = ctx.attribute(SPAN);
        Scope scope = ctx.attribute(SCOPE);
        int status = ctx.statusCode();
        if (span != null) {
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
        if (scope != null) {
            scope.close();
        }
        Timer.Sample sample = ctx.attribute(SAMPLE);
        if (sample != null) {
            io.javalin.router.Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            String route = matched == null ? "unmatched" : matched.path;
            sample.stop(Timer.builder("http.server.requests").description("The portal's page requests")
                    .tags("method", ctx.method().name(), "route", route, "status", Integer.toString(status))
                    .publishPercentileHistogram().register(registry));
        }
        MDC.clear();
    }

    /** Serves {@code GET /metrics} when metrics are on. */
    public void serve(String bind, Integer port) {
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
        log.info("portal metrics in Prometheus' format at http://{}:{}/metrics", bind, http.port());
    }

    /** The metrics port, or -1 when metrics are not served. */
    public int port() {
        return http == null ? -1 : http.port();
    }

    /** The registry, or {@code null} when metrics are off. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop();
        }
        if (sdk != null) {
            sdk.close();
        }
        if (gc != null) {
            gc.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
