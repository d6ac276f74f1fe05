package org.openpostage.server.internal.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;

/**
 * Where a core reports: a Micrometer registry for its metrics and an OpenTelemetry for its spans.
 * {@link #none()} records nothing (a registry without registries, the no-op OpenTelemetry), so the
 * code that reports never asks whether anyone listens. Thread-safe.
 */
public final class Telemetry {
    /** The instrumentation scope of the server's spans. */
    public static final String SCOPE = "org.openpostage.server";

    private static final Telemetry NONE = new Telemetry(null, null);

    private final MeterRegistry registry;
    private final boolean metrics;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    private Telemetry(MeterRegistry registry, OpenTelemetry openTelemetry) {
        this.metrics = registry != null;
        this.registry = registry != null ? registry : new CompositeMeterRegistry();
        this.openTelemetry = openTelemetry != null ? openTelemetry : OpenTelemetry.noop();
        this.tracer = this.openTelemetry.getTracer(SCOPE);
    }

    /**
     * Reports metrics to {@code registry} and spans to {@code openTelemetry}; either may be
     * {@code null} for none.
     */
    public static Telemetry of(MeterRegistry registry, OpenTelemetry openTelemetry) {
        return registry == null && openTelemetry == null ? NONE : new Telemetry(registry, openTelemetry);
    }

    /** Whether metrics are kept (a registry was given): the ledger's gauges are read only then. */
    public boolean metrics() {
        return metrics;
    }

    /** Reports nowhere. */
    public static Telemetry none() {
        return NONE;
    }

    /** The metrics registry. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The OpenTelemetry spans go to. */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The server's tracer. */
    public Tracer tracer() {
        return tracer;
    }

    /**
     * Runs {@code work} in an internal span named {@code name}, a child of the current one; an
     * exception marks the span as failed (with the exception's class, never its message, which may
     * quote data) and passes on.
     */
    public <T> T span(String name, Supplier<T> work) {
        Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }
}
