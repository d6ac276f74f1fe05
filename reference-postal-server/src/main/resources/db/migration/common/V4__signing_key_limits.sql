-- Signing keys: a retired key's last date of mailing (the latest date of mailing an indicium it
-- signed can carry: the UTC date of its retirement + mailing.max-days-ahead + 1) and the time it
-- was revoked. Keys retired before this version keep no limit; no key is revoked.
ALTER TABLE signing_keys ADD COLUMN last_mailing_date DATE NULL;
ALTER TABLE signing_keys ADD COLUMN revoked_at TIMESTAMP WITH TIME ZONE NULL;

-- Only a retired key has a last date of mailing, and a revoked key is always retired.
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_limit_retired
    CHECK (last_mailing_date IS NULL OR retired_at IS NOT NULL);
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_revoked_retired
    CHECK (revoked_at IS NULL OR (retired_at IS NOT NULL AND revoked_at >= retired_at));
