-- The reconciler looks for idempotency keys still open (IN_PROGRESS or PENDING) whose payment has
-- ended: few rows among a day of keys, so find them by state instead of scanning the table.
CREATE INDEX idempotency_state ON idempotency_keys (state);
