package org.openpostage.transport.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.TlsSettings;

/**
 * A {@link GrpcServerBinding} over real TLS on 127.0.0.1 with an ephemeral port, serving an
 * {@link InMemoryPostalService} with the {@link TestAuthenticator}, and the clients to reach it.
 */
final class GrpcTestServer implements AutoCloseable {
    final TestPki pki = TestPki.get();
    final InMemoryPostalService service = new InMemoryPostalService();
    final TestAuthenticator authenticator = new TestAuthenticator();
    final GrpcServerBinding binding;

    private GrpcTestServer(Consumer<GrpcServerOptions.Builder> customizer) {
        GrpcServerOptions.Builder options = GrpcServerOptions.builder().bindAddress("127.0.0.1").port(0)
                .tlsPem(pki.serverChainPem, pki.serverKeyPem);
        customizer.accept(options);
        try {
            binding = new GrpcServerBinding(service, authenticator, options.build()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server with the default options. */
    static GrpcTestServer start() {
        return start(o -> { });
    }

    /** A server whose options {@code customizer} adjusts. */
    static GrpcTestServer start(Consumer<GrpcServerOptions.Builder> customizer) {
        return new GrpcTestServer(customizer);
    }

    /** The endpoint, as a portal would configure it. */
    String endpoint() {
        return "grpcs://localhost:" + binding.port();
    }

    /** A client configuration with the test API key and trust in the test CA; quick retries. */
    ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint(endpoint()).apiKey(TestAuthenticator.TEST_KEY).tls(pki.trustOnly())
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)));
    }

    /** A client found through {@link PostalClients}, by the endpoint's scheme. */
    PostalClient client() {
        return PostalClients.connect(config().build());
    }

    /** A raw gRPC channel with TLS trust in the test CA, for calls the SDK client would not make. */
    ManagedChannel rawChannel() {
        return rawChannel(pki.trustOnly());
    }

    /** A raw gRPC channel with {@code tls}. */
    ManagedChannel rawChannel(TlsSettings tls) {
        try {
            var ssl = GrpcSslContexts.forClient().trustManager(tls.trustManagers()[0]);
            if (tls.hasClientCertificate()) {
                ssl.keyManager(tls.keyManagers()[0]);
            }
            return NettyChannelBuilder.forAddress("localhost", binding.port()).sslContext(ssl.build()).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        binding.close();
    }
}
