package org.openpostage.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata that IDEs complete {@code openpostage.client.*} from: written by
 * spring-boot-configuration-processor into the jar, with a description and the default of each.
 */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribedWithItsDefault() throws IOException {
        Map<String, JsonNode> properties = new TreeMap<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "META-INF/spring-configuration-metadata.json is missing: is the processor configured?");
            new ObjectMapper().readTree(in).get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        }
        for (String name : new String[] {"endpoint", "api-key", "transport", "connect-timeout", "request-timeout",
                "options", "tls.trust-certificates", "tls.trust-store", "tls.trust-store-password", "tls.client-key-store",
                "tls.client-key-store-password", "tls.bundle", "retry.max-attempts", "retry.initial-backoff",
                "retry.max-backoff", "health.timeout", "metrics.enabled"}) {
            JsonNode p = properties.get("openpostage.client." + name);
            assertNotNull(p, name + " is not in the metadata: " + properties.keySet());
            assertTrue(p.path("description").asText().length() > 20, name + " has no description: " + p);
        }
        assertEquals(17, properties.size(), "a property without a test here: " + properties.keySet());
        assertEquals("30s", properties.get("openpostage.client.request-timeout").get("defaultValue").asText());
        assertEquals(4, properties.get("openpostage.client.retry.max-attempts").get("defaultValue").asInt());
        assertEquals("java.net.URI", properties.get("openpostage.client.endpoint").get("type").asText());
    }
}
