-- The postal security device (docs/operations.md, "The postal security device"; docs/ledger.md).

-- This ledger's identity (the prefix of its keys' aliases in a PKCS#11 token, so that several
-- ledgers can share a token) and the version of its published key set (every key change adds one).
-- The server writes the row on its first start.
CREATE TABLE installation (
    id               INT          NOT NULL PRIMARY KEY CHECK (id = 1),
    installation_id  VARCHAR(32)  NOT NULL,
    key_set_version  BIGINT       NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Signing keys: which device holds the private half; a key is created (pending, active_from NULL)
-- before it becomes active. Keys from 2147483648 up are test keys (they sign test indicia only).
ALTER TABLE signing_keys ADD COLUMN device VARCHAR(16) DEFAULT 'SOFTWARE' NOT NULL;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_device CHECK (device IN ('SOFTWARE', 'PKCS11'));
ALTER TABLE signing_keys ADD COLUMN created_at TIMESTAMP WITH TIME ZONE;
UPDATE signing_keys SET created_at = active_from;
ALTER TABLE signing_keys ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE signing_keys ALTER COLUMN active_from DROP NOT NULL;

-- Indicia are recorded with their debit (payload: the 63 signed bytes, so the serial belongs to
-- that data for ever) and signed after that commit; data (payload + signature) is NULL until then.
ALTER TABLE indicia ADD COLUMN payload BYTEA;
UPDATE indicia SET payload = SUBSTRING(data FROM 1 FOR 63);
ALTER TABLE indicia ALTER COLUMN payload SET NOT NULL;
ALTER TABLE indicia ALTER COLUMN data DROP NOT NULL;

-- The journal's hash chain, one per meter: seq counts the meter's entries from 1, entry_hash is
-- SHA-256 over prev_hash and the entry's canonical bytes. Entries written before this version have
-- no seq and are not chained. The meter row holds the chain's head.
ALTER TABLE journal ADD COLUMN seq BIGINT;
ALTER TABLE journal ADD COLUMN prev_hash BYTEA;
ALTER TABLE journal ADD COLUMN entry_hash BYTEA;
CREATE UNIQUE INDEX journal_meter_seq ON journal (meter_id, seq);
ALTER TABLE meters ADD COLUMN journal_seq BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE meters ADD COLUMN journal_head BYTEA;

-- The operator journal: what operators (and the server on its own) did to keys, partners, API
-- keys, meters and the catalogue, in one hash chain whose head is operator_journal_head.
CREATE TABLE operator_journal (
    seq          BIGINT        NOT NULL PRIMARY KEY,
    kind         VARCHAR(32)   NOT NULL,
    subject      VARCHAR(200)  NOT NULL,
    detail       VARCHAR(2000),
    actor        VARCHAR(200)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    prev_hash    BYTEA         NOT NULL,
    entry_hash   BYTEA         NOT NULL
);

CREATE TABLE operator_journal_head (
    id    INT     NOT NULL PRIMARY KEY CHECK (id = 1),
    seq   BIGINT  NOT NULL,
    head  BYTEA   NOT NULL
);

-- Checkpoints: the heads of every chain at one moment, signed by the device with the active live
-- key. Each names the previous checkpoint's hash, so none can be removed from the middle.
CREATE TABLE journal_checkpoints (
    checkpoint_id  BIGINT   NOT NULL PRIMARY KEY,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    key_id         BIGINT   NOT NULL,
    content        BYTEA    NOT NULL,
    signature      BYTEA    NOT NULL
);

-- The last head each checkpoint signed per chain (0: the operator journal, else a meter id), so that
-- a checkpoint lists only the chains that grew since. A cache of what the checkpoints say: the
-- audit trusts the signed checkpoints, not this table.
CREATE TABLE journal_chain_marks (
    chain_id  BIGINT  NOT NULL PRIMARY KEY,
    seq       BIGINT  NOT NULL,
    head      BYTEA   NOT NULL
);
