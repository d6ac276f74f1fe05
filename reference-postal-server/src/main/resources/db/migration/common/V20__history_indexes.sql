-- Lookup and history for partners (protocol v1's listPurchases and exportJournal): a partner's
-- purchases of a mode by commit time (keyset pages by issued_at, purchase_id), and a meter's
-- journal by time.
CREATE INDEX purchases_partner_time ON purchases (partner_id, mode, issued_at, purchase_id);
CREATE INDEX journal_meter_time ON journal (meter_id, created_at);
