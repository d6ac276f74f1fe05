package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;

/** An environment variable that is set but empty leaves the file's setting (or the default) in force. */
class EmptyEnvironmentTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyVariableDoesNotTurnMutualTlsOffOrSwapTheDatabase() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, String.join("\n",
                "tls.client-auth = require",
                "tls.client-ca = " + dir.resolve("clients.pem").toString().replace('\\', '/'),
                "jdbc.url = jdbc:postgresql://db.example:5432/postage",
                "xml.port = 8444", ""));
        AppConfig config = AppConfig.load(file, Map.of(
                "OPENPOSTAGE_TLS_CLIENT_AUTH", "",
                "OPENPOSTAGE_JDBC_URL", "  ",
                "OPENPOSTAGE_TLS_KEYSTORE", "",
                "OPENPOSTAGE_XML_PORT", "9000"));
        assertEquals(AppConfig.ClientAuth.REQUIRE, config.clientAuth(), "the file's require stands");
        assertEquals("jdbc:postgresql://db.example:5432/postage", config.server().jdbcUrl());
        assertEquals(null, config.keystore(), "still the development CA");
        assertEquals(9000, config.xmlPort(), "a variable with a value still overrides the file");
    }

    @Test
    void theServerConfigIgnoresEmptyVariablesToo() throws Exception {
        Path file = dir.resolve("core.properties");
        Files.writeString(file, "jdbc.url = jdbc:postgresql://db.example:5432/postage\nrefund.window = P7D\n");
        ServerConfig config = ServerConfig.load(file, Map.of("OPENPOSTAGE_JDBC_URL", "",
                "OPENPOSTAGE_REFUND_WINDOW", "P2D"));
        assertEquals("jdbc:postgresql://db.example:5432/postage", config.jdbcUrl(), "not the embedded H2 default");
        assertEquals(java.time.Duration.ofDays(2), config.refundWindow());
    }
}
