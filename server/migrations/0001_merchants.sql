-- Portable SQL: runs unchanged on SQLite and PostgreSQL (text ids made by the app,
-- BIGINT unix milliseconds for time, JSON kept as TEXT).
CREATE TABLE merchants (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    publishable_key  TEXT NOT NULL UNIQUE,
    secret_key_hash  TEXT NOT NULL UNIQUE,
    settings_json    TEXT NOT NULL,
    created_at_ms    BIGINT NOT NULL
);

CREATE TABLE merchant_origins (
    merchant_id  TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    origin       TEXT NOT NULL,
    PRIMARY KEY (merchant_id, origin)
);
