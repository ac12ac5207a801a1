-- Orders and their timelines. Status is never stored: it is replayed from the events.

-- The secret a merchant's backend signs shopper tokens with (HMAC needs it in clear;
-- it grants no API access, unlike the secret key, which is stored only as a hash).
ALTER TABLE merchants ADD COLUMN shopper_token_secret TEXT NOT NULL DEFAULT '';

-- Deployment-wide secrets shared by every server process (e.g. the order-token key).
CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE orders (
    id                 TEXT PRIMARY KEY,
    merchant_id        TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    number             TEXT NOT NULL,
    email              TEXT NOT NULL,
    postcode           TEXT,
    shopper_id         TEXT,
    currency           TEXT NOT NULL,
    placed_at_ms       BIGINT NOT NULL,
    expected_delivery  TEXT,
    loyalty_points     BIGINT,
    locale             TEXT,
    items_json         TEXT NOT NULL,
    shipments_json     TEXT NOT NULL,
    created_at_ms      BIGINT NOT NULL,
    updated_at_ms      BIGINT NOT NULL,
    UNIQUE (merchant_id, number)
);
CREATE INDEX orders_by_shopper ON orders (merchant_id, shopper_id);
CREATE INDEX orders_by_email ON orders (merchant_id, email);

CREATE TABLE order_events (
    order_id           TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    event_id           TEXT NOT NULL,
    kind               TEXT NOT NULL,
    occurred_at_ms     BIGINT NOT NULL,
    note               TEXT,
    expected_delivery  TEXT,
    shipment_json      TEXT,
    recorded_at_ms     BIGINT NOT NULL,
    PRIMARY KEY (order_id, event_id)
);
