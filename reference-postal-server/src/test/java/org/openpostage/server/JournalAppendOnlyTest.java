package org.openpostage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The database itself refuses to change or remove journal entries, on H2 and on PostgreSQL. */
class JournalAppendOnlyTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void journalEntriesCannotBeUpdatedOrDeleted(TestDatabase.Kind kind) throws Exception {
        TestDatabase db = TestDatabase.of(kind, dir);
        try (Fixture f = Fixture.on(db, dir)) {
            long entries = Rows.count(db, "SELECT COUNT(*) FROM journal");
            long total = Rows.count(db, "SELECT SUM(amount) FROM journal");
            assertEquals(2, entries, "the fixture funded two meters");
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                assertRefused(s, "UPDATE journal SET amount = amount + 1");
                assertRefused(s, "UPDATE journal SET reference = 'edited' WHERE entry_id = 1");
                assertRefused(s, "DELETE FROM journal WHERE entry_id = 1");
                assertRefused(s, "DELETE FROM journal");
                if (kind == TestDatabase.Kind.POSTGRESQL) {
                    assertRefused(s, "TRUNCATE journal CASCADE");
                }
                s.executeUpdate("INSERT INTO journal (meter_id, kind, amount, ascending_after, descending_after,"
                        + " created_at) SELECT meter_id, 'FUNDING', 1, 0, 1, CURRENT_TIMESTAMP FROM meters"
                        + " WHERE meter_id = " + f.testMeter);
            }
            assertEquals(entries + 1, Rows.count(db, "SELECT COUNT(*) FROM journal"), "appending still works");
            assertEquals(total + 1, Rows.count(db, "SELECT SUM(amount) FROM journal"));
        }
    }

    private static void assertRefused(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(sql), sql);
        assertTrue(e.getMessage().contains("append-only"), sql + ": " + e.getMessage());
    }
}
