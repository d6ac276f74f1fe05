package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.spi.Credentials;

/**
 * Two nodes starting at once with {@code demo=true} on an empty ledger (the cluster script starts
 * both together, sharing a data directory) seed one set of demo partners, meters and API keys,
 * not two, and neither fails to start.
 */
class DemoSeedTwoNodesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void twoNodesSeedingAtOnceSeedOneSet(TestDatabase.Kind kind) throws Exception {
        ExecutorService starts = Executors.newFixedThreadPool(2);
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            PostalCore second = f.secondNode();
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<DemoSeed.Result>> seeds = List.of(f.core, second).stream()
                    .map(core -> starts.submit(() -> {
                        together.await();
                        return DemoSeed.seed(core);
                    })).toList();
            DemoSeed.Result a = seeds.get(0).get(60, TimeUnit.SECONDS);
            DemoSeed.Result b = seeds.get(1).get(60, TimeUnit.SECONDS);

            assertEquals(a.apiKeys(), b.apiKeys(), "both nodes report the same keys");
            assertEquals(a.meters(), b.meters(), "and the same meters");
            for (String partner : DemoSeed.PARTNERS.keySet()) {
                assertEquals(1, Rows.count(f.db, "SELECT COUNT(*) FROM partners WHERE partner_id = ?", partner));
                assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM meters WHERE partner_id = ?", partner),
                        "one test and one live meter for " + partner);
                assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM api_keys WHERE partner_id = ?", partner),
                        "one test and one live API key for " + partner);
                assertEquals(2, Rows.count(f.db, "SELECT COUNT(*) FROM journal j JOIN meters m ON m.meter_id = j.meter_id"
                        + " WHERE m.partner_id = ? AND j.kind = 'FUNDING'", partner), "each meter funded once");
            }
            for (String key : a.apiKeys().values()) {
                f.core.authenticator().authenticate(Credentials.apiKey(key));
                second.authenticator().authenticate(Credentials.apiKey(key));
            }
            f.assertBalanced();
        } finally {
            starts.shutdownNow();
        }
    }
}
