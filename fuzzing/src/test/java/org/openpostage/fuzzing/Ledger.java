package org.openpostage.fuzzing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.openpostage.api.value.Mode;
import org.openpostage.api.value.Money;
import org.openpostage.server.PostalAdmin;
import org.openpostage.server.PostalCore;
import org.openpostage.server.config.ServerConfig;
import org.openpostage.server.internal.imaging.RenderImaging;

/**
 * One reference postal core for the binding fuzz targets of a JVM (H2 in a temporary directory, with
 * stamp rendering),
 * with a partner holding a test and a live API key and generously funded meters, and a fingerprint
 * of its money: the registers of every meter, and how many journal entries and indicia there are.
 */
final class Ledger {
    private static Ledger instance;

    final PostalCore core;
    final String testKey;
    final String liveKey;
    private final String jdbcUrl;

    private Ledger() throws Exception {
        Path dir = Files.createTempDirectory("openpostage-fuzz");
        ServerConfig config = ServerConfig.builder().dataDir(dir).backgroundTasks(false)
                .softwareKeysForLivePostage(true).simulatedLivePayments(true).build();
        core = PostalCore.builder(config).imaging(new RenderImaging()).open();
        jdbcUrl = config.jdbcUrl();
        PostalAdmin admin = core.admin();
        admin.createPartner("fuzz", "Fuzz");
        testKey = admin.issueApiKey("fuzz", Mode.TEST, true).apiKey();
        liveKey = admin.issueApiKey("fuzz", Mode.LIVE, true).apiKey();
        for (Mode mode : new Mode[] {Mode.TEST, Mode.LIVE}) {
            long meter = admin.createMeter("fuzz", mode, core.currency()).meterId();
            admin.fundMeter(meter, new Money(1_000_000_000_000L, core.currency()), "fuzz");
        }
    }

    /** The JVM's core, opened on first use. */
    static synchronized Ledger get() {
        if (instance == null) {
            try {
                instance = new Ledger();
            } catch (Exception e) {
                throw new IllegalStateException("cannot open the fuzz targets' postal core", e);
            }
        }
        return instance;
    }

    /** The state of the money: registers of every meter, journal entries, indicia. */
    String money() {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT COALESCE(SUM(ascending), 0) || '/' || COALESCE(SUM(descending), 0)"
                     + " FROM meters) || ' ' || (SELECT COUNT(*) FROM journal) || ' ' || (SELECT COUNT(*) FROM indicia)")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
