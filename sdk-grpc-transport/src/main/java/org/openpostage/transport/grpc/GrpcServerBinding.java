package org.openpostage.transport.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpostage.api.PostalService;
import org.openpostage.api.spi.Authenticator;
import org.openpostage.transport.grpc.internal.proto.PostalServiceGrpc;
import org.openpostage.transport.grpc.internal.server.ConnectionLogs;
import org.openpostage.transport.grpc.internal.server.PostalServiceDefinitions;
import org.openpostage.transport.grpc.internal.server.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes any {@link PostalService} over gRPC as {@code openpostage.v1.PostalService}.
 *
 * <p>Every call is authenticated by the {@link Authenticator} (API key from the {@code x-api-key}
 * metadata entry, client certificate chain from the TLS session) before the service runs, and the
 * service receives a {@link org.openpostage.api.CallContext} with the {@code idempotency-key}, the
 * deadline (the client's, or {@link GrpcServerOptions#defaultDeadline()}), the request id
 * ({@code x-request-id}, generated when absent and echoed in the response) and the caller.
 * Errors travel as gRPC statuses with an {@code ErrorInfo} detail; unexpected exceptions become
 * INTERNAL with a generic message and are logged under the request id.
 *
 * <p>Standalone:
 * <pre>{@code
 * try (GrpcServerBinding grpc = new GrpcServerBinding(service, authenticator, options).start()) {
 *     grpc.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Mounted on a server built elsewhere: {@link #configure(NettyServerBuilder)} applies TLS,
 * limits and all services to a Netty builder; or add {@link #services()} (or just
 * {@link #serviceDefinition()}, which carries its own interceptors) to any {@code ServerBuilder}
 * and set its limits yourself. Either way, {@link #close()} the binding when the server stops.
 *
 * <p>Thread-safe.
 */
public final class GrpcServerBinding implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GrpcServerBinding.class);

    private final GrpcServerOptions options;
    private final ScheduledExecutorService deadlineTimer;
    private final ServerServiceDefinition serviceDefinition;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;

    /**
     * @param service       the implementation to expose
     * @param authenticator decides who each call comes from
     * @param options       address, TLS and limits
     */
    public GrpcServerBinding(PostalService service, Authenticator authenticator, GrpcServerOptions options) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(authenticator, "authenticator");
        this.options = Objects.requireNonNull(options, "options");
        this.deadlineTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "openpostage-grpc-deadlines");
            t.setDaemon(true);
            return t;
        });
        ConnectionLogs.install();
        this.serviceDefinition = PostalServiceDefinitions.create(service, authenticator,
                options.maxConcurrentCalls(), options.defaultDeadline(), deadlineTimer);
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(PostalServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    }

    /**
     * The {@code openpostage.v1.PostalService} definition with its interceptors (request id,
     * concurrency limit, default deadline, authentication): complete on its own, so it can be added
     * to any {@code ServerBuilder}, including an in-process one.
     */
    public ServerServiceDefinition serviceDefinition() {
        return serviceDefinition;
    }

    /**
     * The postal service, the standard health service, and server reflection unless disabled, both
     * as {@code grpc.reflection.v1} and as {@code v1alpha}, which older tools still ask for.
     */
    @SuppressWarnings("deprecation") // ProtoReflectionService is v1alpha, kept for older tools
    public List<ServerServiceDefinition> services() {
        List<ServerServiceDefinition> services = new ArrayList<>();
        services.add(serviceDefinition);
        services.add(health.getHealthService().bindService());
        if (options.reflection()) {
            services.add(ProtoReflectionServiceV1.newInstance().bindService());
            services.add(ProtoReflectionService.newInstance().bindService());
        }
        return services;
    }

    /**
     * Reports the postal service (and the server as a whole) as serving or not in the standard
     * health service, e.g. {@code false} while the implementation's database does not answer.
     */
    public void setServing(boolean serving) {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(PostalServiceGrpc.SERVICE_NAME, status);
    }

    /** The health status manager, to report NOT_SERVING while the service's dependencies are down. */
    public HealthStatusManager health() {
        return health;
    }

    /**
     * Applies these options to {@code builder}: TLS and client certificates (unless plain text),
     * message, metadata and stream limits, handshake timeout, keepalive and connection ageing,
     * and adds {@link #services()}.
     *
     * @return {@code builder}
     */
    public NettyServerBuilder configure(NettyServerBuilder builder) {
        if (options.tls()) {
            builder.sslContext(ServerTls.sslContext(options.keyManager(), options.clientTrust(),
                    nettyClientAuth(options.clientAuth())));
        }
        builder.maxInboundMessageSize(options.maxInboundMessageSize())
                .maxInboundMetadataSize(options.maxInboundMetadataSize())
                .maxConcurrentCallsPerConnection(options.maxConcurrentCallsPerConnection())
                .handshakeTimeout(millis(options.handshakeTimeout()), TimeUnit.MILLISECONDS)
                .keepAliveTime(millis(options.keepAliveTime()), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(millis(options.keepAliveTimeout()), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(millis(options.permitKeepAliveTime()), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(millis(options.maxConnectionIdle()), TimeUnit.MILLISECONDS)
                .maxConnectionAge(millis(options.maxConnectionAge()), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(millis(options.maxConnectionAgeGrace()), TimeUnit.MILLISECONDS);
        services().forEach(builder::addService);
        return builder;
    }

    /**
     * Starts a server of its own on {@link GrpcServerOptions#address()}.
     *
     * @return this binding
     * @throws IOException           if the address cannot be bound
     * @throws IllegalStateException if already started
     */
    public synchronized GrpcServerBinding start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = configure(NettyServerBuilder.forAddress(options.address())).build().start();
        log.info("OpenPostage gRPC server listening on {} ({}, client certificates {})",
                server.getListenSockets(), options.tls() ? "TLS" : "PLAIN TEXT", options.clientAuth());
        return this;
    }

    /** The port the started server listens on (the real one when {@link GrpcServerOptions#address()} asked for 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /** Blocks until the started server terminates. */
    public void awaitTermination() throws InterruptedException {
        Server s;
        synchronized (this) {
            s = server;
        }
        if (s != null) {
            s.awaitTermination();
        }
    }

    /**
     * Reports NOT_SERVING, stops the started server (running calls get the shutdown grace period,
     * then are cancelled) and the deadline timer. Idempotent.
     */
    @Override
    public synchronized void close() {
        health.enterTerminalState();
        if (server != null && !server.isShutdown()) {
            server.shutdown();
            try {
                if (!server.awaitTermination(millis(options.shutdownGracePeriod()), TimeUnit.MILLISECONDS)) {
                    server.shutdownNow();
                    server.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
            log.info("OpenPostage gRPC server stopped");
        }
        deadlineTimer.shutdownNow();
    }

    private static ClientAuth nettyClientAuth(GrpcServerOptions.ClientAuth clientAuth) {
        return switch (clientAuth) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRE -> ClientAuth.REQUIRE;
        };
    }

    private static long millis(Duration d) {
        return d.toMillis();
    }
}
