package org.openpostage.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpostage.api.ClientConfig;
import org.openpostage.api.PostalClient;
import org.openpostage.api.PostalClients;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.transport.grpc.internal.client.ClientOptions;

/** Discovery by scheme, and the transport's options. */
class GrpcTransportProviderTest {

    @Test
    void isDiscoveredForGrpcAndGrpcs() {
        assertTrue(PostalClients.providers().stream().anyMatch(p -> p instanceof GrpcTransportProvider));
        GrpcTransportProvider provider = new GrpcTransportProvider();
        assertEquals("grpc", provider.name());
        assertEquals(Set.of("grpc", "grpcs"), provider.schemes());
        for (String endpoint : new String[] {"grpcs://postal.example:9443", "grpc://127.0.0.1:9000"}) {
            try (PostalClient client = PostalClients.connect(ClientConfig.builder().endpoint(endpoint).build())) {
                assertEquals(endpoint, client.config().endpoint().toString()); // connects lazily
            }
        }
    }

    @Test
    void readsItsOptionsFromProperties() {
        ClientConfig config = ClientConfig.fromProperties(Map.of("endpoint", "grpcs://postal.example:9443",
                "option.grpc.maxInboundMessageSize", "64MiB", "option.grpc.keepAliveTime", "PT2M",
                "option.grpc.authority", "postal.example", "option.xml.somethingElse", "ignored"));
        ClientOptions options = ClientOptions.parse(config.options());
        assertEquals(64 * 1024 * 1024, options.maxInboundMessageSize());
        assertEquals(Duration.ofMinutes(2), options.keepAliveTime());
        assertEquals("postal.example", options.authority());
        assertEquals(ClientOptions.DEFAULT_MAX_INBOUND_MESSAGE_SIZE, ClientOptions.parse(Map.of()).maxInboundMessageSize());
        assertEquals(4096, ClientOptions.parse(Map.of(GrpcTransportProvider.MAX_INBOUND_MESSAGE_SIZE, "4KiB"))
                .maxInboundMessageSize());
    }

    @Test
    void refusesUnusableConfigurationNamingTheProblem() {
        assertRefused("unknown gRPC transport option 'grpc.maxInboundMesageSize'",
                ClientConfig.builder().endpoint("grpcs://h:1").option("grpc.maxInboundMesageSize", "1"));
        assertRefused("grpc.maxInboundMessageSize 'lots'", ClientConfig.builder().endpoint("grpcs://h:1")
                .option(GrpcTransportProvider.MAX_INBOUND_MESSAGE_SIZE, "lots"));
        assertRefused("grpc.keepAliveTime must be at least 60 s", ClientConfig.builder().endpoint("grpcs://h:1")
                .option(GrpcTransportProvider.KEEP_ALIVE_TIME, "1000"));
        assertRefused("a gRPC endpoint has no path", ClientConfig.builder().endpoint("grpcs://h:1/openpostage"));
        assertRefused("is plain text (grpc://) but TLS settings are configured", ClientConfig.builder()
                .endpoint("grpc://127.0.0.1:1").tls(TestPki.get().trustOnly()));
    }

    private static void assertRefused(String expected, ClientConfig.Builder config) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> PostalClients.connect(config.build()).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
