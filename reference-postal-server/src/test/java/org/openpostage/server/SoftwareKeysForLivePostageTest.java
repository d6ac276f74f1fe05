package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.Purchase;
import org.openpostage.server.config.AppConfig;
import org.openpostage.server.config.ServerConfig;

/**
 * A server whose keys are in the software keystore issues test postage but refuses live postage,
 * before any money moves, unless the demo setting {@code psd.allow-software-keys-for-live-postage}
 * allows it; {@code demo=true} turns that on.
 */
class SoftwareKeysForLivePostageTest {
    @TempDir
    Path dir;

    @Test
    void livePostageIsRefusedBeforeAnyMoneyMovesAndTestPostageIsIssued() {
        try (Fixture f = Fixture.h2(dir, b -> b.softwareKeysForLivePostage(false).simulatedLivePayments(true))) {
            ServiceUnavailableException account = assertThrows(ServiceUnavailableException.class,
                    () -> f.core.purchase(f.purchase(1, PaymentMethod.account()), f.live("live-1")));
            assertTrue(account.getMessage().contains("cannot issue live postage")
                    && account.getMessage().contains("nothing was charged"), account.getMessage());
            assertThrows(ServiceUnavailableException.class, () -> f.core.purchase(
                    f.purchase(1, Fixture.card(SimulatedCardGateway.APPROVED_VISA)), f.live("live-2")));
            assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM payments"), "the card was never charged");
            assertEquals(0, f.meter(f.liveMeter).ascending().minorUnits());
            assertEquals(0, Rows.count(f.db, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key LIKE 'LIVE:live-%'"),
                    "the keys were released: the same request may succeed once the server signs in a token");

            Purchase test = f.core.purchase(f.purchase(1, PaymentMethod.account()), f.test("test-1"));
            assertTrue(test.indicia().get(0).decode().data().testMode());
        }
    }

    @Test
    void theDemoAllowsSoftwareKeysForLivePostageAndAServerDoesNotByDefault() {
        assertFalse(ServerConfig.builder().build().softwareKeysForLivePostage());
        assertFalse(AppConfig.fromProperties(Map.of()).server().softwareKeysForLivePostage());
        assertTrue(AppConfig.fromProperties(Map.of("demo", "true")).server().softwareKeysForLivePostage());
        assertFalse(AppConfig.fromProperties(Map.of("demo", "true", "psd.allow-software-keys-for-live-postage", "false"))
                .server().softwareKeysForLivePostage(), "the file's own setting wins");
    }
}
