package org.openpostage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpostage.api.error.ConfigurationException;

class PostalClientsTest {
    private static final TransportProvider XML = provider("xml", "https");
    private static final TransportProvider GRPC = provider("grpc", "grpc", "grpcs");
    private static final TransportProvider OTHER_XML = provider("soap", "https");

    @Test
    void theSchemePicksTheTransport() {
        assertSame(XML, PostalClients.select(config("https://postal.example:8443"), List.of(XML, GRPC)));
        assertSame(GRPC, PostalClients.select(config("grpcs://postal.example:9443"), List.of(XML, GRPC)));
        assertSame(GRPC, PostalClients.select(config("GRPC://127.0.0.1:9090"), List.of(XML, GRPC)));
    }

    @Test
    void aMissingTransportNamesTheModuleToAdd() {
        var e = assertThrows(ConfigurationException.class,
                () -> PostalClients.select(config("grpcs://postal.example:9443"), List.of(XML)));
        assertTrue(e.getMessage().contains("org.openpostage:sdk-grpc-transport"), e.getMessage());
        var unknown = assertThrows(ConfigurationException.class,
                () -> PostalClients.select(config("ftp://postal.example"), List.of(XML)));
        assertTrue(unknown.getMessage().contains("known schemes are https"), unknown.getMessage());
    }

    @Test
    void twoTransportsForOneSchemeSayHowToChoose() {
        var e = assertThrows(ConfigurationException.class,
                () -> PostalClients.select(config("https://postal.example"), List.of(XML, OTHER_XML)));
        assertTrue(e.getMessage().contains("'xml'") && e.getMessage().contains("'soap'"), e.getMessage());
        assertTrue(e.getMessage().contains(".transport(\""), e.getMessage());
        ClientConfig chosen = config("https://postal.example").toBuilder().transport("soap").build();
        assertSame(OTHER_XML, PostalClients.select(chosen, List.of(XML, OTHER_XML)));
    }

    @Test
    void anExplicitProviderMustHandleTheScheme() {
        var e = assertThrows(ConfigurationException.class,
                () -> PostalClients.connect(config("grpcs://postal.example"), XML));
        assertTrue(e.getMessage().contains("does not handle scheme 'grpcs'"), e.getMessage());
    }

    @Test
    void configurationIsReadFromPropertiesWithClearErrors() {
        ClientConfig c = ClientConfig.fromProperties(java.util.Map.of("endpoint", "grpcs://h:9443",
                "apiKey", "op_test_x", "requestTimeout", "PT2S", "connectTimeout", "1500ms", "maxAttempts", "2",
                "option.grpc.maxInboundMessageBytes", "1000"));
        assertEquals("grpcs", c.scheme());
        assertEquals(java.time.Duration.ofSeconds(2), c.requestTimeout());
        assertEquals(java.time.Duration.ofMillis(1500), c.connectTimeout());
        assertEquals(2, c.retryPolicy().maxAttempts());
        assertEquals("1000", c.options().get("grpc.maxInboundMessageBytes"));
        assertTrue(!c.toString().contains("op_test_x"), "the API key must not be printed");
        var e = assertThrows(ConfigurationException.class,
                () -> ClientConfig.fromProperties(java.util.Map.of("endpoint", "https://h", "requestTimeout", "soon")));
        assertTrue(e.getMessage().startsWith("requestTimeout 'soon'"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> ClientConfig.fromProperties(java.util.Map.of()));
        assertThrows(ConfigurationException.class, () -> config("postal.example"));
    }

    @Test
    void retryBackoffGrowsAndStaysWithinItsCap() {
        RetryPolicy p = new RetryPolicy(5, java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(350));
        var random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertTrue(p.backoff(1, random).toMillis() <= 100);
            assertTrue(p.backoff(2, random).toMillis() <= 200);
            assertTrue(p.backoff(3, random).toMillis() <= 350);
            assertTrue(p.backoff(9, random).toMillis() <= 350);
        }
        assertEquals(0, RetryPolicy.none().backoff(1, random).toMillis());
    }

    private static ClientConfig config(String endpoint) {
        return ClientConfig.builder().endpoint(endpoint).build();
    }

    private static TransportProvider provider(String name, String... schemes) {
        return new TransportProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<String> schemes() {
                return Set.of(schemes);
            }

            @Override
            public PostalClient connect(ClientConfig config) {
                throw new UnsupportedOperationException("selection tests never connect");
            }
        };
    }
}
