package org.openpostage.portal.internal.store;

import org.openpostage.jdbc.Transactions;
import static org.openpostage.portal.internal.store.Jdbc.insert;
import static org.openpostage.portal.internal.store.Jdbc.instant;
import static org.openpostage.portal.internal.store.Jdbc.prepare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Store credit: an append-only journal per user ({@code credit_journal}); the balance is its sum.
 * Top-ups, welcome credit and the holds, give-backs and refunds of orders are entries; the order
 * store writes its entries in its own transactions through the package's
 * {@link #add(Connection, long, long, String, String, Long) add}.
 */
public final class CreditStore {
    private final Transactions tx;

    CreditStore(Transactions tx) {
        this.tx = tx;
    }

    /** Adds {@code amount} minor units to the user's store credit, with {@code reason}, in one journal entry. */
    public void addCredit(long userId, long amount, String currency, String reason) {
        tx.run("add credit", c -> {
            add(c, userId, amount, currency, reason, null);
            return null;
        });
    }

    /** The user's store credit, in minor units. */
    public long balance(long userId) {
        return tx.run("read balance", c -> balance(c, userId));
    }

    /** The user's credit journal, newest first. */
    public List<CreditEntry> creditJournal(long userId) {
        return tx.run("read credit journal", c -> {
            List<CreditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT amount, currency, reason, order_id, created_at FROM credit_journal"
                    + " WHERE user_id = ? ORDER BY id DESC", userId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long order = rs.getLong(4);
                    Long orderId = rs.wasNull() ? null : order; // before any other column is read
                    out.add(new CreditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), orderId, instant(rs, 5)));
                }
            }
            return out;
        });
    }

    /** A journal entry of {@code amount} (negative: a charge), in the caller's transaction. */
    static void add(Connection c, long userId, long amount, String currency, String reason, Long orderId)
            throws SQLException {
        insert(c, "INSERT INTO credit_journal (user_id, amount, currency, reason, order_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", userId, amount, currency, reason, orderId, Instant.now());
    }

    /** The user's balance as the caller's transaction sees it. */
    static long balance(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT COALESCE(SUM(amount), 0) FROM credit_journal WHERE user_id = ?",
                userId); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Locks the user's row until the caller's transaction ends, so that charges against one
     * balance are checked and written one after the other.
     */
    static void lockUser(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT id FROM users WHERE id = ? FOR UPDATE", userId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no user " + userId);
            }
        }
    }
}
