package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.server.model.MeterAudit;

/** The audit reads each meter at one point of its history: purchases running meanwhile never look like imbalances. */
class AuditUnderLoadTest {
    private static final int PURCHASES = 300;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anAuditDuringPurchasesFindsEveryMeterBalanced(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            f.core.admin().fundMeter(f.testMeter, Fixture.usd(100_000), "load");
            PurchaseRequest request = f.purchase(1, PaymentMethod.account());
            ExecutorService buyers = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int thread = t;
                    done.add(buyers.submit(() -> {
                        for (int i = 0; i < PURCHASES / 2; i++) {
                            f.core.purchase(request, f.test("load-" + thread + "-" + i));
                        }
                    }));
                }
                int audits = 0;
                while (done.stream().anyMatch(d -> !d.isDone())) {
                    for (MeterAudit a : f.core.admin().audit()) {
                        assertTrue(a.balanced(), "audit " + audits + ", meter " + a.meterId() + ": " + a.problems());
                    }
                    audits++;
                }
                for (Future<?> d : done) {
                    d.get(60, TimeUnit.SECONDS);
                }
                assertTrue(audits > 0);
            } finally {
                buyers.shutdownNow();
            }
            assertEquals(PURCHASES, f.meter(f.testMeter).piecesIssued());
            f.assertBalanced();
        }
    }
}
