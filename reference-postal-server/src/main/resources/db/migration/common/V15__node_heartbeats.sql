-- Recovery in seconds (issue 12): every node writes a heartbeat; claims on idempotency keys and
-- card payments name the node that holds them, so the other nodes take over the requests of a node
-- whose heartbeat stopped, instead of waiting out the request lease.
CREATE TABLE nodes (
    node_id       VARCHAR(64)  NOT NULL PRIMARY KEY,
    host          VARCHAR(255) NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE idempotency_keys ADD COLUMN claim_node VARCHAR(64) NULL;
ALTER TABLE payments ADD COLUMN claim_node VARCHAR(64) NULL;

-- Set only while a claim is held (cleared when the key or payment is finished or released), so
-- these indexes hold the few claims in flight.
CREATE INDEX idempotency_keys_claim_node ON idempotency_keys (claim_node);
CREATE INDEX payments_claim_node ON payments (claim_node);
