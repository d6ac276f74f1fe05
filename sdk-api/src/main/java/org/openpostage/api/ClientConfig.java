package org.openpostage.api;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.internal.Checks;

/**
 * Everything a portal configures to reach a postal server. The endpoint URI's scheme picks the
 * transport: {@code https://host:8443} speaks XML over HTTPS, {@code grpcs://host:9443} speaks
 * gRPC over TLS (and {@code grpc://} gRPC in plain text, for loopback tests only). Nothing else
 * changes between them.
 *
 * <pre>{@code
 * PostalClient postal = PostalClients.connect(ClientConfig.builder()
 *         .endpoint(URI.create("https://postal.example:8443"))
 *         .apiKey(System.getenv("OPENPOSTAGE_API_KEY"))
 *         .tls(TlsSettings.builder().trustCertificates(Path.of("postal-ca.pem")).build())
 *         .build());
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the API key.
 */
public final class ClientConfig {
    /** How many threads a client starts at most for asynchronous calls when no executor is configured. */
    public static final int DEFAULT_ASYNC_THREADS = 32;

    private final URI endpoint;
    private final String apiKey;
    private final TlsSettings tls;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final String transport;
    private final Map<String, String> options;
    private final List<ClientInterceptor> interceptors;
    private final @Nullable Executor asyncExecutor;

    private ClientConfig(Builder b) {
        this.endpoint = Checks.notNull("endpoint", b.endpoint);
        if (endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new ConfigurationException("endpoint '" + endpoint + "' needs a scheme and a host, "
                    + "for example https://postal.example:8443 or grpcs://postal.example:9443");
        }
        this.apiKey = b.apiKey;
        this.tls = b.tls;
        this.connectTimeout = positive("connectTimeout", b.connectTimeout);
        this.requestTimeout = positive("requestTimeout", b.requestTimeout);
        this.retryPolicy = Objects.requireNonNull(b.retryPolicy, "retryPolicy");
        this.transport = b.transport;
        this.options = Map.copyOf(b.options);
        this.interceptors = List.copyOf(b.interceptors);
        this.asyncExecutor = b.asyncExecutor;
    }

