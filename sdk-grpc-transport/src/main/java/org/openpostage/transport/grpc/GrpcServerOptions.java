package org.openpostage.transport.grpc;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.transport.grpc.internal.server.ServerTls;

/**
 * How a {@link GrpcServerBinding} listens and what it tolerates: address, TLS and client
 * certificates, message and metadata sizes, concurrency, the default deadline, keepalive and
 * connection ageing, and whether server reflection is offered.
 *
 * <pre>{@code
 * GrpcServerOptions options = GrpcServerOptions.builder()
 *         .port(9443)
 *         .tlsPem(Path.of("server-chain.pem"), Path.of("server-key.pem"))
 *         .clientAuth(GrpcServerOptions.ClientAuth.REQUIRE, Path.of("portal-ca.pem"))
 *         .build();
 * }</pre>
 *
 * <p>Every limit has a default suited to production (see the builder's methods and
 * docs/protocol/grpc.md). Immutable and thread-safe.
 */
public final class GrpcServerOptions {
    /** The default port. */
    public static final int DEFAULT_PORT = 9443;
    /** The default largest request message: 4 MiB, more than ten times the largest valid request (a full batch). */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;
    /** The default largest request metadata (headers): 8 KiB. */
    public static final int DEFAULT_MAX_INBOUND_METADATA_SIZE = 8 * 1024;
    /** The default number of postal calls handled at once across all connections. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 256;
    /** The default number of concurrent calls (HTTP/2 streams) one connection may open. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION = 100;
    /** The default deadline of calls that arrive without one. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    /** Whether and how the server asks clients for a TLS certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for; callers authenticate by API key. */
        NONE,
        /** A client certificate is asked for and verified if presented; callers without one may use an API key. */
        OPTIONAL,
        /** Mutual TLS: a client without a trusted certificate fails the handshake. */
        REQUIRE
    }

    private final InetSocketAddress address;
    private final X509KeyManager keyManager;
    private final X509TrustManager clientTrust;
    private final ClientAuth clientAuth;
    private final int maxInboundMessageSize;
    private final int maxInboundMetadataSize;
    private final int maxConcurrentCalls;
    private final int maxConcurrentCallsPerConnection;
    private final Duration defaultDeadline;
    private final Duration handshakeTimeout;
    private final Duration keepAliveTime;
    private final Duration keepAliveTimeout;
    private final Duration permitKeepAliveTime;
    private final Duration maxConnectionIdle;
    private final Duration maxConnectionAge;
    private final Duration maxConnectionAgeGrace;
    private final Duration shutdownGracePeriod;
    private final boolean reflection;

    private GrpcServerOptions(Builder b) {
        this.address = b.host == null ? new InetSocketAddress(b.port) : new InetSocketAddress(b.host, b.port);
        this.keyManager = b.keyManager;
        this.clientTrust = b.clientTrust;
        this.clientAuth = b.clientAuth;
        this.maxInboundMessageSize = b.maxInboundMessageSize;
        this.maxInboundMetadataSize = b.maxInboundMetadataSize;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.maxConcurrentCallsPerConnection = b.maxConcurrentCallsPerConnection;
        this.defaultDeadline = b.defaultDeadline;
        this.handshakeTimeout = b.handshakeTimeout;
        this.keepAliveTime = b.keepAliveTime;
        this.keepAliveTimeout = b.keepAliveTimeout;
        this.permitKeepAliveTime = b.permitKeepAliveTime;
        this.maxConnectionIdle = b.maxConnectionIdle;
        this.maxConnectionAge = b.maxConnectionAge;
        this.maxConnectionAgeGrace = b.maxConnectionAgeGrace;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
        this.reflection = b.reflection;
    }

    /** A builder with the defaults; it needs {@link Builder#tls} (or, for loopback tests, {@link Builder#plaintext()}). */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the server listens. */
    public InetSocketAddress address() { return address; }
    /** Whether the server speaks TLS; {@code false} only after {@link Builder#plaintext()}. */
    public boolean tls() { return keyManager != null; }
    /** The server's certificate and key, or {@code null} in plain text. */
    public X509KeyManager keyManager() { return keyManager; }
    /** The trust that client certificates are verified against, or {@code null} when none are asked for. */
    public X509TrustManager clientTrust() { return clientTrust; }
    /** Whether client certificates are asked for. */
    public ClientAuth clientAuth() { return clientAuth; }
    /** The largest request message accepted, in bytes; larger ones get RESOURCE_EXHAUSTED. */
    public int maxInboundMessageSize() { return maxInboundMessageSize; }
    /** The largest request metadata accepted, in bytes. */
    public int maxInboundMetadataSize() { return maxInboundMetadataSize; }
    /** Postal calls handled at once; more get RESOURCE_EXHAUSTED (RATE_LIMITED). */
    public int maxConcurrentCalls() { return maxConcurrentCalls; }
    /** Concurrent calls (HTTP/2 streams) per connection. */
    public int maxConcurrentCallsPerConnection() { return maxConcurrentCallsPerConnection; }
    /** The deadline given to calls that arrive without one. */
    public Duration defaultDeadline() { return defaultDeadline; }
    /** How long a connection may take to complete its TLS handshake. */
    public Duration handshakeTimeout() { return handshakeTimeout; }
    /** How often the server pings an idle connection to see if the client is still there. */
    public Duration keepAliveTime() { return keepAliveTime; }
    /** How long the server waits for a ping's answer before closing the connection. */
    public Duration keepAliveTimeout() { return keepAliveTimeout; }
    /** The most often a client may ping; a client pinging more often is disconnected. */
    public Duration permitKeepAliveTime() { return permitKeepAliveTime; }
    /** How long a connection without calls stays open. */
    public Duration maxConnectionIdle() { return maxConnectionIdle; }
    /** How long a connection lives before the server asks the client to reconnect (spreads load after scaling). */
    public Duration maxConnectionAge() { return maxConnectionAge; }
    /** How long calls on an aged connection may still run. */
    public Duration maxConnectionAgeGrace() { return maxConnectionAgeGrace; }
    /** How long {@link GrpcServerBinding#close()} lets running calls finish. */
    public Duration shutdownGracePeriod() { return shutdownGracePeriod; }
    /** Whether the gRPC server reflection service (v1) is offered. */
    public boolean reflection() { return reflection; }

    @Override
    public String toString() {
        return "GrpcServerOptions[address=" + address + ", tls=" + tls() + ", clientAuth=" + clientAuth
                + ", maxInboundMessageSize=" + maxInboundMessageSize + ", maxConcurrentCalls=" + maxConcurrentCalls
                + ", defaultDeadline=" + defaultDeadline + ", reflection=" + reflection + "]";
    }

    /** Builds {@link GrpcServerOptions}. Files are read when their method is called. Not thread-safe. */
    public static final class Builder {
        private String host;
        private int port = DEFAULT_PORT;
        private X509KeyManager keyManager;
        private boolean plaintext;
        private X509TrustManager clientTrust;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
        private int maxInboundMetadataSize = DEFAULT_MAX_INBOUND_METADATA_SIZE;
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        private int maxConcurrentCallsPerConnection = DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION;
        private Duration defaultDeadline = DEFAULT_DEADLINE;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration keepAliveTime = Duration.ofMinutes(5);
        private Duration keepAliveTimeout = Duration.ofSeconds(20);
        private Duration permitKeepAliveTime = Duration.ofSeconds(60);
        private Duration maxConnectionIdle = Duration.ofMinutes(30);
        private Duration maxConnectionAge = Duration.ofHours(1);
        private Duration maxConnectionAgeGrace = Duration.ofSeconds(30);
        private Duration shutdownGracePeriod = Duration.ofSeconds(10);
        private boolean reflection = true;

        private Builder() {
        }

        /** The port, 0 for an ephemeral one (read it back with {@link GrpcServerBinding#port()}); default 9443. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new ConfigurationException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The address to bind, for example {@code 127.0.0.1}; default all interfaces. */
        public Builder bindAddress(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Serve TLS with the certificate and key of {@code keyManager}. */
        public Builder tls(X509KeyManager keyManager) {
            this.keyManager = Objects.requireNonNull(keyManager, "keyManager");
            return this;
        }

        /** Serve TLS with the first key of {@code keyStore}, protected by {@code password}. */
        public Builder tls(KeyStore keyStore, char[] password) {
            return tls(ServerTls.keyManager(keyStore, password));
        }

        /** Serve TLS with a PEM certificate chain (leaf first) and an unencrypted PKCS#8 PEM key. */
        public Builder tlsPem(Path certificateChain, Path privateKey) {
            return tls(ServerTls.keyManagerFromPem(certificateChain, privateKey));
        }

        /** Serve TLS with the certificate and key of PKCS#12 file {@code p12}. */
        public Builder tlsPkcs12(Path p12, char[] password) {
            return tls(ServerTls.keyManagerFromPkcs12(p12, password));
        }

        /** Serve plain text, without TLS. For tests on loopback only: API keys would travel in clear. */
        public Builder plaintext() {
            this.plaintext = true;
            return this;
        }

        /** Ask for client certificates as {@code clientAuth} says, verified against {@code trust}. */
        public Builder clientAuth(ClientAuth clientAuth, X509TrustManager trust) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            this.clientTrust = trust;
            return this;
        }

        /** Ask for client certificates as {@code clientAuth} says, issued by a CA in PEM file {@code trustedCas}. */
        public Builder clientAuth(ClientAuth clientAuth, Path trustedCas) {
            return clientAuth(clientAuth, ServerTls.trustManagerFromPem(trustedCas));
        }

        /** The largest request message in bytes (default 4 MiB); larger ones get RESOURCE_EXHAUSTED. */
        public Builder maxInboundMessageSize(int bytes) {
            this.maxInboundMessageSize = atLeast("maxInboundMessageSize", bytes, 1024);
            return this;
        }

        /** The largest request metadata in bytes (default 8 KiB). */
        public Builder maxInboundMetadataSize(int bytes) {
            this.maxInboundMetadataSize = atLeast("maxInboundMetadataSize", bytes, 1024);
            return this;
        }

        /** Postal calls handled at once across all connections (default 256); more get RESOURCE_EXHAUSTED. */
        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = atLeast("maxConcurrentCalls", calls, 1);
            return this;
        }

        /** Concurrent calls (HTTP/2 streams) one connection may open (default 100). */
        public Builder maxConcurrentCallsPerConnection(int calls) {
            this.maxConcurrentCallsPerConnection = atLeast("maxConcurrentCallsPerConnection", calls, 1);
            return this;
        }

        /** The deadline of calls that arrive without one (default 30 s). */
        public Builder defaultDeadline(Duration d) { this.defaultDeadline = positive("defaultDeadline", d); return this; }
        /** The TLS handshake timeout (default 10 s). */
        public Builder handshakeTimeout(Duration d) { this.handshakeTimeout = positive("handshakeTimeout", d); return this; }
        /** The keepalive ping interval on idle connections (default 5 min). */
        public Builder keepAliveTime(Duration d) { this.keepAliveTime = positive("keepAliveTime", d); return this; }
        /** How long to wait for a keepalive ping's answer (default 20 s). */
        public Builder keepAliveTimeout(Duration d) { this.keepAliveTimeout = positive("keepAliveTimeout", d); return this; }
        /** The shortest ping interval clients may use (default 60 s). */
        public Builder permitKeepAliveTime(Duration d) { this.permitKeepAliveTime = positive("permitKeepAliveTime", d); return this; }
        /** How long an idle connection stays open (default 30 min). */
        public Builder maxConnectionIdle(Duration d) { this.maxConnectionIdle = positive("maxConnectionIdle", d); return this; }
        /** The age after which a connection is asked to reconnect (default 1 h). */
        public Builder maxConnectionAge(Duration d) { this.maxConnectionAge = positive("maxConnectionAge", d); return this; }
        /** How long calls on an aged connection may still run (default 30 s). */
        public Builder maxConnectionAgeGrace(Duration d) { this.maxConnectionAgeGrace = positive("maxConnectionAgeGrace", d); return this; }
        /** How long closing waits for running calls (default 10 s). */
        public Builder shutdownGracePeriod(Duration d) { this.shutdownGracePeriod = positive("shutdownGracePeriod", d); return this; }

        /** Whether to offer server reflection (default {@code true}: the schema is public anyway). */
        public Builder reflection(boolean enabled) {
            this.reflection = enabled;
            return this;
        }

        /**
         * The options.
         *
         * @throws ConfigurationException if neither TLS nor plain text was chosen, both were, or
         *                                client certificates are asked for without TLS or trust
         */
        public GrpcServerOptions build() {
            if (keyManager == null && !plaintext) {
                throw new ConfigurationException("the gRPC server needs TLS: call tls(...), tlsPem(...) or "
                        + "tlsPkcs12(...), or plaintext() for loopback tests");
            }
            if (keyManager != null && plaintext) {
                throw new ConfigurationException("choose either TLS or plaintext(), not both");
            }
            if (clientAuth != ClientAuth.NONE && (plaintext || clientTrust == null)) {
                throw new ConfigurationException("client certificates (" + clientAuth + ") need TLS and the CAs "
                        + "to trust: clientAuth(mode, trustedCas)");
            }
            return new GrpcServerOptions(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new ConfigurationException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new ConfigurationException(name + " must be a positive duration, was " + d);
            }
            return d;
        }
    }
}
