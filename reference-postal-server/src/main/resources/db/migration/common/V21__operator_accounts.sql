-- Operator accounts for the admin console (docs/operations.md, "The admin console"): a name, an
-- Argon2id password hash in PHC form ($argon2id$v=19$m=...,t=...,p=...$salt$hash), and sign-in
-- throttling kept in the ledger so that every node counts the same failures.
CREATE TABLE operators (
    name                 VARCHAR(64)   NOT NULL PRIMARY KEY,
    display_name         VARCHAR(200)  NOT NULL,
    password_hash        VARCHAR(256)  NOT NULL,
    failed_sign_ins      INT           DEFAULT 0 NOT NULL,
    locked_until         TIMESTAMP WITH TIME ZONE,
    disabled_at          TIMESTAMP WITH TIME ZONE,
    last_sign_in_at      TIMESTAMP WITH TIME ZONE,
    password_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL
);
