package org.openpostage.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ConfigurationException;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.Money;
import org.openpostage.api.value.Weight;
import org.openpostage.server.model.RateTableInfo;
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

        assertNotNull(r, "the pass ran");
        assertTrue(r.grpcIndicia() >= WarmUp.THREADS / 2, "each gRPC client bought postage: " + r);
        assertTrue(r.xmlIndicia() >= WarmUp.THREADS / 2, "each XML client bought postage: " + r);
        assertTrue(r.quotes() >= WarmUp.THREADS, "a quote before each call: " + r);
        assertTrue(r.traffic().compareTo(Duration.ofSeconds(3)) >= 0, r.toString());
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(0, left.count(), "the scratch folder is deleted");
        }
        assertFalse(Files.exists(data), "the real node's data folder is not touched");
    }

    @Test
    void theScratchNodeTakesOnlySigningRatesAndMarkFromTheRealOne() throws IOException {
        Path rates = Files.writeString(dir.resolve("rates.txt"), "not read here");
        AppConfig real = AppConfig.builder().bind("0.0.0.0").xmlPort(8443).grpcPort(9443).adminPort(8444)
                .metricsPort(9464).demo(true).warmUp(Duration.ofSeconds(30)).operatorMark("US POSTAGE")
                .tracingExporter(AppConfig.TracingExporter.LOGGING)
                .server(ServerConfig.builder().dataDir(dir.resolve("node")).jdbcUrl("jdbc:postgresql://db/ledger")
                        .jdbcUser("postal").signingDevice(ServerConfig.SigningDevice.PKCS11).pkcs11TokenLabel("psd")
                        .signingProvider(ServerConfig.SigningProvider.JDK).softwareKeysForLivePostage(true)
                        .ratesFile(rates).zone(ZoneId.of("America/New_York")).keystorePassword("the real one").build())
                .build();

        AppConfig scratch = WarmUp.scratch(real, dir.resolve("scratch"));

        ServerConfig s = scratch.server();
        assertEquals(dir.resolve("scratch"), s.dataDir());
        assertTrue(s.jdbcUrl().startsWith("jdbc:h2:file:" + dir.resolve("scratch")), s.jdbcUrl());
        assertEquals(ServerConfig.SigningDevice.SOFTWARE, s.signingDevice(), "no signing device is opened");
        assertFalse(s.softwareKeysForLivePostage());
        assertNotEquals(real.server().keystorePassword(), s.keystorePassword());
        assertEquals(ServerConfig.SigningProvider.JDK, s.signingProvider());
        assertEquals(rates, s.ratesFile());
        assertEquals(ZoneId.of("America/New_York"), s.zone());
        assertEquals("US POSTAGE", scratch.operatorMark());
        assertEquals("127.0.0.1", scratch.bind(), "loopback only");
        assertEquals(0, scratch.xmlPort());
        assertEquals(0, scratch.grpcPort());
        assertNull(scratch.adminPort());
        assertNull(scratch.metricsPort());
        assertFalse(scratch.demo());
        assertEquals(AppConfig.TracingExporter.NONE, scratch.tracingExporter());
        assertEquals(Duration.ZERO, scratch.warmUp(), "a scratch node does not warm up itself");

        AppConfig ed25519 = AppConfig.builder().server(ServerConfig.builder().dataDir(dir.resolve("node"))
                .signingAlgorithm(SignatureAlgorithm.ED25519).build()).build();
        assertEquals(SignatureAlgorithm.ED25519, WarmUp.scratch(ed25519, dir.resolve("s2")).server().signingAlgorithm());
    }

    @Test
    void aNodeThatWarmsUpStartsWithItsOwnLedgerUntouched() {
        try (PostalServerApp app = TestApps.start(dir, b -> b.warmUp(Duration.ofSeconds(2)))) {
            assertNotNull(app.warmUp, "the pass ran");
            assertTrue(app.warmUp.indicia() > 0, app.warmUp.toString());
            assertEquals(List.of(), app.admin().partners(), "the real ledger has no partner of the pass");
            assertEquals(List.of(), app.admin().audit(), "nor a meter");
            TestApps.Partner p = TestApps.partner(app.core(), "shop", 10_000);
            assertNotEquals(0, p.testMeter());
        }
    }

    @Test
    void thePieceIsTheFirstUnzonedRowOfTheTableInForce() {
        Money m = new Money(73, java.util.Currency.getInstance("USD"));
        RateTableInfo old = new RateTableInfo("old", "USD", LocalDate.of(2020, 1, 1), "configured", null, null, null,
                false, List.of(new RateTableInfo.Row(MailClass.LETTER, 28, 0, m)));
        RateTableInfo today = new RateTableInfo("now", "USD", LocalDate.of(2026, 1, 1), "configured", null, null, null,
                true, List.of(new RateTableInfo.Row(MailClass.PARCEL, 450, 3, m),
                        new RateTableInfo.Row(MailClass.LARGE_LETTER, 100, 0, m)));

        MailPiece piece = WarmUp.piece(List.of(old, today));

        assertEquals(MailClass.LARGE_LETTER, piece.mailClass());
        assertEquals(Weight.ofGrams(100), piece.weight());
        assertEquals(MailClass.LETTER, WarmUp.piece(List.of(old)).mailClass(), "a letter if no table is in force");
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
