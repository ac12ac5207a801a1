-- A rotated secret key keeps working until `previous_secret_valid_until_ms`, so a merchant's
-- servers can switch to the new one without an outage. Only hashes are stored.
ALTER TABLE merchants ADD COLUMN previous_secret_key_hash TEXT;
ALTER TABLE merchants ADD COLUMN previous_secret_valid_until_ms BIGINT NOT NULL DEFAULT 0;
-- Every merchant call looks a key up by either hash: both are indexed.
CREATE INDEX merchants_by_previous_secret ON merchants (previous_secret_key_hash);

-- People who run a shop's support: an e-mail (one account per address, across shops: it is
-- what they sign in with), the name shoppers see on replies, a role, an argon2id hash.
CREATE TABLE staff (
    id             TEXT PRIMARY KEY,
    merchant_id    TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    email          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL
);
CREATE INDEX staff_by_merchant ON staff (merchant_id);
