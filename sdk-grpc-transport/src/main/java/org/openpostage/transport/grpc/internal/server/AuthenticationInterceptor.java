package org.openpostage.transport.grpc.internal.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.spi.Authenticator;
import org.openpostage.api.spi.Credentials;
import org.openpostage.transport.grpc.internal.Headers;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call before the service sees it, from the {@code x-api-key} metadata entry
 * and the client certificate chain the TLS handshake verified, and builds the
 * {@link CallContext} the service receives: idempotency key, deadline, request id and caller.
 * Purchases, batches and refunds without an {@code idempotency-key} are refused with
 * INVALID_ARGUMENT, as the XML binding refuses them with 400. A call that fails here never
 * reaches the service.
 */
final class AuthenticationInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(AuthenticationInterceptor.class);

    /** The methods that move money and so need an idempotency key, as on every transport. */
    private static final Set<String> KEYED = Set.of(PostalServiceGrpc.getPurchaseMethod().getFullMethodName(),
            PostalServiceGrpc.getPurchaseBatchMethod().getFullMethodName(),
            PostalServiceGrpc.getRefundMethod().getFullMethodName());

    private final Authenticator authenticator;

    AuthenticationInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String requestId = ServerContextKeys.requestId();
        String rpc = call.getMethodDescriptor().getBareMethodName();
        CallContext context;
        try {
            Caller caller = authenticator.authenticate(
                    new Credentials(headers.get(Headers.API_KEY), peerCertificates(call)));
            if (caller == null) {
                throw new IllegalStateException("the authenticator returned no caller");
            }
            String key = idempotencyKey(headers);
            if (key == null && KEYED.contains(call.getMethodDescriptor().getFullMethodName())) {
                throw new InvalidRequestException("idempotency-key metadata is required for " + rpc + ": send a unique "
                        + "value per call (a UUID, or your order id) and the same value when you retry it");
            }
            context = new CallContext(key, deadline(), requestId, caller, trace(headers));
        } catch (PostageException e) {
            log.info("refused {} (request {}): {} {}", rpc, requestId, e.code(), e.getMessage());
            return Rejections.reject(call, e.code(), e.getMessage(), requestId);
        } catch (RuntimeException e) {
            log.error("authenticating {} failed unexpectedly (request {})", rpc, requestId, e);
            return Rejections.reject(call, ErrorCode.INTERNAL,
                    "internal error; the server's log has the details under request id " + requestId, requestId);
        }
        Context withCaller = Context.current().withValue(ServerContextKeys.CALL_CONTEXT, context);
        return Contexts.interceptCall(withCaller, call, headers, next);
    }

    /**
     * The W3C trace context of the call, or {@code null}: a missing or malformed {@code traceparent}
     * is ignored (tracing never refuses a call; the server starts a trace of its own).
     */
    private static TraceContext trace(Metadata headers) {
        Iterable<String> parents = headers.getAll(Headers.TRACE_PARENT);
        if (parents == null) {
            return null;
        }
        java.util.Iterator<String> it = parents.iterator();
        String parent = it.next();
        if (it.hasNext()) {
            return null;
        }
        Iterable<String> states = headers.getAll(Headers.TRACE_STATE);
        return TraceContext.parse(parent, states == null ? null : String.join(",", states));
    }

    private static String idempotencyKey(Metadata headers) {
        String key = headers.get(Headers.IDEMPOTENCY_KEY);
        if (key != null && (key.isEmpty() || key.length() > CallContext.MAX_KEY_LENGTH
                || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E))) {
            throw new InvalidRequestException("idempotency-key must have 1 to "
                    + CallContext.MAX_KEY_LENGTH + " visible ASCII characters");
        }
        return key;
    }

    /** The call's deadline (the client's, or the server's default) as an instant, or {@code null}. */
    private static Instant deadline() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? null : Instant.now().plusNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }

    /** The client certificate chain the handshake verified, leaf first; empty without TLS or certificate. */
    private static List<X509Certificate> peerCertificates(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes() == null ? null
                : call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }
}
