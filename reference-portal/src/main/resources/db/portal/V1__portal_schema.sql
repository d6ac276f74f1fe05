-- The portal's schema as the portal made it before its migrations were Flyway's: the same statements,
-- each written to do nothing where it was done already. A database made by an earlier portal (no
-- history table: Flyway baselines it at version 0, PortalDatabase) runs them once more and is brought
-- to this schema with its rows kept; a new database runs them once. Later changes are V2 onwards.

CREATE TABLE IF NOT EXISTS users (id BIGINT AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(64) NOT NULL UNIQUE, display_name VARCHAR(100) NOT NULL,
    password_hash VARCHAR(200) NOT NULL);

-- Store credit: an append-only journal; the balance is its sum.
CREATE TABLE IF NOT EXISTS credit_journal (id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id), amount BIGINT NOT NULL,
    currency CHAR(3) NOT NULL, reason VARCHAR(200) NOT NULL, order_id BIGINT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL);

CREATE TABLE IF NOT EXISTS uploads (id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id), title VARCHAR(100) NOT NULL,
    content BLOB NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL);

CREATE TABLE IF NOT EXISTS orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    payment_kind VARCHAR(10) NOT NULL, card_label VARCHAR(40), currency CHAR(3) NOT NULL,
    print_mode VARCHAR(12) NOT NULL, idempotency_key VARCHAR(100) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL, meter_id BIGINT);

CREATE TABLE IF NOT EXISTS order_items (id BIGINT AUTO_INCREMENT PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders(id), position INT NOT NULL,
    mail_class VARCHAR(30) NOT NULL, grams INT NOT NULL, origin VARCHAR(10) NOT NULL,
    destination VARCHAR(10), price BIGINT NOT NULL, date_of_mailing DATE NOT NULL,
    background VARCHAR(80), status VARCHAR(20) NOT NULL, message VARCHAR(500),
    indicium_id VARCHAR(64), indicium BLOB, image BLOB, refund_id VARCHAR(64),
    refunded_at TIMESTAMP WITH TIME ZONE);

-- An order's status is derived from its items; the meter is kept so a re-send is identical.
ALTER TABLE orders DROP COLUMN IF EXISTS status;
ALTER TABLE orders DROP COLUMN IF EXISTS message;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS meter_id BIGINT;
-- The background resolver's claim on a pending order, so only one node re-sends it at a time.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(40);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP WITH TIME ZONE;
-- When the resolver last claimed it, so each pass starts with the orders tried least recently.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS last_tried_at TIMESTAMP WITH TIME ZONE;
-- Each stamp's picture placement and addresses (issue 15), kept so envelopes and labels can be printed.
ALTER TABLE order_items ADD COLUMN IF NOT EXISTS frame VARCHAR(40);
ALTER TABLE order_items ADD COLUMN IF NOT EXISTS sender VARCHAR(400);
ALTER TABLE order_items ADD COLUMN IF NOT EXISTS recipient VARCHAR(400);

-- Failed sign-ins of one subject (a hashed user name or client address) and its lock.
CREATE TABLE IF NOT EXISTS sign_in_throttle (subject VARCHAR(80) PRIMARY KEY,
    failures INT NOT NULL, window_start TIMESTAMP WITH TIME ZONE,
    locked_until TIMESTAMP WITH TIME ZONE);
