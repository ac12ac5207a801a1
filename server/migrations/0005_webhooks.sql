-- Webhooks as an outbox: a delivery row is written in the same transaction as the change it
-- reports, and a background worker sends it (signed, retried with backoff). A slow or down
-- endpoint therefore never slows the API.
CREATE TABLE webhook_endpoints (
    id             TEXT PRIMARY KEY,
    merchant_id    TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    secret         TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    endpoint_id         TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type          TEXT NOT NULL,
    payload_json        TEXT NOT NULL,
    attempts            BIGINT NOT NULL,
    next_attempt_at_ms  BIGINT,
    last_status         BIGINT,
    last_error          TEXT,
    delivered_at_ms     BIGINT,
    created_at_ms       BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at_ms) WHERE delivered_at_ms IS NULL;
