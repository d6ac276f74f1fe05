package org.openpostage.transport.xml.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalOperation;
import org.openpostage.api.TlsSettings;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.error.ErrorCode;
import org.openpostage.api.error.InvalidRequestException;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.error.RateLimitedException;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.spi.Attempt;
import org.openpostage.api.spi.AttemptFailure;
import org.openpostage.api.spi.ClientTransport;
import org.openpostage.api.spi.TlsFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XML transport's single attempt ({@link ClientTransport}): sends one protocol request with
 * httpclient5 (classic API, pooled connections, TLS 1.3/1.2 with hostname verification) and
 * reports how it ended. Retries, keys and the call's deadline are the shared pipeline's
 * ({@link org.openpostage.api.spi.PipelinedPostalClient}); this class sends the deadline as
 * {@code X-Request-Timeout-Ms} and aborts the exchange when it passes, however slowly the
 * response trickles in. Thread-safe.
 */
public final class HttpCaller implements ClientTransport {
    private static final Logger log = LoggerFactory.getLogger(HttpCaller.class);

    /** Aborts exchanges whose deadline passed; one daemon thread for all clients. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "openpostage-xml-deadlines");
        t.setDaemon(true);
        return t;
    });

    /** Settings of a caller, taken from the client configuration. */
    public record Settings(URI endpoint, String apiKey, TlsSettings tls, Duration connectTimeout,
                           Duration requestTimeout, int maxConnections, HardenedXml.Limits responseLimits,
                           String userAgent) {
    }

    private final Settings settings;
    private final String base;
    private final XmlCodec codec;
    private final CloseableHttpClient http;

