package org.openpostage.transport.grpc;

import java.util.Set;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.TransportProvider;
import org.openpostage.api.spi.PipelinedPostalClient;
import org.openpostage.transport.grpc.internal.client.ClientOptions;
import org.openpostage.transport.grpc.internal.client.GrpcTransport;

/**
 * The gRPC transport, found by {@link org.openpostage.api.PostalClients} for endpoints
 * {@code grpcs://host:port} (TLS) and {@code grpc://host:port} (plain text, for loopback tests
 * only). Its clients run every call through the pipeline all transports share
 * ({@link PipelinedPostalClient}: one deadline per call, the same retries, keys and interceptors),
 * use one channel per client, and read these
 * {@link ClientConfig#options() options}:
 *
 * <ul>
 *   <li>{@value #MAX_INBOUND_MESSAGE_SIZE}: the largest response in bytes (a number, or with a
 *       {@code KiB}/{@code MiB} suffix); default 128 MiB, enough for 500 indicia rendered as PNG.</li>
 *   <li>{@value #KEEP_ALIVE_TIME}: ping idle connections this often (milliseconds or ISO-8601,
 *       at least 60 s); default no pings.</li>
 *   <li>{@value #AUTHORITY}: the host name the server's certificate must name, when it differs
 *       from the endpoint's host (connecting by IP address, say).</li>
 * </ul>
 *
 * Other {@code grpc.} keys are rejected as typos.
 */
public final class GrpcTransportProvider implements TransportProvider {
    /** Option: the largest response accepted, in bytes. */
    public static final String MAX_INBOUND_MESSAGE_SIZE = ClientOptions.MAX_INBOUND_MESSAGE_SIZE;
    /** Option: the keepalive ping interval. */
    public static final String KEEP_ALIVE_TIME = ClientOptions.KEEP_ALIVE_TIME;
    /** Option: the authority (TLS host name) to use instead of the endpoint's host. */
    public static final String AUTHORITY = ClientOptions.AUTHORITY;

    /** Discovery needs a public no-argument constructor. */
    public GrpcTransportProvider() {
    }

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("grpc", "grpcs");
    }

    @Override
    public PostalClient connect(ClientConfig config) {
        return new PipelinedPostalClient(config, new GrpcTransport(config));
    }
}
