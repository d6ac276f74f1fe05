package org.openpostage.transport.xml;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.openpostage.api.CallContext;
import org.openpostage.api.Caller;
import org.openpostage.api.PostalService;
import org.openpostage.api.TraceContext;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.spi.Authenticator;
import org.openpostage.api.spi.Credentials;
import org.openpostage.transport.xml.internal.BoundedBody;
import org.openpostage.transport.xml.internal.HardenedXml;
import org.openpostage.transport.xml.internal.HttpProblem;
import org.openpostage.transport.xml.internal.HttpStatuses;
import org.openpostage.transport.xml.internal.Operation;
import org.openpostage.transport.xml.internal.ServiceDispatcher;
import org.openpostage.transport.xml.internal.XmlCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes any {@link PostalService} over the OpenPostage XML protocol, without tying it to a web
 * framework: request bytes and headers in ({@link XmlRequest}), status, headers and bytes out
 * ({@link XmlResponse}). Mount it on Javalin, a servlet container, the JDK's HTTP server
 * ({@link XmlHttpHandler}) or anything else that serves HTTPS.
 *
 * <p>For each request the binding
 * <ol>
 *   <li>admits it if fewer than {@link Builder#maxConcurrentRequests} requests are in progress, and
 *       otherwise answers at once, before reading or authenticating anything, with 503
 *       {@code SERVICE_UNAVAILABLE} and {@code Retry-After} (a refused call did nothing, so any
 *       client may retry it);</li>
 *   <li>routes it by method and path ({@link #routes()}; 404 for an unknown path, 405 for a wrong method);</li>
 *   <li>authenticates it with the {@link Authenticator}, from the {@code X-Api-Key} header and the
 *       client certificate chain the TLS layer verified (401);</li>
 *   <li>checks {@code Accept} (406), {@code Content-Type} (415), the body size (413), the
 *       {@code Idempotency-Key} of purchases, batches and refunds and the optional
 *       {@code X-Request-Timeout-Ms} (400);</li>
 *   <li>reads the body with the hardened reader: no DOCTYPE, limits on depth, element count and
 *       text, validated against the v1 schema (400 naming the element);</li>
 *   <li>calls the service with a {@link CallContext} holding the idempotency key, the deadline (from
 *       {@code X-Request-Timeout-Ms}, else the default of {@link Builder#defaultTimeout}), the
 *       request id and the authenticated {@link Caller};</li>
 *   <li>answers with the response document, or an {@code <error>} document whose status follows
 *       the error code. An unexpected exception becomes 500 with a generic message; the exception
 *       is logged under the request id and never sent.</li>
 * </ol>
 * Every response carries {@code X-Request-Id}: the caller's if it sent one valid one, else a fresh
 * one (an invalid or repeated id is replaced, not refused: it only correlates logs).
 * Request bodies are never logged (they carry card data).
 *
 * <p>Thread-safe: one binding serves all requests.
 */
public final class XmlServerBinding {
    private static final Logger log = LoggerFactory.getLogger(XmlServerBinding.class);
    private static final long MAX_TIMEOUT_MS = 86_400_000L;
    /** The {@code Retry-After} of a 429 or 503 whose exception names no pause of its own: one second. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
    /** The deadline of a call that names none, unless configured otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The requests in progress at once unless configured otherwise: below the 250 threads of
     * Javalin's and Jetty's default pool, so that the binding, not a queue in front of it, decides.
     */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 200;
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final ServiceDispatcher dispatcher;
    private final Authenticator authenticator;
    private final XmlLimits limits;
    private final String basePath;
    private final Clock clock;
    private final Duration defaultTimeout;
    private final Map<String, Map<String, Operation>> operationsByPath = new LinkedHashMap<>();
    private final int maxConcurrentRequests;
    private final Semaphore admitted;
    private final AtomicLong refusedSinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    private XmlServerBinding(Builder b) {
        this.authenticator = b.authenticator;
        this.limits = b.limits;
        this.basePath = b.basePath;
        this.clock = b.clock;
        this.defaultTimeout = b.defaultTimeout;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.admitted = new Semaphore(maxConcurrentRequests);
        this.dispatcher = new ServiceDispatcher(b.service, XmlCodec.strict(new HardenedXml.Limits(limits.maxBodyBytes(),
                limits.maxDepth(), limits.maxElements(), limits.maxTextLength(), limits.maxAttributesPerElement())));
        for (Operation op : Operation.values()) {
            operationsByPath.computeIfAbsent(basePath + op.path(), p -> new LinkedHashMap<>()).put(op.method(), op);
        }
    }

    /**
     * A builder for a binding that serves {@code service} to the callers {@code authenticator} accepts.
     */
    public static Builder builder(PostalService service, Authenticator authenticator) {
        return new Builder(service, authenticator);
    }

    /** An HTTP method and path the binding serves. */
    public record Route(String method, String path) {
    }

    /**
     * Every method and path the binding serves, base path included. A framework adapter may route
     * just these to {@link #handle}, or everything under the base path: the binding answers 404
     * and 405 itself.
     */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        operationsByPath.forEach((path, byMethod) -> byMethod.keySet().forEach(m -> routes.add(new Route(m, path))));
        return List.copyOf(routes);
    }

    /** The limits requests are read within. */
    public XmlLimits limits() {
        return limits;
    }

    /**
     * Handles one request. Never throws: every failure becomes an error response.
     */
    public XmlResponse handle(XmlRequest request) {
        long started = System.nanoTime();
        List<String> sentIds = request.headers().getOrDefault(XmlProtocol.REQUEST_ID_HEADER, List.of());
        String sentId = sentIds.isEmpty() ? null : sentIds.get(0);
        boolean sentIdValid = sentIds.size() == 1 && isVisibleAscii(sentId, CallContext.MAX_KEY_LENGTH);
        String requestId = sentIdValid ? sentId : UUID.randomUUID().toString();
        if (!admitted.tryAcquire()) {
            return overloaded(requestId);
        }
        XmlResponse response;
        try {
            if (sentId != null && !sentIdValid) { // it only correlates logs: replaced, not refused
                log.debug("request {}: replaced an invalid {} header", requestId, XmlProtocol.REQUEST_ID_HEADER);
            }
            response = process(request, requestId);
        } catch (HttpProblem p) {
            response = error(p.status(), p.code().toException(p.getMessage(), requestId), requestId, p.headers());
        } catch (PostageException e) {
            response = failure(request, e, requestId);
        } catch (RuntimeException e) {
            log.error("request {}: {} {} failed unexpectedly", requestId, request.method(), request.path(), e);
            response = internal(requestId);
        } finally {
            admitted.release();
        }
        if (log.isDebugEnabled()) {
            log.debug("request {}: {} {} -> {} in {} ms", requestId, request.method(), request.path(), response.status(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        return response;
    }

    /**
     * The protocol's answer for a request that never reached {@link #handle}, because the HTTP
     * layer refused it (a request target or headers over its limits, a malformed request line or
     * header, a bad percent-encoding): an {@code <error>} body with a fresh request id and the
     * headers of every response. A framework adapter installs it as its error page, so that no
     * response of the port bypasses the protocol.
     *
     * @param status  the HTTP status the layer chose (400 to 599)
     * @param message what the layer found wrong, one line; {@code null} for a generic text
     */
    public XmlResponse refused(int status, String message) {
        String requestId = UUID.randomUUID().toString();
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.NOT_FOUND;
            case 408 -> ErrorCode.DEADLINE_EXCEEDED;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
        };
        String text = switch (status) {
            case 414 -> "the request target is longer than this server accepts";
            case 431 -> "the request's headers are larger than this server accepts";
            case 408 -> "the request was not received in time";
            default -> "the HTTP request is malformed";
        };
        String detail = message == null ? "" : message.strip().replaceAll("\\s+", " ");
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "...";
        }
        if (!detail.isEmpty() && !detail.equalsIgnoreCase(text)) {
            text = text + " (" + detail + ")";
        }
        if (status >= 500) {
            log.warn("request {}: refused by the HTTP layer with {}: {}", requestId, status, text);
        } else if (log.isDebugEnabled()) {
            log.debug("request {}: refused by the HTTP layer with {}: {}", requestId, status, text);
        }
        return error(Math.max(400, Math.min(599, status)), code.toException(text, requestId), requestId,
                code == ErrorCode.RATE_LIMITED || code == ErrorCode.SERVICE_UNAVAILABLE
                        ? Map.of("Retry-After", Long.toString(DEFAULT_RETRY_AFTER.toSeconds()), "Connection", "close")
                        : Map.of("Connection", "close"));
    }

    /** The most requests in progress at once; the others are refused with 503. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /**
     * The 503 of a request beyond {@link #maxConcurrentRequests}, logged as one warning per ten
     * seconds at most: an overloaded server should not also flood its log.
     */
    private XmlResponse overloaded(String requestId) {
        long refused = refusedSinceWarning.incrementAndGet();
        long last = lastWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            refusedSinceWarning.addAndGet(-refused);
            log.warn("at the limit of {} concurrent requests: refused {} request(s) with 503", maxConcurrentRequests,
                    refused);
        }
        PostageException e = ErrorCode.SERVICE_UNAVAILABLE.toException("the server is handling its limit of "
                + maxConcurrentRequests + " concurrent requests; retry after a pause", requestId, DEFAULT_RETRY_AFTER);
        return error(503, e, requestId, Map.of("Retry-After", Long.toString(DEFAULT_RETRY_AFTER.toSeconds())));
    }

    private XmlResponse process(XmlRequest request, String requestId) {
        Operation operation = route(request);
        Caller caller = authenticate(request);
        checkAccept(String.join(",", request.headers().getOrDefault("Accept", List.of())));
        CallContext context = new CallContext(idempotencyKey(operation, request), deadline(request), requestId, caller,
                trace(request));
        byte[] body = null;
        if (operation.hasRequestBody()) {
            checkContentType(single(request, "Content-Type"));
            body = BoundedBody.read(request.body(), request.contentLength(), limits.maxBodyBytes());
        }
        if (context.expired(clock)) {
            throw new PostageException(ErrorCode.DEADLINE_EXCEEDED, "the deadline set by "
                    + XmlProtocol.TIMEOUT_HEADER + " passed before the call started", requestId, null);
        }
        return respond(200, dispatcher.dispatch(operation, body, context), requestId, Map.of());
    }

    /**
     * The W3C trace context of the request, or {@code null}: tracing never refuses a call, so a
     * missing, repeated or malformed {@code traceparent} is ignored (the server starts a trace of its own).
     */
    private static TraceContext trace(XmlRequest request) {
        List<String> parents = request.headers().getOrDefault(XmlProtocol.TRACE_PARENT_HEADER, List.of());
        if (parents.size() != 1) {
            return null;
        }
        List<String> states = request.headers().getOrDefault(XmlProtocol.TRACE_STATE_HEADER, List.of());
        return TraceContext.parse(parents.get(0), states.isEmpty() ? null : String.join(",", states));
    }

    /**
     * The value of a header that must appear at most once, or {@code null}: two values (two API
     * keys, two idempotency keys) make the request ambiguous, so it is refused.
     */
    private static String single(XmlRequest request, String name) {
        List<String> values = request.headers().getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw new InvalidRequestException("header " + name + " appears " + values.size() + " times; send it once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private Operation route(XmlRequest request) {
        Map<String, Operation> byMethod = operationsByPath.get(request.path());
        if (byMethod == null) {
            throw new HttpProblem(404, ErrorCode.NOT_FOUND, "no operation at " + request.path() + "; the operations are "
                    + routes().stream().map(r -> r.method() + " " + r.path()).collect(Collectors.joining(", ")));
        }
        Operation op = byMethod.get(request.method());
        if (op == null) {
            String allow = String.join(", ", byMethod.keySet());
            throw new HttpProblem(405, ErrorCode.INVALID_REQUEST, request.path() + " accepts " + allow + ", not "
                    + request.method(), Map.of("Allow", allow));
        }
        return op;
    }

    private Caller authenticate(XmlRequest request) {
        String apiKey = single(request, XmlProtocol.API_KEY_HEADER);
        Credentials credentials = new Credentials(apiKey == null || apiKey.isEmpty() ? null : apiKey,
                request.clientCertificates());
        Caller caller = authenticator.authenticate(credentials);
        if (caller == null) {
            throw new AuthenticationException("credentials not accepted");
        }
        return caller;
    }

    private static void checkAccept(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
                refused |= p.matches("q=0(\\.0{0,3})?");
            }
            if (!refused && (type.equals("*/*") || type.equals("application/*") || type.equals(XmlProtocol.MEDIA_TYPE)
                    || type.equals("text/xml"))) {
                return;
            }
        }
        throw new HttpProblem(406, ErrorCode.INVALID_REQUEST, "responses are " + XmlProtocol.MEDIA_TYPE
                + ", which the Accept header does not allow");
    }

    private static void checkContentType(String contentType) {
        if (contentType == null) {
            throw new HttpProblem(415, ErrorCode.INVALID_REQUEST, "Content-Type is missing; send "
                    + XmlProtocol.MEDIA_TYPE);
        }
        String[] parts = contentType.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(XmlProtocol.MEDIA_TYPE) && !type.equals("text/xml")) {
            throw new HttpProblem(415, ErrorCode.INVALID_REQUEST, "Content-Type " + type + " is not accepted; send "
                    + XmlProtocol.MEDIA_TYPE);
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")
                    && !kv[1].strip().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw new HttpProblem(415, ErrorCode.INVALID_REQUEST, "only UTF-8 bodies are accepted, not charset "
                        + kv[1].strip());
            }
        }
    }

    private static String idempotencyKey(Operation operation, XmlRequest request) {
        if (!operation.keyed()) {
            return null;
        }
        String key = single(request, XmlProtocol.IDEMPOTENCY_KEY_HEADER);
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException(XmlProtocol.IDEMPOTENCY_KEY_HEADER + " header is required for "
                    + operation.method() + " " + operation.path() + ": send a unique value per purchase (a UUID, or "
                    + "your order id) and the same value when you retry it");
        }
        if (!isVisibleAscii(key, CallContext.MAX_KEY_LENGTH)) {
            throw new InvalidRequestException(XmlProtocol.IDEMPOTENCY_KEY_HEADER
                    + " must be 1 to 255 visible ASCII characters");
        }
        return key;
    }

    private Instant deadline(XmlRequest request) {
        String timeout = single(request, XmlProtocol.TIMEOUT_HEADER);
        if (timeout == null) {
            return defaultTimeout == null ? null : clock.instant().plus(defaultTimeout);
        }
        long ms;
        try {
            ms = Long.parseLong(timeout.strip());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 1 || ms > MAX_TIMEOUT_MS) {
            throw new InvalidRequestException(XmlProtocol.TIMEOUT_HEADER + " must be a whole number of milliseconds "
                    + "from 1 to " + MAX_TIMEOUT_MS);
        }
        return clock.instant().plusMillis(ms);
    }

    private XmlResponse failure(XmlRequest request, PostageException e, String requestId) {
        if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.INVALID_CONFIGURATION) {
            log.error("request {}: {} {} failed", requestId, request.method(), request.path(), e);
            return internal(requestId);
        }
        int status = HttpStatuses.of(e.code());
        if (status >= 500) {
            log.warn("request {}: {} {} -> {} {}", requestId, request.method(), request.path(), status, e.code());
        } else if (log.isDebugEnabled()) {
            log.debug("request {}: {} {} -> {} {}: {}", requestId, request.method(), request.path(), status, e.code(),
                    e.getMessage());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            headers.put("WWW-Authenticate", "ApiKey realm=\"openpostage\", header=\"" + XmlProtocol.API_KEY_HEADER
                    + "\"");
        }
        if (e.code() == ErrorCode.RATE_LIMITED || e.code() == ErrorCode.SERVICE_UNAVAILABLE
                || e.code() == ErrorCode.REQUEST_IN_PROGRESS) {
            headers.put("Retry-After", Long.toString(retryAfterSeconds(e.retryAfter())));
        }
        String message = documentPath(operationOf(request), e.getMessage());
        if (!java.util.Objects.equals(message, e.getMessage())) {
            e = e.code().toException(message, requestId, e.retryAfter());
        }
        return error(status, e, requestId, headers);
    }

    private Operation operationOf(XmlRequest request) {
        Map<String, Operation> byMethod = operationsByPath.get(request.path());
        return byMethod == null ? null : byMethod.get(request.method());
    }

    /** A leading model path with a 0-based index, as services name fields: {@code items[0].dateOfMailing}. */
    private static final java.util.regex.Pattern MODEL_PATH = java.util.regex.Pattern.compile(
            "^([a-z][A-Za-z]*\\[\\d+\\](?:\\.[a-z][A-Za-z]*(?:\\[\\d+\\])?)*)(?=[ .:,]|$)");
    /** The element of one entry of each list in the requests. */
    private static final Map<String, String> LIST_ENTRIES = Map.of("items", "item", "entries", "entry");

    /**
     * {@code message} with a leading model path, as a service names a field
     * ({@code items[0].dateOfMailing ...}), rewritten as the position in the request document that
     * docs/protocol/xml.md promises, with 1-based positions
     * ({@code purchaseRequest/items/item[1]/dateOfMailing ...}); other messages unchanged.
     */
    static String documentPath(Operation operation, String message) {
        if (operation == null || message == null || !operation.hasRequestBody()) {
            return message;
        }
        java.util.regex.Matcher m = MODEL_PATH.matcher(message);
        if (!m.find()) {
            return message;
        }
        StringBuilder path = new StringBuilder(operation.operation().name()).append("Request");
        if (operation == Operation.PURCHASE_BATCH) {
            path = new StringBuilder("batchPurchaseRequest");
        }
        for (String segment : m.group(1).split("\\.")) {
            int bracket = segment.indexOf('[');
            if (bracket < 0) {
                path.append('/').append(segment);
                continue;
            }
            String list = segment.substring(0, bracket);
            int index = Integer.parseInt(segment.substring(bracket + 1, segment.length() - 1));
            path.append('/').append(list).append('/').append(LIST_ENTRIES.getOrDefault(list, list)).append('[')
                    .append(index + 1).append(']');
        }
        String rest = message.substring(m.end());
        return path + rest;
    }

    /**
     * The {@code Retry-After} of a 429, a 503 or a 409 REQUEST_IN_PROGRESS, in whole seconds: the service's own
     * {@link PostageException#retryAfter()} rounded up, else {@link #DEFAULT_RETRY_AFTER}.
     */
    static long retryAfterSeconds(Duration retryAfter) {
        if (retryAfter == null) {
            return DEFAULT_RETRY_AFTER.toSeconds();
        }
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private XmlResponse internal(String requestId) {
        return error(500, new PostageException(ErrorCode.INTERNAL, "internal error; the server's log has the details "
                + "under request id " + requestId, requestId, null), requestId, Map.of());
    }

    private XmlResponse error(int status, PostageException e, String requestId, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        if (status == 413) {
            headers.put("Connection", "close"); // the rest of the body is not read
        }
        return respond(status, dispatcher.error(e, requestId), requestId, headers);
    }

    private static XmlResponse respond(int status, byte[] body, String requestId, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", XmlProtocol.CONTENT_TYPE);
        headers.put(XmlProtocol.REQUEST_ID_HEADER, requestId);
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.putAll(extra);
        return new XmlResponse(status, headers, body);
    }

    private static boolean isVisibleAscii(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** Builds an {@link XmlServerBinding}. Not thread-safe. */
    public static final class Builder {
        private final PostalService service;
        private final Authenticator authenticator;
        private XmlLimits limits = XmlLimits.REQUESTS;
        private String basePath = "";
        private Clock clock = Clock.systemUTC();
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;

        private Builder(PostalService service, Authenticator authenticator) {
            this.service = Objects.requireNonNull(service, "service");
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        }

        /** The limits requests are read within; default {@link XmlLimits#REQUESTS}. */
        public Builder limits(XmlLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * A path prefix in front of every operation's path, for servers that mount the protocol
         * below the root: with {@code "/postage"} a quote is {@code POST /postage/v1/quote}.
         * Default: none. Clients then use the endpoint {@code https://host:port/postage}.
         */
        public Builder basePath(String basePath) {
            String p = Objects.requireNonNull(basePath, "basePath").strip();
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty() && !p.startsWith("/")) {
                p = "/" + p;
            }
            this.basePath = p;
            return this;
        }

        /** The clock that turns {@code X-Request-Timeout-Ms} into a deadline; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The deadline given to calls that arrive without {@code X-Request-Timeout-Ms}, counted from
         * their arrival; {@code null} for none. Default {@link #DEFAULT_TIMEOUT}.
         */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new org.openpostage.api.error.ConfigurationException("defaultTimeout must be positive, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * The most requests the binding handles at once; beyond it a request is answered at once
         * with 503 and {@code Retry-After}, before it is read. Set it below the HTTP server's
         * thread pool. Default {@link #DEFAULT_MAX_CONCURRENT_REQUESTS}.
         */
        public Builder maxConcurrentRequests(int requests) {
            if (requests < 1) {
                throw new org.openpostage.api.error.ConfigurationException("maxConcurrentRequests must be at least 1, was "
                        + requests);
            }
            this.maxConcurrentRequests = requests;
            return this;
        }

        /** The binding. */
        public XmlServerBinding build() {
            return new XmlServerBinding(this);
        }
    }
}
