package org.openpostage.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.openpostage.api.ClientInterceptor;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.PostageException;

/**
 * Traces a client's calls with OpenTelemetry: one span per call ({@code openpostage <operation>},
 * a child of the caller's current span) and one {@link SpanKind#CLIENT} span per attempt under it,
 * whose W3C trace context ({@code traceparent}, {@code tracestate}) the transport sends to the
 * postal server, so that the server's spans join the trace over XML and gRPC alike.
 *
 * <pre>{@code
 * PostalClient postal = PostalClients.connect(ClientConfig.builder()
 *         .endpoint(URI.create("grpcs://postal.example:9443"))
 *         .apiKey(key)
 *         .interceptor(new TracingInterceptor(openTelemetry))
 *         .build());
 * }</pre>
 *
 * <p>Attributes follow OpenTelemetry's RPC conventions: {@code rpc.system} {@code openpostage},
 * {@code rpc.service} {@code openpostage.v1.PostalService}, {@code rpc.method} the operation, and
 * {@code openpostage.request_id}, {@code openpostage.attempt}; a failed span carries the error
 * code as {@code openpostage.error_code}. Requests are never recorded (they hold card data).
 * The context is written with the configured propagators, so a propagator other than W3C's
 * sends nothing. Thread-safe.
 */
public final class TracingInterceptor implements ClientInterceptor {
    /** The instrumentation scope's name. */
    public static final String SCOPE = "org.openpostage.sdk";

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("openpostage.request_id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("openpostage.attempt");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("openpostage.error_code");

    private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    /** An interceptor making spans with {@code openTelemetry}'s tracer and propagators. */
    public TracingInterceptor(OpenTelemetry openTelemetry) {
        this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    @Override
    public <R> R interceptCall(Invocation<R> call) {
        Span span = tracer.spanBuilder("openpostage " + call.operation().name()).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(RPC_SYSTEM, "openpostage").setAttribute(RPC_SERVICE, "openpostage.v1.PostalService")
                .setAttribute(RPC_METHOD, call.operation().name())
                .setAttribute(REQUEST_ID, String.valueOf(call.context().requestId())).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return call.proceed();
        } catch (PostageException e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public <R> R interceptAttempt(Invocation<R> attempt) {
        Span span = tracer.spanBuilder("openpostage.v1.PostalService/" + attempt.operation().name())
                .setSpanKind(SpanKind.CLIENT).setAttribute(RPC_SYSTEM, "openpostage")
                .setAttribute(RPC_SERVICE, "openpostage.v1.PostalService")
                .setAttribute(RPC_METHOD, attempt.operation().name())
                .setAttribute(REQUEST_ID, String.valueOf(attempt.context().requestId()))
                .setAttribute(ATTEMPT, (long) attempt.attempt()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return attempt.proceed(traceContext(Context.current()));
        } catch (PostageException e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** The W3C trace context of {@code context}, or {@code null} when the propagators write none. */
    TraceContext traceContext(Context context) {
        Map<String, String> carrier = new HashMap<>();
        openTelemetry.getPropagators().getTextMapPropagator().inject(context, carrier, SETTER);
        return TraceContext.parse(carrier.get("traceparent"), carrier.get("tracestate"));
    }

    private static void failed(Span span, PostageException e) {
        span.setStatus(StatusCode.ERROR, e.code().name());
        span.setAttribute(ERROR_CODE, e.code().name());
    }
}