    /**
     * @throws ConfigurationException if the TLS settings cannot be used
     */
    public HttpCaller(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        String b = settings.endpoint().toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        this.base = b;
        this.codec = XmlCodec.lenient(settings.responseLimits());
        Timeout connect = Timeout.of(settings.connectTimeout());
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                        .setSslContext(ClientCertificates.sslContext(settings.tls()))
                        .setTlsVersions(TlsSettings.PROTOCOLS.toArray(String[]::new))
                        .buildClassic())
                .setDefaultTlsConfig(TlsConfig.custom()
                        .setSupportedProtocols(TlsSettings.PROTOCOLS.toArray(String[]::new))
                        .setHandshakeTimeout(connect)
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(Timeout.of(settings.requestTimeout()))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .setTimeToLive(TimeValue.ofMinutes(5))
                        .build())
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnections())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setUserAgent(settings.userAgent())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
    }

    @Override
    public <Q, R> R send(Attempt<Q, R> attempt) {
        PostalOperation<Q, R> op = attempt.operation();
        Operation operation = Operation.of(op);
        Q request = attempt.request();
        Object wire = switch (operation) {
            case QUOTE -> ModelToWire.quoteRequest((org.openpostage.api.model.QuoteRequest) request);
            case PURCHASE -> ModelToWire.purchaseRequest((org.openpostage.api.model.PurchaseRequest) request);
            case PURCHASE_BATCH -> ModelToWire.batchPurchaseRequest(
                    (org.openpostage.api.model.BatchPurchaseRequest) request);
            case REFUND -> ModelToWire.refundRequest((org.openpostage.api.model.RefundRequest) request);
            case VERIFY -> ModelToWire.verifyRequest((org.openpostage.api.model.VerifyRequest) request);
            case LOOKUP_PURCHASE -> ModelToWire.purchaseLookupRequest(
                    (org.openpostage.api.model.PurchaseLookupRequest) request);
            case LIST_PURCHASES -> ModelToWire.purchaseListRequest((org.openpostage.api.model.PurchaseListRequest) request);
            case EXPORT_JOURNAL -> ModelToWire.journalExportRequest(
                    (org.openpostage.api.model.JournalExportRequest) request);
            case ACCOUNT_STATEMENT, BACKGROUNDS, VERIFICATION_KEYS, PRINT_COMPONENT -> null;
        };
        byte[] body = operation.hasRequestBody() ? codec.write(wire) : null;
        try {
            return op.responseType().cast(receive(operation, body, attempt));
        } catch (InvalidRequestException e) { // a response whose values break the model's rules: the server's fault
            throw AttemptFailure.answered(new PostageException(ErrorCode.INTERNAL, "the response of "
                    + operation.method() + " " + operation.path() + " is not valid: " + e.getMessage(), null, e));
        }
    }

    private Object receive(Operation operation, byte[] body, Attempt<?, ?> attempt) {
        return switch (operation) {
            case QUOTE -> WireToModel.rateQuote(exchange(operation, body, Wire.RateQuote.class,
                    Wire.RateQuote.ELEMENT, attempt));
            case PURCHASE -> WireToModel.purchase(exchange(operation, body, Wire.Purchase.class,
                    Wire.Purchase.ELEMENT, attempt), Wire.Purchase.ELEMENT);
            case PURCHASE_BATCH -> WireToModel.batchPurchaseResult(exchange(operation, body,
                    Wire.BatchPurchaseResult.class, Wire.BatchPurchaseResult.ELEMENT, attempt));
            case REFUND -> WireToModel.refund(exchange(operation, body, Wire.Refund.class, Wire.Refund.ELEMENT,
                    attempt));
            case ACCOUNT_STATEMENT -> WireToModel.accountStatement(exchange(operation, body,
                    Wire.AccountStatement.class, Wire.AccountStatement.ELEMENT, attempt));
            case BACKGROUNDS -> WireToModel.backgroundCatalogue(exchange(operation, body,
                    Wire.BackgroundCatalogue.class, Wire.BackgroundCatalogue.ELEMENT, attempt));
            case VERIFICATION_KEYS -> WireToModel.verificationKeySet(exchange(operation, body,
                    Wire.VerificationKeySet.class, Wire.VerificationKeySet.ELEMENT, attempt));
            case PRINT_COMPONENT -> WireToModel.printComponent(exchange(operation, body, Wire.PrintComponent.class,
                    Wire.PrintComponent.ELEMENT, attempt));
            case VERIFY -> WireToModel.verificationResult(exchange(operation, body, Wire.VerificationResult.class,
                    Wire.VerificationResult.ELEMENT, attempt));
            case LOOKUP_PURCHASE -> WireToModel.purchaseRecord(exchange(operation, body, Wire.PurchaseRecord.class,
                    Wire.PurchaseRecord.ELEMENT, attempt));
            case LIST_PURCHASES -> WireToModel.purchasePage(exchange(operation, body, Wire.PurchasePage.class,
                    Wire.PurchasePage.ELEMENT, attempt));
            case EXPORT_JOURNAL -> WireToModel.journalExport(exchange(operation, body, Wire.JournalExport.class,
                    Wire.JournalExport.ELEMENT, attempt));
        };
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            log.debug("closing the HTTP client failed", e);
        }
    }

    /**
     * Sends one request and reads the response document as {@code responseType}; a response whose
     * values break the model's rules is the server's fault, reported as {@link ErrorCode#INTERNAL}.
     */
    private <T> T exchange(Operation operation, byte[] body, Class<T> responseType, String responseRoot,
                           Attempt<?, ?> attempt) {
        CallContext ctx = attempt.context();
        Duration remaining = attempt.remaining();
        HttpUriRequestBase request = operation.hasRequestBody() ? new HttpPost(base + operation.path())
                : new HttpGet(base + operation.path());
        request.setConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.of(remaining))
                .setConnectionRequestTimeout(Timeout.of(min(remaining, settings.connectTimeout())))
                .build());
        request.setHeader("Accept", Headers.MEDIA_TYPE);
        request.setHeader(Headers.REQUEST_ID, ctx.requestId());
        request.setHeader(Headers.TIMEOUT, Long.toString(Math.max(1, remaining.toMillis())));
        if (settings.apiKey() != null) {
            request.setHeader(Headers.API_KEY, settings.apiKey());
        }
        if (operation.keyed()) {
            request.setHeader(Headers.IDEMPOTENCY_KEY, ctx.idempotencyKey());
        }
        if (ctx.trace() != null) {
            request.setHeader(Headers.TRACE_PARENT, ctx.trace().traceParent());
            if (ctx.trace().traceState() != null) {
                request.setHeader(Headers.TRACE_STATE, ctx.trace().traceState());
            }
        }
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, ContentType.create(Headers.MEDIA_TYPE, "UTF-8")));
        }
        String what = operation.method() + " " + operation.path();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            timedOut.set(true);
            request.cancel();
        }, remaining.toNanos(), TimeUnit.NANOSECONDS);
        Raw raw;
        ClientCertificates.reset();
        try {
            raw = http.execute(request, this::readResponse);
        } catch (ResponseTooLarge e) {
            throw AttemptFailure.answered(new PostageException(ErrorCode.INTERNAL, what + ": " + e.getMessage(), null,
                    null));
        } catch (IOException | RuntimeException e) {
            throw failure(what, e, timedOut.get() || attempt.expired());
        } finally {
            timer.cancel(false);
        }
        if (raw.status >= 200 && raw.status < 300) {
            try {
                return codec.read(raw.body, responseType, responseRoot);
            } catch (InvalidRequestException e) {
                throw AttemptFailure.answered(invalidResponse(operation, raw, e.getMessage()));
            }
        }
        throw AttemptFailure.answered(errorOf(operation, raw));
    }

    /** How a failed exchange ended: a TLS configuration problem, no connection, or a lost or late answer. */
    private AttemptFailure failure(String what, Exception e, boolean deadlinePassed) {
        String tls = TlsFailures.configurationProblem(e);
        if (tls == null && !(e instanceof InterruptedIOException) && !deadlinePassed) {
            ClientCertificates.Asked asked = ClientCertificates.last();
            if (asked == ClientCertificates.Asked.ASKED_NONE_OFFERED) {
                tls = "the server asked for a client certificate, none is configured (TlsSettings clientKeyStore), "
                        + "and it closed the connection (" + e + ")";
            } else if (asked == ClientCertificates.Asked.ASKED_ONE_OFFERED && String.valueOf(e.getMessage())
                    .contains("Broken pipe")) { // refused while this client was still sending, right after the handshake
                tls = "the server asked for a client certificate and closed the connection after this client offered "
                        + "its own: it does not accept that certificate (" + e + ")";
            }
        }
        if (tls != null) {
            return AttemptFailure.notSent(new ConfigurationException(what + " to " + base + ": " + tls, e));
        }
        if (e instanceof ConnectException || e instanceof ConnectTimeoutException
                || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
            return AttemptFailure.notSent(new ServiceUnavailableException("cannot connect to " + base + ": " + e, e));
        }
        if (deadlinePassed || e instanceof InterruptedIOException) {
            return AttemptFailure.unknown(new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, what
                    + ": no complete response from " + base + " before the call's deadline", null));
        }
        if (e instanceof RuntimeException r && !(e.getCause() instanceof IOException)) {
            throw r;
        }
        return AttemptFailure.unknown(new ServiceUnavailableException(what + ": the connection to " + base
                + " failed: " + e, e));
    }

    /** The exception an error response stands for, from its {@code <error>} body or, lacking one, its status. */
    private PostageException errorOf(Operation operation, Raw raw) {
        if (raw.isXml() && raw.body.length > 0) {
            try {
                Wire.Error error = codec.read(raw.body, Wire.Error.class, Wire.Error.ELEMENT);
                return WireToModel.error(error, raw.retryAfter);
            } catch (InvalidRequestException e) {
                // not a protocol error document: judge by the status below
            }
        }
        String what = "HTTP " + raw.status + " from " + base + operation.path() + " without an OpenPostage error body";
        return switch (raw.status) {
            case 401, 403 -> new AuthenticationException(what, raw.requestId);
            case 429 -> new RateLimitedException(what, raw.requestId, raw.retryAfter);
            case 502, 503 -> new ServiceUnavailableException(ErrorCode.SERVICE_UNAVAILABLE, what, raw.requestId,
                    raw.retryAfter);
            case 504 -> new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, what, raw.requestId);
            case 400, 413, 415 -> new InvalidRequestException(what, raw.requestId);
            default -> new PostageException(ErrorCode.INTERNAL, what, raw.requestId, null);
        };
    }

    private PostageException invalidResponse(Operation operation, Raw raw, String problem) {
        return new PostageException(ErrorCode.INTERNAL, "the response of " + base + operation.path() + " (HTTP "
                + raw.status + ") is not valid OpenPostage XML: " + problem, raw.requestId, null);
    }

    private Raw readResponse(ClassicHttpResponse response) throws IOException {
        Header type = response.getFirstHeader("Content-Type");
        Header id = response.getFirstHeader(Headers.REQUEST_ID);
        Header retryAfter = response.getFirstHeader("Retry-After");
        HttpEntity entity = response.getEntity();
        byte[] body = entity == null ? new byte[0] : readBounded(entity);
        return new Raw(response.getCode(), type == null ? null : type.getValue(), id == null ? null : id.getValue(),
                body, retryAfter == null ? null : retryAfter(retryAfter.getValue()));
    }

    /**
     * A {@code Retry-After} value as a pause: delta-seconds, or an HTTP date (the pause until then);
     * {@code null} when it is neither.
     */
    static Duration retryAfter(String value) {
        String v = value.strip();
        if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private byte[] readBounded(HttpEntity entity) throws IOException {
        long max = settings.responseLimits().maxBodyBytes();
        if (entity.getContentLength() > max) {
            throw new ResponseTooLarge(max);
        }
        try (InputStream in = entity.getContent()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > max) {
                    throw new ResponseTooLarge(max);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A response as received. */
    private record Raw(int status, String contentType, String requestId, byte[] body, Duration retryAfter) {
        boolean isXml() {
            if (contentType == null) {
                return false;
            }
            String t = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
            return t.equals(Headers.MEDIA_TYPE) || t.equals("text/xml");
        }
    }

    /** A response larger than the client accepts; not retried. */
    private static final class ResponseTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLarge(long max) {
            super("the response is larger than " + max + " bytes (client option xml.maxResponseBytes)");
        }
    }
}
