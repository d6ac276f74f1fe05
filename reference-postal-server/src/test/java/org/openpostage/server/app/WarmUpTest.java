package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;

/** The warm-up pass: it sells itself test postage on a scratch node and leaves nothing of it behind. */
class WarmUpTest {
    @TempDir
    Path dir;

    private AppConfig config(Path data) {
        return AppConfig.builder().xmlPort(0).grpcPort(0)
                .server(ServerConfig.builder().dataDir(data).backgroundTasks(false).build()).build();
    }

    @Test
    void aPassBuysOverBothTransportsOnAScratchLedgerAndDeletesIt() throws IOException {
        Path data = dir.resolve("node");
        Path parent = Files.createDirectories(dir.resolve("tmp"));

        WarmUp.Result r = WarmUp.run(config(data), Duration.ofSeconds(3), parent);

        assertTrue(r.indicia() > WarmUp.THREADS, "each client bought postage: " + r);
        assertTrue(r.quotes() > WarmUp.THREADS, r.toString());
        assertTrue(r.took().compareTo(Duration.ofSeconds(3)) >= 0, r.toString());
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(0, left.count(), "the scratch folder is deleted");
        }
        assertFalse(Files.exists(data), "the real node's data folder is not touched");
    }

    @Test
    void theScratchNodeSharesNothingButSigningAndRatesWithTheRealOne() {
        AppConfig real = AppConfig.builder().xmlPort(8443).grpcPort(9443).server(ServerConfig.builder()
                .dataDir(dir.resolve("node")).jdbcUrl("jdbc:postgresql://db/ledger").jdbcUser("postal")
                .signingDevice(ServerConfig.SigningDevice.PKCS11).pkcs11TokenLabel("psd")
                .signingProvider(ServerConfig.SigningProvider.JDK)
                .keystorePassword("the real one").build()).build();

        AppConfig scratch = WarmUp.scratch(real, dir.resolve("scratch"));

        ServerConfig s = scratch.server();
        assertEquals(dir.resolve("scratch"), s.dataDir());
        assertTrue(s.jdbcUrl().startsWith("jdbc:h2:file:" + dir.resolve("scratch")), s.jdbcUrl());
        assertEquals(ServerConfig.SigningDevice.SOFTWARE, s.signingDevice(), "no signing device is opened");
        assertFalse(s.softwareKeysForLivePostage());
        assertEquals(real.server().signingAlgorithm(), s.signingAlgorithm());
        assertEquals(ServerConfig.SigningProvider.JDK, s.signingProvider());
        assertNotEquals(real.server().keystorePassword(), s.keystorePassword());
        assertEquals(0, scratch.xmlPort());
        assertEquals(0, scratch.grpcPort());
        assertEquals("127.0.0.1", scratch.bind());
        assertEquals(Duration.ZERO, scratch.warmUp(), "a scratch node does not warm up itself");
    }

    @Test
    void aNodeThatWarmsUpStartsWithItsOwnLedgerUntouched() {
        try (PostalServerApp app = TestApps.start(dir, b -> b.warmUp(Duration.ofSeconds(2)))) {
            assertFalse(app.admin().partners().contains("warm-up"), app.admin().partners().toString());
            TestApps.Partner p = TestApps.partner(app.core(), "shop", 10_000);
            assertNotEquals(0, p.testMeter());
        }
    }

    @Test
    void aWarmUpThatCannotRunLetsTheNodeStartCold() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");

        assertNull(WarmUp.run(config(dir.resolve("node")), Duration.ofSeconds(1), notAFolder));
    }

    @Test
    void theSettingIsADurationOfAtMostTenMinutes() {
        assertEquals(Duration.ZERO, AppConfig.fromProperties(Map.of()).warmUp());
        assertEquals(Duration.ofSeconds(45), AppConfig.fromProperties(Map.of("warm-up", "45s")).warmUp());
        assertEquals("warm-up must be between 0 and PT10M, was PT11M", assertThrows(ConfigurationException.class,
                () -> AppConfig.fromProperties(Map.of("warm-up", "11m"))).getMessage());
        assertTrue(assertThrows(ConfigurationException.class, () -> AppConfig.fromProperties(Map.of("warm-up", "30")))
                .getMessage().startsWith("warm-up '30' is not a duration: a bare number has no unit"));
    }
}
