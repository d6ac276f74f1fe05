package org.openpostage.server.internal.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.PostalService;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.AccountStatement;
import org.openpostage.api.model.BackgroundCatalogue;
import org.openpostage.api.model.BatchItemResult;
import org.openpostage.api.model.BatchPurchaseRequest;
import org.openpostage.api.model.BatchPurchaseResult;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.JournalExport;
import org.openpostage.api.model.JournalExportRequest;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.Purchase;
import org.openpostage.api.model.PurchaseListRequest;
import org.openpostage.api.model.PurchaseLookupRequest;
import org.openpostage.api.model.PurchasePage;
import org.openpostage.api.model.PurchaseRecord;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.Refund;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.model.VerificationResult;
import org.openpostage.api.model.VerifyRequest;
import org.slf4j.MDC;

/**
 * A {@link PostalService} as one transport serves it, observed: each call becomes a
 * {@link SpanKind#SERVER} span that continues the caller's W3C trace context when it sent one, has
 * its request and trace ids in the log's MDC ({@code request_id}, {@code trace_id},
 * {@code span_id}) while it runs, and is counted in the metrics docs/operations.md lists
 * ({@code openpostage.server.requests}, {@code openpostage.purchases}, {@code openpostage.refunds}
 * ...). A purchase replayed by its idempotency key is counted as the call it is. Thread-safe.
 */
public final class ObservedService implements PostalService {
    /** The MDC key of the request id. */
    public static final String MDC_REQUEST_ID = "request_id";
    /** The MDC key of the trace id. */
    public static final String MDC_TRACE_ID = "trace_id";
    /** The MDC key of the span id. */
    public static final String MDC_SPAN_ID = "span_id";

    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("openpostage.transport");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("openpostage.request_id");
    private static final AttributeKey<String> PARTNER = AttributeKey.stringKey("openpostage.partner");
    private static final AttributeKey<String> MODE = AttributeKey.stringKey("openpostage.mode");
    private static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("openpostage.error_code");