    /** A builder with the defaults: system trust, 5 s connect timeout, 30 s request timeout, default retries. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a configuration from string properties, as found in a properties file or environment:
     * {@code endpoint} (required), {@code apiKey}, {@code trustCertificates} (PEM path),
     * {@code trustStore} and {@code trustStorePassword} (PKCS#12), {@code clientKeyStore} and
     * {@code clientKeyStorePassword} (PKCS#12), {@code connectTimeout} and {@code requestTimeout}
     * (durations with a unit, such as {@code 5s} or {@code PT5S}: {@link Settings#duration}), {@code maxAttempts},
     * {@code transport}; any other key starting with {@code option.} becomes a transport option.
     *
     * @throws ConfigurationException naming the key whose value is unusable
     */
    public static ClientConfig fromProperties(Map<String, String> p) {
        Builder b = builder();
        String endpoint = p.get("endpoint");
        if (endpoint == null || endpoint.isBlank()) {
            throw new ConfigurationException("endpoint is required, for example https://postal.example:8443");
        }
        try {
            b.endpoint(URI.create(endpoint.strip()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("endpoint '" + endpoint + "' is not a URI: " + e.getMessage());
        }
        b.apiKey(p.get("apiKey"));
        TlsSettings.Builder tls = TlsSettings.builder();
        boolean customTls = false;
        if (p.get("trustCertificates") != null) {
            tls.trustCertificates(Path.of(p.get("trustCertificates")));
            customTls = true;
        }
        if (p.get("trustStore") != null) {
            tls.trustStore(Path.of(p.get("trustStore")), password(p.get("trustStorePassword")));
            customTls = true;
        }
        if (p.get("clientKeyStore") != null) {
            tls.clientKeyStore(Path.of(p.get("clientKeyStore")), password(p.get("clientKeyStorePassword")));
            customTls = true;
        }
        if (customTls) {
            b.tls(tls.build());
        }
        if (p.get("connectTimeout") != null) {
            b.connectTimeout(Settings.duration("connectTimeout", p.get("connectTimeout")));
        }
        if (p.get("requestTimeout") != null) {
            b.requestTimeout(Settings.duration("requestTimeout", p.get("requestTimeout")));
        }
        if (p.get("maxAttempts") != null) {
            RetryPolicy d = RetryPolicy.defaults();
            try {
                b.retryPolicy(new RetryPolicy(Integer.parseInt(p.get("maxAttempts").strip()), d.initialBackoff(),
                        d.maxBackoff()));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("maxAttempts '" + p.get("maxAttempts") + "' is not a number");
            }
        }
        b.transport(p.get("transport"));
        p.forEach((k, v) -> {
            if (k.startsWith("option.")) {
                b.option(k.substring("option.".length()), v);
            }
        });
        return b.build();
    }

    /** The postal server's endpoint; its scheme picks the transport. */
    public URI endpoint() {
        return endpoint;
    }

    /** The endpoint's scheme in lower case. */
    public String scheme() {
        return endpoint.getScheme().toLowerCase(Locale.ROOT);
    }

    /** The API key sent with every call, or {@code null} when the client authenticates by certificate only. */
    public @Nullable String apiKey() {
        return apiKey;
    }

    /** TLS trust and client identity. */
    public TlsSettings tls() {
        return tls;
    }

    /** How long to wait for a connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long one call may take, all its attempts and the pauses between them included: the call's
     * deadline is the earlier of its context's deadline and its start plus this timeout.
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How failed calls are retried. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The transport named explicitly (see {@link org.openpostage.api.TransportProvider#name()}), or {@code null}. */
    public @Nullable String transport() {
        return transport;
    }

    /** Transport-specific options; each transport documents the ones it reads. */
    public Map<String, String> options() {
        return options;
    }

    /** The interceptors every call passes, the first outermost. */
    public List<ClientInterceptor> interceptors() {
        return interceptors;
    }

    /**
     * The executor that runs asynchronous calls ({@link PostalClient#callAsync}), or {@code null}
     * when the client runs them on threads of its own: at most {@value #DEFAULT_ASYNC_THREADS}
     * daemon threads (more would only wait for connections), idle ones ending after a minute,
     * stopped when the client is closed. An executor given here is the application's: the client
     * never shuts it down. On Java 21 and later, {@code Executors.newVirtualThreadPerTaskExecutor()}
     * is a good choice.
     */
    public @Nullable Executor asyncExecutor() {
        return asyncExecutor;
    }

    /** A builder holding this configuration, to change some of it. */
    public Builder toBuilder() {
        Builder b = new Builder().endpoint(endpoint).apiKey(apiKey).tls(tls).connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout).retryPolicy(retryPolicy).transport(transport)
                .asyncExecutor(asyncExecutor);
        b.options.putAll(options);
        b.interceptors.addAll(interceptors);
        return b;
    }

    @Override
    public String toString() {
        return "ClientConfig[endpoint=" + endpoint + ", apiKey=" + (apiKey == null ? "none" : "****") + ", tls=" + tls
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", retry="
                + retryPolicy + (transport == null ? "" : ", transport=" + transport) + "]";
    }

    private static Duration positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigurationException(name + " must be a positive duration, was " + d);
        }
        return d;
    }

    private static char[] password(String p) {
        return p == null ? new char[0] : p.toCharArray();
    }

    /** Builds a {@link ClientConfig}. Not thread-safe. */
    public static final class Builder {
        private URI endpoint;
        private String apiKey;
        private TlsSettings tls = TlsSettings.systemDefault();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String transport;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final List<ClientInterceptor> interceptors = new ArrayList<>();
        private @Nullable Executor asyncExecutor;

        private Builder() {
        }

        /** The postal server's endpoint (required). */
        public Builder endpoint(URI endpoint) { this.endpoint = endpoint; return this; }
        /** The postal server's endpoint (required). */
        public Builder endpoint(String endpoint) { return endpoint(URI.create(endpoint)); }
        /** The API key. */
        public Builder apiKey(String apiKey) { this.apiKey = apiKey; return this; }
        /** TLS trust and client identity. */
        public Builder tls(TlsSettings tls) { this.tls = Objects.requireNonNull(tls, "tls"); return this; }
        /** The connect timeout. */
        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }
        /** How long a call may take, retries included (default 30 s); see {@link ClientConfig#requestTimeout()}. */
        public Builder requestTimeout(Duration d) { this.requestTimeout = d; return this; }
        /** The retry policy. */
        public Builder retryPolicy(RetryPolicy p) { this.retryPolicy = p; return this; }
        /** Picks a transport by name when several claim the endpoint's scheme. */
        public Builder transport(String name) { this.transport = name; return this; }
        /** Sets a transport-specific option. */
        public Builder option(String key, String value) { options.put(key, value); return this; }
        /** Adds an interceptor after those added before (the first added is outermost). */
        public Builder interceptor(ClientInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Runs asynchronous calls on {@code executor} (the application's, never shut down by the
         * client) instead of the client's own threads; {@code null} restores those.
         */
        public Builder asyncExecutor(@Nullable Executor executor) { this.asyncExecutor = executor; return this; }

        /** The configuration. @throws ConfigurationException if the endpoint is missing or a value is unusable */
        public ClientConfig build() {
            if (endpoint == null) {
                throw new ConfigurationException("endpoint is required, for example https://postal.example:8443");
            }
            return new ClientConfig(this);
        }
    }
}
