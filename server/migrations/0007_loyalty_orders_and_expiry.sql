-- Points earned on delivered orders (once per order) and the expiry of every credit.
ALTER TABLE loyalty_ledger ADD COLUMN order_id TEXT REFERENCES orders (id) ON DELETE SET NULL;
ALTER TABLE loyalty_ledger ADD COLUMN expires_at_ms BIGINT;
CREATE UNIQUE INDEX loyalty_ledger_one_credit_per_order ON loyalty_ledger (order_id) WHERE kind = 'order';
