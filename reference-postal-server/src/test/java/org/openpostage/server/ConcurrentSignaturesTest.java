package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.SignatureCheck;
import org.openpostage.api.indicium.VerificationKeySet;
import org.openpostage.api.model.Indicium;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;

/**
 * Concurrent purchases share the transactions that store their signatures (group commit): each
 * caller still receives exactly the signed bytes the ledger keeps for its own pieces, and when a
 * shared write fails, every caller in it fails (and none waits for ever), as a transaction of its
 * own would have.
 */
class ConcurrentSignaturesTest {
    private static final int THREADS = 16;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyCallerReceivesTheSignaturesTheLedgerKeepsForItsPieces(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            f.core.admin().fundMeter(f.testMeter, Fixture.usd(1_000_00), "top-up");
            List<Purchase> purchases = inParallel(THREADS * 20, k ->
                    f.core.purchase(f.purchase(1 + k % 3, PaymentMethod.account()), f.test("group-" + k)));

            VerificationKeySet keys = f.core.verificationKeys(f.test("keys"));
            int pieces = 0;
            for (Purchase p : purchases) {
                for (Indicium i : p.indicia()) {
                    assertArrayEquals(stored(f.db, i.indiciumId()), i.data().toArray(),
                            "indicium " + i.indiciumId() + " answered other bytes than the ledger keeps");
                    assertEquals(SignatureCheck.TEST_KEY, keys.verify(i.decode()), "indicium " + i.indiciumId());
                    pieces++;
                }
            }
            assertEquals(f.meter(f.testMeter).piecesIssued(), pieces);
            assertEquals(0, unsigned(f.db), "every indicium handed out is stored signed");
            for (int k = 0; k < purchases.size(); k += 37) {
                Purchase replay = f.core.purchase(f.purchase(1 + k % 3, PaymentMethod.account()), f.test("group-" + k));
                assertEquals(purchases.get(k), replay, "a replay answers the bytes first handed out");
            }
            f.assertBalanced();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void whenASharedWriteFailsEveryCallerInItFailsAndARetrySignsItsPieces(TestDatabase.Kind kind) throws Exception {
        try (Fixture f = Fixture.on(TestDatabase.of(kind, dir), dir)) {
            Rows.update(f.db, "ALTER TABLE indicia ADD CONSTRAINT test_unsigned CHECK (data IS NULL)");
            int calls = THREADS * 4;
            List<Object> outcomes = inParallel(calls, k -> {
                try {
                    return f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("fails-" + k));
                } catch (PostageException e) {
                    return e;
                }
            });
            for (Object o : outcomes) {
                PostageException e = assertInstanceOf(PostageException.class, o, "no signature could be stored");
                assertTrue(e.retryable(), "the purchase is paid: retrying it signs it (" + e.getMessage() + ")");
            }
            assertEquals(calls, f.meter(f.testMeter).piecesIssued(), "every purchase is paid and recorded");
            Rows.update(f.db, "ALTER TABLE indicia DROP CONSTRAINT test_unsigned");

            List<Purchase> retried = inParallel(calls, k ->
                    f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("fails-" + k)));
            for (Purchase p : retried) {
                assertArrayEquals(stored(f.db, p.indicia().get(0).indiciumId()), p.indicia().get(0).data().toArray());
            }
            assertEquals(calls, f.meter(f.testMeter).piecesIssued(), "a retry charges nothing again");
            assertEquals(0, unsigned(f.db));
            f.assertBalanced();
        }
    }

    /** Runs {@code call(k)} for k = 0..n-1 on {@value #THREADS} threads; the results in k's order. */
    private static <T> List<T> inParallel(int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int index = k;
                futures.add(pool.submit(() -> call.run(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(2, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    throw new AssertionError("a purchase failed: " + e.getCause(), e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private interface Call<T> {
        T run(int k) throws Exception;
    }

    private static byte[] stored(TestDatabase db, String indiciumId) {
        byte[] data = Rows.bytes(db, "SELECT data FROM indicia WHERE indicium_id = ?", indiciumId);
        assertNotNull(data, "indicium " + indiciumId + " is in the ledger, signed");
        return data;
    }

    private static long unsigned(TestDatabase db) {
        return Rows.count(db, "SELECT COUNT(*) FROM indicia WHERE data IS NULL");
    }
}
