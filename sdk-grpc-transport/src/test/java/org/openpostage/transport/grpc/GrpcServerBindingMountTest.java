package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.RetryPolicy;
import org.openpostage.api.error.AuthenticationException;
import org.openpostage.api.error.RateLimitedException;

/** The binding mounted on servers built elsewhere, as the reference postal server does. */
class GrpcServerBindingMountTest {
    private final TestPki pki = TestPki.get();

    @Test
    void configureAppliesTlsLimitsAndServicesToAnOperatorsBuilder() throws Exception {
        InMemoryPostalService service = new InMemoryPostalService();
        GrpcServerOptions options = GrpcServerOptions.builder().tlsPem(pki.serverChainPem, pki.serverKeyPem)
                .maxConcurrentCalls(1).build();
        try (GrpcServerBinding binding = new GrpcServerBinding(service, new TestAuthenticator(), options)) {
            Server server = binding.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                    .build().start();
            try (PostalClient client = PostalClients.connect(ClientConfig.builder()
                    .endpoint("grpcs://localhost:" + server.getPort()).apiKey(TestAuthenticator.TEST_KEY)
                    .tls(pki.trustOnly()).retryPolicy(RetryPolicy.none()).build())) {
                assertEquals(service.catalogue(), client.backgrounds());
                service.hold("quote");
                Thread held = new Thread(() -> {
                    try {
                        Waiting.forAPermit(() -> client.quote(Fixtures.quote(Fixtures.letter())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                held.start();
                Waiting.forHeldCalls(service, 1);
                assertThrows(RateLimitedException.class, () -> client.backgrounds()); // the limit came along
                service.open("quote");
                held.join(5_000);
            } finally {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theServiceDefinitionAloneCarriesAuthenticationAndLimits() throws Exception {
        InMemoryPostalService service = new InMemoryPostalService();
        GrpcServerOptions options = GrpcServerOptions.builder().plaintext().build();
        try (GrpcServerBinding binding = new GrpcServerBinding(service, new TestAuthenticator(), options)) {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(binding.serviceDefinition()).build().start();
            try (PostalClient anonymous = PostalClients.connect(ClientConfig.builder()
                    .endpoint("grpc://127.0.0.1:" + server.getPort()).retryPolicy(RetryPolicy.none()).build());
                 PostalClient client = PostalClients.connect(ClientConfig.builder()
                    .endpoint("grpc://127.0.0.1:" + server.getPort()).apiKey(TestAuthenticator.TEST_KEY).build())) {
                assertThrows(AuthenticationException.class, anonymous::backgrounds);
                assertEquals(service.catalogue(), client.backgrounds());
                assertEquals("portal-1", service.lastContext().caller().partnerId());
            } finally {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
