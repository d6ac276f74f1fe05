package org.openpostage.server.internal.signing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.openpostage.server.internal.util.Ids;
import org.openpostage.server.internal.util.Time;

/**
 * This ledger's identity and the version of its published key set: the one row of table
 * {@code installation}. The installation id, random and fixed at the first start, prefixes the
 * aliases of this ledger's keys in a PKCS#11 token. Every change to the signing keys locks the row
 * ({@link #lock}), which serializes them on every node, and raises the version
 * ({@link #newKeySetVersion}), which tells every node to rebuild its published key set.
 */
public final class Installation {
    private final Database db;
    private final String installationId;

    private Installation(Database db, String installationId) {
        this.db = db;
        this.installationId = installationId;
    }

    /**
     * The ledger's installation, created on its first start. Safe when several nodes start at once.
     * A ledger from before the row existed takes its key set version from its keystore's.
     */
    public static Installation open(Database db, Clock clock) {
        String id = db.read("read installation", c -> Sql.one(c, "SELECT installation_id FROM installation WHERE id = 1",
                rs -> rs.getString(1))).orElse(null);
        if (id == null) {
            String fresh = Ids.random(12).toLowerCase(java.util.Locale.ROOT);
            try {
                db.transaction("create installation", c -> {
                    long version = Sql.number(c, "SELECT COALESCE(MAX(version), 0) FROM signing_keystore");
                    return Sql.update(c, "INSERT INTO installation (id, installation_id, key_set_version, created_at)"
                            + " VALUES (1, ?, ?, ?)", fresh, version, Time.now(clock));
                });
            } catch (RuntimeException e) {
                // Another node created it first: read theirs below.
            }
            id = db.read("read installation", c -> Sql.one(c, "SELECT installation_id FROM installation WHERE id = 1",
                    rs -> rs.getString(1))).orElseThrow(() -> new IllegalStateException("cannot create the installation"));
        }
        return new Installation(db, id);
    }

    /** The installation id. */
    public String id() {
        return installationId;
    }

    /** The current version of the published key set. */
    public long keySetVersion() {
        return db.read("read key set version", c -> Sql.number(c, "SELECT key_set_version FROM installation WHERE id = 1"));
    }

    /** Locks the installation row in the caller's transaction, serializing key changes on every node. */
    void lock(Connection c) throws SQLException {
        Sql.one(c, "SELECT id FROM installation WHERE id = 1 FOR UPDATE", rs -> rs.getInt(1))
                .orElseThrow(() -> new IllegalStateException("the installation row is missing"));
    }

    /** Raises the key set's version in the caller's transaction. */
    void newKeySetVersion(Connection c) throws SQLException {
        Sql.update(c, "UPDATE installation SET key_set_version = key_set_version + 1 WHERE id = 1");
    }
}
