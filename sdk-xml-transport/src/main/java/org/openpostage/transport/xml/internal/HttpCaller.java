package org.openpostage.transport.xml.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
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
import org.openpostage.api.AuthenticationException;
import org.openpostage.api.CallContext;
import org.openpostage.api.ConfigurationException;
import org.openpostage.api.ErrorCode;
import org.openpostage.api.InvalidRequestException;
import org.openpostage.api.PostageException;
import org.openpostage.api.RateLimitedException;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.ServiceUnavailableException;
import org.openpostage.api.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends protocol calls with httpclient5 (classic API, pooled connections, TLS 1.3/1.2 with
 * hostname verification) and retries them as {@link RetryPolicy} says: only failures that may
 * succeed on a retry, only operations that a retry cannot repeat (read-only or keyed by the same
 * idempotency key; verify only when the request never left), with exponential backoff and full
 * jitter, never past the call's deadline. Thread-safe.
 */
public final class HttpCaller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpCaller.class);

    /** Settings of a caller, taken from the client configuration. */
    public record Settings(URI endpoint, String apiKey, TlsSettings tls, Duration connectTimeout,
                           Duration requestTimeout, RetryPolicy retryPolicy, int maxConnections,
                           HardenedXml.Limits responseLimits, String userAgent) {
    }

    private final Settings settings;
    private final String base;
    private final XmlCodec codec;
    private final CloseableHttpClient http;
    private final Clock clock = Clock.systemUTC();

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
                        .setSslContext(settings.tls().sslContext())
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

    /**
     * Runs {@code operation}: sends {@code request} (a {@link Wire} message, or {@code null} for
     * operations without a body) and returns the response document read as {@code responseType}.
     *
     * @param context the call's context; keyed operations get an idempotency key here if it has none,
     *                and every attempt carries the same one
     * @throws PostageException the server's error, a network failure as {@link ServiceUnavailableException},
     *                          or {@link ErrorCode#INTERNAL} for a response that is not protocol XML
     */
    public <T> T call(Operation operation, Object request, Class<T> responseType, String responseRoot,
                      CallContext context) {
        CallContext ctx = context == null ? CallContext.empty() : context;
        if (operation.keyed()) {
            ctx = ctx.ensureIdempotencyKey();
        }
        ctx = ctx.ensureRequestId();
        Instant deadline = clock.instant().plus(settings.requestTimeout());
        if (ctx.deadline() != null && ctx.deadline().isBefore(deadline)) {
            deadline = ctx.deadline();
        }
        byte[] body = operation.hasRequestBody() ? codec.write(request) : null;
        RetryPolicy policy = settings.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.toMillis() <= 0) {
                throw new ServiceUnavailableException(ErrorCode.DEADLINE_EXCEEDED, operation.method() + " "
                        + operation.path() + ": the deadline passed before attempt " + attempt, ctx.requestId());
            }
            Failure failure;
            try {
                return attempt(operation, body, responseType, responseRoot, ctx, remaining);
            } catch (Failure f) {
                failure = f;
            }
            Duration pause = policy.backoff(attempt, ThreadLocalRandom.current());
            boolean again = failure.retryable && attempt < policy.maxAttempts()
                    && clock.instant().plus(pause).isBefore(deadline);
            if (!again) {
                throw failure.exception;
            }
            log.debug("{} {} attempt {} failed ({}); retrying in {} ms with the same idempotency key",
                    operation.method(), operation.path(), attempt, failure.exception.code(), pause.toMillis());
            sleep(pause);
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            log.debug("closing the HTTP client failed", e);
        }
    }

    private <T> T attempt(Operation operation, byte[] body, Class<T> responseType, String responseRoot,
                          CallContext ctx, Duration remaining) throws Failure {
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
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, ContentType.create(Headers.MEDIA_TYPE, "UTF-8")));
        }
        Raw raw;
        try {
            raw = http.execute(request, this::readResponse);
        } catch (ResponseTooLarge e) {
            throw new Failure(new PostageException(ErrorCode.INTERNAL, operation.method() + " " + operation.path()
                    + ": " + e.getMessage(), null, null), false);
        } catch (SSLHandshakeException | SSLPeerUnverifiedException e) {
            throw new Failure(new ConfigurationException("the TLS handshake with " + base + " failed (check the trust "
                    + "store, the client certificate and the host name): " + e.getMessage(), e), false);
        } catch (ConnectException | ConnectTimeoutException | NoRouteToHostException | UnknownHostException e) {
            throw new Failure(new ServiceUnavailableException("cannot connect to " + base + ": " + e, e), true);
        } catch (InterruptedIOException e) {
            // A timeout while waiting for the response (or for a pooled connection).
            throw new Failure(new ServiceUnavailableException(operation.method() + " " + operation.path()
                    + ": no response from " + base + " in time: " + e, e), operation.safeToRepeat());
        } catch (IOException e) {
            throw new Failure(new ServiceUnavailableException(operation.method() + " " + operation.path()
                    + ": the connection to " + base + " failed: " + e, e), operation.safeToRepeat());
        }
        if (raw.status >= 200 && raw.status < 300) {
            try {
                return codec.read(raw.body, responseType, responseRoot);
            } catch (InvalidRequestException e) {
                throw new Failure(invalidResponse(operation, raw, e.getMessage()), false);
            }
        }
        PostageException error = errorOf(operation, raw);
        boolean retryable = error.retryable() && (operation.safeToRepeat()
                || error.code() == ErrorCode.RATE_LIMITED || error.code() == ErrorCode.SERVICE_UNAVAILABLE);
        throw new Failure(error, retryable);
    }

    /** The exception an error response stands for, from its {@code <error>} body or, lacking one, its status. */
    private PostageException errorOf(Operation operation, Raw raw) {
        if (raw.isXml() && raw.body.length > 0) {
            try {
                return WireToModel.error(codec.read(raw.body, Wire.Error.class, Wire.Error.ELEMENT));
            } catch (InvalidRequestException e) {
                // not a protocol error document: judge by the status below
            }
        }
        String what = "HTTP " + raw.status + " from " + base + operation.path() + " without an OpenPostage error body";
        return switch (raw.status) {
            case 401, 403 -> new AuthenticationException(what, raw.requestId);
            case 429 -> new RateLimitedException(what, raw.requestId);
            case 502, 503 -> new ServiceUnavailableException(ErrorCode.SERVICE_UNAVAILABLE, what, raw.requestId);
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
        HttpEntity entity = response.getEntity();
        byte[] body = entity == null ? new byte[0] : readBounded(entity);
        return new Raw(response.getCode(), type == null ? null : type.getValue(), id == null ? null : id.getValue(), body);
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

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while waiting to retry", e);
        }
    }

    /** A response as received. */
    private record Raw(int status, String contentType, String requestId, byte[] body) {
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

    /** One failed attempt and whether another may succeed. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient PostageException exception;
        private final boolean retryable;

        Failure(PostageException exception, boolean retryable) {
            super(null, null, false, false);
            this.exception = exception;
            this.retryable = retryable;
        }
    }
}
