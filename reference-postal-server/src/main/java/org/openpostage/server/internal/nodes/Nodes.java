package org.openpostage.server.internal.nodes;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.server.internal.db.Database;
import org.openpostage.server.internal.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node among the nodes of one ledger: its heartbeat, and the claims its requests hold.
 *
 * <p>Every node writes a heartbeat into table {@code nodes} every {@code node.heartbeat-interval}
 * (1 s), with the <em>database's</em> clock, so that nodes need not agree on the time. Claims on
 * idempotency keys and on card payments name the node that holds them ({@code claim_node}). On
 * each heartbeat a node also:
 * <ul>
 *   <li><b>takes over from dead nodes</b>: claims of nodes whose heartbeat is older than
 *       {@code node.dead-after} (3 s), or that have no heartbeat row, are ended (an idempotency
 *       key's lease is set in the past, a payment's claim is cleared), so the next retry with the
 *       key, on any node, takes the request over. A node killed mid-request is thus replaced within
 *       {@code node.dead-after} + one heartbeat, not after {@code request.lease};</li>
 *   <li><b>frees its own abandoned claims</b>: a request that could not finish its key because the
 *       database was unreachable (a failover) leaves a claim no one holds any more; the node knows
 *       which claims its running requests hold ({@link #hold}), and ends the others once the
 *       database answers again.</li>
 * </ul>
 * Ending a claim never decides an outcome: whoever takes it over works under a new claim token,
 * and a request of the old claimant that is in fact still running can no longer finish the key or
 * move the payment (the stores check the token or the expected state). So a node wrongly thought
 * dead (a long pause) costs a retry, never a double charge.
 */
public final class Nodes {
    private static final Logger log = LoggerFactory.getLogger(Nodes.class);
    /** How long the row of a node that stopped is kept, for the operator's eyes. */
    private static final Duration KEEP_DEAD = Duration.ofHours(1);

    private final Database db;
    private final String nodeId;
    private final Duration deadAfter;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile boolean unreachable;

    /**
     * @param nodeId    this node's id, random per start
     * @param deadAfter how old a heartbeat may be before its node counts as dead
     */
    public Nodes(Database db, String nodeId, Duration deadAfter) {
        this.db = db;
        this.nodeId = nodeId;
        this.deadAfter = deadAfter;
    }

    /** This node's id, as claims name it. */
    public String nodeId() {
        return nodeId;
    }

    /** Records that a running request of this node holds {@code claim} (a claim token or a payment claim owner). */
    public void hold(String claim) {
        held.add(claim);
    }

    /** The request holding {@code claim} is done with it (finished, released, or given up). */
    public void release(String claim) {
        held.remove(claim);
    }

    /** Writes this node's first heartbeat: called before the node serves anything. */
    public void register() {
        db.write("register node", c -> {
            heartbeat(c);
            return null;
        });
    }

    /** Removes this node's row when it stops cleanly: the other nodes take over what it left at once. */
    public void leave() {
        try {
            db.write("remove node", c -> Sql.update(c, "DELETE FROM nodes WHERE node_id = ?", nodeId));
        } catch (RuntimeException e) {
            log.info("node {} could not remove its heartbeat row ({}); the others treat it as dead after {}",
                    nodeId, e.getClass().getSimpleName(), deadAfter);
        }
    }

    /**
     * One heartbeat: writes it, ends the claims of dead nodes and frees this node's abandoned
     * claims. Never throws: a database that does not answer is logged once, and the next beat
     * tries again.
     */
    public void beat() {
        try {
            db.write("node heartbeat", c -> {
                Instant now = heartbeat(c);
                takeOverFromDead(c, now.minus(deadAfter));
                freeAbandoned(c);
                Sql.update(c, "DELETE FROM nodes WHERE heartbeat_at < ?", now.minus(KEEP_DEAD));
                return null;
            });
            if (unreachable) {
                unreachable = false;
                log.info("node {}: the ledger database answers again", nodeId);
            }
        } catch (RuntimeException e) {
            if (!unreachable) {
                unreachable = true;
                log.warn("node {}: heartbeat failed ({}); retrying every beat", nodeId, e.getClass().getSimpleName());
            }
        }
    }

    /** Writes this node's heartbeat with the database's clock and returns that time. */
    private Instant heartbeat(Connection c) throws SQLException {
        if (Sql.update(c, "UPDATE nodes SET heartbeat_at = CURRENT_TIMESTAMP WHERE node_id = ?", nodeId) == 0) {
            Sql.update(c, "INSERT INTO nodes (node_id, host, started_at, heartbeat_at)"
                    + " VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", nodeId, host());
        }
        return Sql.one(c, "SELECT heartbeat_at FROM nodes WHERE node_id = ?", rs -> Sql.instant(rs, "heartbeat_at"),
                nodeId).orElseThrow(() -> new IllegalStateException("node " + nodeId + " has no heartbeat row"));
    }

    /** Ends every claim of a node whose heartbeat is older than {@code deadBefore}, or that has no row. */
    private void takeOverFromDead(Connection c, Instant deadBefore) throws SQLException {
        String alive = "SELECT node_id FROM nodes WHERE heartbeat_at >= ?";
        List<String> dead = Sql.list(c, "SELECT DISTINCT claim_node FROM idempotency_keys WHERE claim_node IS NOT NULL"
                + " AND claim_node <> ? AND state = 'IN_PROGRESS' AND claim_node NOT IN (" + alive + ")",
                rs -> rs.getString(1), nodeId, deadBefore);
        // A lease set back to the key's creation has passed on every node, whatever its clock says.
        int keys = Sql.update(c, "UPDATE idempotency_keys SET lease_until = created_at, claim_node = NULL"
                + " WHERE claim_node IS NOT NULL AND claim_node <> ? AND state = 'IN_PROGRESS'"
                + " AND claim_node NOT IN (" + alive + ")", nodeId, deadBefore);
        int payments = Sql.update(c, "UPDATE payments SET claim_owner = NULL, claim_until = NULL, claim_node = NULL"
                + " WHERE claim_node IS NOT NULL AND claim_node <> ? AND claim_node NOT IN (" + alive + ")",
                nodeId, deadBefore);
        if (keys + payments > 0) {
            log.warn("node {}: node(s) {} stopped heartbeating over {} ago; {} request(s) in progress and {} card "
                    + "payment(s) they held are left to the next retry or the reconciler", nodeId, dead, deadAfter,
                    keys, payments);
        }
    }

    /** Ends this node's claims that no running request holds (their request could not finish them). */
    private void freeAbandoned(Connection c) throws SQLException {
        int freed = 0;
        for (String token : Sql.list(c, "SELECT claim_token FROM idempotency_keys WHERE claim_node = ?"
                + " AND state = 'IN_PROGRESS'", rs -> rs.getString(1), nodeId)) {
            if (token != null && !held.contains(token)) {
                freed += Sql.update(c, "UPDATE idempotency_keys SET lease_until = created_at, claim_node = NULL"
                        + " WHERE claim_token = ? AND claim_node = ? AND state = 'IN_PROGRESS'", token, nodeId);
            }
        }
        for (String[] claim : Sql.list(c, "SELECT payment_id, claim_owner FROM payments WHERE claim_node = ?",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, nodeId)) {
            if (claim[1] == null || !held.contains(claim[1])) {
                freed += Sql.update(c, "UPDATE payments SET claim_owner = NULL, claim_until = NULL, claim_node = NULL"
                        + " WHERE payment_id = ? AND claim_node = ? AND (claim_owner = ? OR claim_owner IS NULL)",
                        claim[0], nodeId, claim[1]);
            }
        }
        if (freed > 0) {
            log.info("node {}: freed {} claim(s) its requests could not finish (the database did not answer); "
                    + "their retries take them over", nodeId, freed);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return null;
        }
    }
}
