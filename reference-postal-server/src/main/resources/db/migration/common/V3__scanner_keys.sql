-- Only API keys of mail processing (scanners) record scans when they verify an indicium; a
-- portal's verify checks a piece without spending its first scan. Existing keys are not scanners.
ALTER TABLE api_keys ADD COLUMN scanner BOOLEAN DEFAULT FALSE NOT NULL;
