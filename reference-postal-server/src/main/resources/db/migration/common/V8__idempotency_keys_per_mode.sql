-- Idempotency keys are scoped by mode as well as by partner: the ledger stores them as
-- '<MODE>:<key>' (PostalCore.key), so that a partner's test and live API keys never share an
-- outcome. Keys stored before take the mode of what they stand for (a purchase, a card payment, a
-- refund); a key that stands for none of these (a batch, a request that failed before it paid)
-- becomes a LIVE key, and a test retry of it runs afresh, which charges nothing twice: its entries
-- are keyed on their own and found in their mode.
UPDATE idempotency_keys SET idem_key = COALESCE(
        (SELECT p.mode FROM purchases p WHERE p.purchase_id = idempotency_keys.purchase_id),
        (SELECT y.mode FROM payments y WHERE y.payment_id = idempotency_keys.payment_id),
        (SELECT p.mode FROM refunds r JOIN indicia i ON i.indicium_id = r.indicium_id
            JOIN purchases p ON p.purchase_id = i.purchase_id WHERE r.refund_id = idempotency_keys.refund_id),
        'LIVE') || ':' || idem_key;
UPDATE payments SET idem_key = mode || ':' || idem_key;