    private static final TextMapGetter<TraceContext> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(TraceContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return key.equals("traceparent") ? carrier.traceParent() : key.equals("tracestate") ? carrier.traceState()
                    : null;
        }
    };

    private final PostalService service;
    private final Telemetry telemetry;
    private final String transport;
    private final MeterRegistry registry;

    /**
     * @param service   the service (the core)
     * @param telemetry where to report
     * @param transport the tag of the transport serving it: {@code xml}, {@code grpc} or {@code in-process}
     */
    public ObservedService(PostalService service, Telemetry telemetry, String transport) {
        this.service = service;
        this.telemetry = telemetry;
        this.transport = transport;
        this.registry = telemetry.registry();
    }

    @Override
    public RateQuote quote(QuoteRequest request, CallContext context) {
        return observe(PostalOperation.QUOTE, context, () -> service.quote(request, context), null);
    }

    @Override
    public Purchase purchase(PurchaseRequest request, CallContext context) {
        String payment = request.payment() instanceof CardPayment ? "card" : "account";
        return observe(PostalOperation.PURCHASE, context, () -> service.purchase(request, context), (p, code) -> {
            counter("openpostage.purchases", "Purchase calls answered", context, "payment", payment, "outcome",
                    p != null ? "issued" : "refused", "code", code).increment();
            if (p != null) {
                indicia(context, p.indicia().size());
            }
        });
    }

    @Override
    public BatchPurchaseResult purchaseBatch(BatchPurchaseRequest request, CallContext context) {
        return observe(PostalOperation.PURCHASE_BATCH, context, () -> service.purchaseBatch(request, context), (r, code) -> {
            counter("openpostage.batches", "Batch purchase calls answered", context, "outcome",
                    r != null ? "answered" : "refused", "code", code).increment();
            if (r != null) {
                for (BatchItemResult item : r.results()) {
                    boolean ok = item.purchase() != null;
                    counter("openpostage.batch.entries", "Batch entries answered", context, "outcome",
                            ok ? "issued" : "refused", "code", ok ? "none" : item.error().code().name()).increment();
                    if (ok) {
                        indicia(context, item.purchase().indicia().size());
                    }
                }
            }
        });
    }

    @Override
    public Refund refund(RefundRequest request, CallContext context) {
        return observe(PostalOperation.REFUND, context, () -> service.refund(request, context), (r, code) ->
                counter("openpostage.refunds", "Refund calls answered", context, "credited_to",
                        r == null ? "none" : r.creditedTo().name().toLowerCase(java.util.Locale.ROOT), "outcome",
                        r != null ? "refunded" : "refused", "code", code).increment());
    }

    @Override
    public AccountStatement accountStatement(CallContext context) {
        return observe(PostalOperation.ACCOUNT_STATEMENT, context, () -> service.accountStatement(context), null);
    }

    @Override
    public BackgroundCatalogue backgrounds(CallContext context) {
        return observe(PostalOperation.BACKGROUNDS, context, () -> service.backgrounds(context), null);
    }

    @Override
    public VerificationKeySet verificationKeys(CallContext context) {
        return observe(PostalOperation.VERIFICATION_KEYS, context, () -> service.verificationKeys(context), null);
    }

    @Override
    public PrintComponent printComponent(CallContext context) {
        return observe(PostalOperation.PRINT_COMPONENT, context, () -> service.printComponent(context), null);
    }

    @Override
    public VerificationResult verify(VerifyRequest request, CallContext context) {
        return observe(PostalOperation.VERIFY, context, () -> service.verify(request, context), (r, code) ->
                counter("openpostage.verifications", "Verifications answered", context, "verdict",
                        r == null ? "none" : r.verdict().name(), "outcome", r != null ? "answered" : "refused", "code",
                        code).increment());
    }

    @Override
    public PurchaseRecord lookupPurchase(PurchaseLookupRequest request, CallContext context) {
        return observe(PostalOperation.LOOKUP_PURCHASE, context, () -> service.lookupPurchase(request, context), null);
    }

    @Override
    public PurchasePage listPurchases(PurchaseListRequest request, CallContext context) {
        return observe(PostalOperation.LIST_PURCHASES, context, () -> service.listPurchases(request, context), null);
    }

    @Override
    public JournalExport exportJournal(JournalExportRequest request, CallContext context) {
        return observe(PostalOperation.EXPORT_JOURNAL, context, () -> service.exportJournal(request, context), null);
    }

    /** What a call's outcome adds to the metrics: its result ({@code null} if it failed) and error code. */
    private interface Outcome<R> {
        void record(R result, String code);
    }

    private <R> R observe(PostalOperation<?, R> op, CallContext context, Supplier<R> call, Outcome<R> outcome) {
        CallContext ctx = context == null ? CallContext.empty() : context;
        Context parent = ctx.trace() == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), ctx.trace(), GETTER);
        Caller caller = ctx.caller();
        Span span = telemetry.tracer().spanBuilder("openpostage.v1.PostalService/" + op.name()).setParent(parent)
                .setSpanKind(SpanKind.SERVER).setAttribute(RPC_SYSTEM, "openpostage")
                .setAttribute(RPC_SERVICE, "openpostage.v1.PostalService").setAttribute(RPC_METHOD, op.name())
                .setAttribute(TRANSPORT, transport).setAttribute(REQUEST_ID, String.valueOf(ctx.requestId()))
                .setAttribute(PARTNER, caller == null ? "none" : caller.partnerId())
                .setAttribute(MODE, caller == null ? "none" : caller.mode().name()).startSpan();
        Map<String, String> mdcBefore = MDC.getCopyOfContextMap();
        if (ctx.requestId() != null) {
            MDC.put(MDC_REQUEST_ID, ctx.requestId());
        }
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) {
            MDC.put(MDC_TRACE_ID, sc.getTraceId());
            MDC.put(MDC_SPAN_ID, sc.getSpanId());
        } else if (ctx.trace() != null) {
            MDC.put(MDC_TRACE_ID, ctx.trace().traceId()); // tracing off: the caller's trace id still ties the logs
        }
        Timer.Sample sample = Timer.start(registry);
        String code = "none";
        R result = null;
        try (Scope ignored = span.makeCurrent()) {
            result = call.get();
            return result;
        } catch (PostageException e) {
            code = e.code().name();
            span.setStatus(StatusCode.ERROR, code);
            span.setAttribute(ERROR_CODE, code);
            throw e;
        } catch (RuntimeException e) {
            code = "INTERNAL";
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
            sample.stop(Timer.builder("openpostage.server.requests").description("Calls of the postal service, by "
                            + "operation, transport, outcome and error code")
                    .tags("operation", op.name(), "transport", transport, "outcome", code.equals("none") ? "success"
                            : "error", "code", code)
                    .publishPercentileHistogram().register(registry));
            if (outcome != null) {
                try {
                    outcome.record(result, code);
                } catch (RuntimeException e) {
                    // metrics never fail a call
                }
            }
            if (mdcBefore == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(mdcBefore);
            }
        }
    }

    private Counter counter(String name, String description, CallContext ctx, String... tags) {
        Caller caller = ctx == null ? null : ctx.caller();
        return Counter.builder(name).description(description).tags(Tags.of(tags)).tag("transport", transport)
                .tag("mode", caller == null ? "none" : caller.mode().name()).register(registry);
    }

    private void indicia(CallContext ctx, int n) {
        counter("openpostage.indicia", "Indicia handed out (replays included)", ctx).increment(n);
    }
}
