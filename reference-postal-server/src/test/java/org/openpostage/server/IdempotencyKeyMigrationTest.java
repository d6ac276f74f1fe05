package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Migration V8 scopes the idempotency keys stored before it by mode, taking each key's mode from
 * what it stands for, so that a retry after the upgrade still finds its key: on H2 and PostgreSQL.
 */
class IdempotencyKeyMigrationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void keysStoredBeforeTakeTheModeOfWhatTheyStandFor(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.of(kind, dir)) {
            String vendor = kind == TestDatabase.Kind.H2 ? "h2" : "postgresql";
            Flyway.configure().dataSource(db.url, db.user, null).target("7")
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor).load().migrate();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO partners VALUES ('p', 'P', CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO meters (meter_id, partner_id, mode, currency, ascending, descending, last_serial,"
                        + " is_default, created_at) VALUES (100001, 'p', 'TEST', 'USD', 0, 0, 0, TRUE, CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO purchases VALUES ('pur_t', 'p', 100001, 'TEST', 'USD', 73, 1, 'ACCOUNT', NULL,"
                        + " 'pur_t', NULL, NULL, CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO payments (payment_id, partner_id, idem_key, mode, meter_id, amount, currency,"
                        + " card_brand, card_last4, state, request_form, created_at, updated_at) VALUES ('pay_l', 'p',"
                        + " 'card-key', 'LIVE', 100001, 73, 'USD', 'VISA', '4242', 'UNKNOWN', '-', CURRENT_TIMESTAMP,"
                        + " CURRENT_TIMESTAMP)");
                for (String[] key : new String[][] {{"bought", "pur_t", null}, {"card-key", null, "pay_l"},
                        {"batch", null, null}}) {
                    s.execute("INSERT INTO idempotency_keys (partner_id, idem_key, operation, fingerprint, state,"
                            + " purchase_id, payment_id, created_at, expires_at) VALUES ('p', '" + key[0] + "', 'PURCHASE',"
                            + " 'f', 'COMPLETED', " + (key[1] == null ? "NULL" : "'" + key[1] + "'") + ", "
                            + (key[2] == null ? "NULL" : "'" + key[2] + "'") + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                }
            }
            Flyway.configure().dataSource(db.url, db.user, null)
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor).load().migrate();
            assertEquals(1, Rows.count(db, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'TEST:bought'"));
            assertEquals(1, Rows.count(db, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'LIVE:card-key'"));
            assertEquals(1, Rows.count(db, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'LIVE:batch'"));
            assertEquals("LIVE:card-key", Rows.text(db, "SELECT idem_key FROM payments"));
        }
    }
}
