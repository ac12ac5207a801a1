-- Loyalty points as a ledger: balance, tier and progress are derived from it, never stored.
CREATE TABLE loyalty_ledger (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    shopper_email   TEXT NOT NULL,
    points          BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    complaint_id    TEXT REFERENCES complaints (id) ON DELETE SET NULL,
    created_at_ms   BIGINT NOT NULL
);
CREATE INDEX loyalty_ledger_by_shopper ON loyalty_ledger (merchant_id, shopper_email, created_at_ms);

-- One row per shopper, upserted before a capped credit: the row lock serialises concurrent
-- credits for the same shopper, so the cap holds with several server processes.
CREATE TABLE loyalty_accounts (
    merchant_id    TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    shopper_email  TEXT NOT NULL,
    touched_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, shopper_email)
);
